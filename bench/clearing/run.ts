// bench/clearing: the daily clearing run of one day of --transactions lane transactions (10 million by
// default: a national day), generated in SQL on the demo network — wall time and peak RSS of
// `etc clear --date D` against the time of one bare SQL query computing the same sums (DESIGN §10
// target: < 10 minutes, within 2× the bare SQL).
// Usage: npx tsx bench/clearing/run.ts [--transactions 10000000] [--date 2026-10-01] [--chunk 1000000]
//          [--template NAME]
// --template NAME keeps the generated day (migrated, seeded, generated; no keys) as database NAME
// and, when NAME already holds that many transactions, starts from a copy of it instead of
// generating again (the copy is migrated to the current schema; keys are made anew each run): a
// 10-million-transaction day takes minutes to generate. Drop NAME by hand when done.
//
// With the interchange steps in the run, a day with other issuers' cards stops at a waiting point
// once its outbound packages are built, until each has the issuer's confirmation. The bench then
// plays the peers: it inserts one confirmation per package, everything accepted (untimed, reported
// apart), and runs `etc clear` again, which finishes the day. Without those steps (no outbound
// package after the first run) there is one run only. The measured figure is the sum of the runs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { etcCommand, peakRssKb, ROOT, withDatabase, writeResults } from '../lib.ts';
import { BATCH, CLASS_SLOTS, generate } from './generate.ts';

const { values } = parseArgs({
  options: {
    transactions: { type: 'string', default: '10000000' },
    date: { type: 'string', default: '2026-10-01' },
    chunk: { type: 'string', default: '1000000' },
    template: { type: 'string' },
  },
});
const N = Number(values.transactions);
const D = values.date!;
const CHUNK = Number(values.chunk);
const TEMPLATE = values.template;
if (TEMPLATE !== undefined && !/^[a-z_][a-z0-9_]*$/.test(TEMPLATE)) throw new Error('--template: a lower-case name');
const LOAD_AT_START = loadavg()[0].toFixed(1); // the machine may be shared: say how busy it was
if (!Number.isInteger(N) || N < BATCH || !/^\d{4}-\d{2}-\d{2}$/.test(D) || !(CHUNK > 0))
  throw new Error('usage: --transactions N (≥ 1000) --date YYYY-MM-DD --chunk N');

const log = (m: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const secondsSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e9;

type RunResult = { code: number | null; out: string; seconds: number; peakRssKb: number; statements: Statement[] };
type Statement = { query: string; seconds: number };

// `etc clear` in a child process (node + tsx, as etcCommand in ../lib.ts), its output passed through
// as progress. Peak RSS: the kernel's high-water mark VmHWM (peakRssKb in ../lib.ts), polled every
// 100 ms. VmHWM only grows, so the last reading before the process exits is its peak up to that
// moment; only growth in the final < 100 ms could be missed (the process is then closing its pool).
// The process is node itself (no npx or shell in between), so the figure is the clearing process's.
// Meanwhile pg_stat_activity of the bench database is sampled every 250 ms to say where the time
// goes: a statement seen running is timed to now, a finished one exactly (state_change − query_start);
// parallel workers are left out (they repeat their leader's statement).
function runClear(env: NodeJS.ProcessEnv, monitor: pg.Client, benchPid: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'clear', '--date', D], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let hwm = 0;
    const echo = (d: Buffer) => {
      out += d;
      for (const line of String(d).split('\n')) if (line.trim()) log(`  | ${line}`);
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    const rss = setInterval(() => (hwm = Math.max(hwm, peakRssKb(child.pid!) ?? 0)), 100);
    const seen = new Map<string, Statement>();
    let sampling = false;
    const sample = setInterval(() => {
      if (sampling) return;
      sampling = true;
      monitor
        .query(
          `select pid, query_start::text as qs, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query,
                            extract(epoch from (case when state = 'active' then clock_timestamp() else state_change end) - query_start)::float8 as seconds
                       from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid not in (pg_backend_pid(), $1) and query_start is not null`,
          [benchPid],
        )
        .then(({ rows }) => {
          for (const r of rows) {
            const k = `${r.pid}|${r.qs}`;
            if ((seen.get(k)?.seconds ?? -1) < r.seconds) seen.set(k, { query: r.query, seconds: r.seconds });
          }
        })
        .catch(() => {})
        .finally(() => {
          sampling = false;
        });
    }, 250);
    child.on('exit', (code) => {
      const seconds = secondsSince(started);
      clearInterval(rss);
      clearInterval(sample);
      resolve({
        code,
        out,
        seconds,
        peakRssKb: hwm,
        statements: [...seen.values()].filter((s) => s.seconds >= 1).sort((a, b) => b.seconds - a.seconds),
      });
    });
  });
}

// The bare SQL: one SELECT over the same rows computing every sum the run writes — for each source
// (own cards; with the interchange steps also each province's confirmed cards) and operator the
// number of parts and the sum of the largest-remainder split (floor of the exact share, the fen left
// over to the largest remainders, ties by operator id in byte order: the very numbers of
// clearing_splits / clearing_operator_totals), and per source the transactions and their amount (the
// day's own-card total, each province's package count and amount). It is the run's split arithmetic
// without what the run must do besides: no rows written (splits, totals, packages, settlement,
// payouts, journal), no index upkeep, no re-reads to check what was written, no steps, no process
// start. Same numeric arithmetic as the run. The split is done per transaction in a lateral
// subquery over its 1–3 operators rather than with the run's windows over the day's parts: on
// 1,000,000 rows 11 s against 16–20 s for the run's formulation as a plain SELECT — the fastest exact
// per-transaction form we found, so the ratio is not flattered by a slow baseline. (PostgreSQL could
// run a SELECT in parallel and an INSERT … SELECT not; on 1,000,000 rows it chose no workers.)
// One row's largest-remainder split over its operators, as the run computes it (the row's alias r
// has amount, ops, ws and total).
const lateralSplit = (r: string) => `cross join lateral (
      select x.op, x.base + case when x.rank <= ${r}.amount - x.based then 1 else 0 end as part, x.rank
        from (select y.op, y.base, row_number() over (order by y.rem desc, y.op collate "C") as rank, sum(y.base) over () as based
                from (select u.op, div(${r}.amount::numeric * u.w, ${r}.total) as base, mod(${r}.amount::numeric * u.w, ${r}.total) as rem
                        from unnest(${r}.ops, ${r}.ws) as u(op, w)) y) x
    ) s`;

const bareSql = (withProvinces: boolean) => `
  select t.src, s.op, count(*)::bigint as parts, sum(s.part)::bigint as amount,
         count(*) filter (where s.rank = 1)::bigint as transactions, sum(t.amount) filter (where s.rank = 1)::bigint as transactions_amount
    from (select amount, split_operators as ops, split_weights as ws, (select sum(w) from unnest(split_weights) w) as total,
                 case when own_card then 'own-card' else 'province:' || issuer end as src
            from lane_transactions
           where clearing_date = $1::date and disposition = 'accepted' and amount > 0${withProvinces ? '' : ' and own_card'}) t
    ${lateralSplit('t')}
   group by grouping sets ((t.src, s.op), (t.src))`;

// Not the baseline, reported beside it: the same sums with transactions of the same fare grouped
// first — same source, amount, operators and weights split the same way, so each distinct fare is
// split once and multiplied by its count. Exact, and much cheaper (a day has few distinct fares
// compared to its transactions), but it computes no per-transaction parts, which the run must
// write; it shows what the sums alone cost.
const groupedSql = (withProvinces: boolean) => `
  select f.src, s.op, sum(f.n)::bigint as parts, sum(f.n * s.part)::bigint as amount,
         sum(f.n) filter (where s.rank = 1)::bigint as transactions, sum(f.n * f.amount) filter (where s.rank = 1)::bigint as transactions_amount
    from (select case when own_card then 'own-card' else 'province:' || issuer end as src, amount, split_operators as ops, split_weights as ws,
                 (select sum(w) from unnest(split_weights) w) as total, count(*) as n
            from lane_transactions
           where clearing_date = $1::date and disposition = 'accepted' and amount > 0${withProvinces ? '' : ' and own_card'}
           group by 1, 2, 3, 4) f
    ${lateralSplit('f')}
   group by grouping sets ((f.src, s.op), (f.src))`;

// The generated day kept as a template database, with how long it took to generate (its comment).
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
async function templateOf(name: string): Promise<{ seconds: number; longest: number } | null> {
  const { rows } = await admin((c) =>
    c.query(`select shobj_description(oid, 'pg_database') as d from pg_database where datname = $1`, [name]),
  );
  const m = /^bench-clearing (\d+) (\S+) (\d+) (\d+)$/.exec(rows[0]?.d ?? '');
  return m && Number(m[1]) === N && m[2] === D ? { seconds: Number(m[3]), longest: Number(m[4]) } : null;
}

const benchDb = `etc_bench_clearing_${process.pid}`;
const fromTemplate = TEMPLATE ? await templateOf(TEMPLATE) : null;
if (TEMPLATE && fromTemplate === null) await admin((c) => c.query(`drop database if exists ${TEMPLATE}`));
await withDatabase(benchDb, async (url) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'etc-bench-clearing-')); // drop folder, keys: nothing under the repo
  const env = {
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_NETWORK: '3401',
    ETC_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
  };
  let db = new pg.Client({ connectionString: url });
  const monitor = new pg.Client({ connectionString: url });
  try {
    let generateSeconds: number;
    let longest: number;
    if (fromTemplate !== null) {
      // withDatabase made an empty database: replace it with a copy of the kept day
      await admin(async (c) => {
        await c.query(`drop database ${benchDb} with (force)`);
        await c.query(`create database ${benchDb} template ${TEMPLATE} strategy file_copy`);
      });
      await etcCommand(['migrate'], env);
      await db.connect();
      ({ seconds: generateSeconds, longest } = fromTemplate);
      log(`day copied from template ${TEMPLATE} (generated earlier in ${generateSeconds} s)`);
    } else {
      await etcCommand(['migrate'], env);
      log(`seeded: ${(/demo network: (.*)/.exec(await etcCommand(['seed'], env)) ?? [])[1]}`);
      await db.connect();
      const g0 = process.hrtime.bigint();
      ({ longest } = await generate(db, D, N, CHUNK, log));
      generateSeconds = secondsSince(g0);
      if (TEMPLATE) {
        await db.end();
        await admin(async (c) => {
          await c.query(`create database ${TEMPLATE} template ${benchDb} strategy file_copy`);
          await c.query(
            `comment on database ${TEMPLATE} is 'bench-clearing ${N} ${D} ${Math.round(generateSeconds)} ${longest}'`,
          );
        });
        db = new pg.Client({ connectionString: url });
        await db.connect();
        log(`the generated day kept as database ${TEMPLATE}`);
      }
    }
    await etcCommand(['keys', 'init'], env);
    await monitor.connect();
    const mix = (
      await db.query(
        `select own_card, issuer, count(*)::int as n, sum(amount)::bigint as amount from lane_transactions where clearing_date = $1::date group by 1, 2 order by 1 desc, 2`,
        [D],
      )
    ).rows;
    const size = (
      await db.query(`select pg_total_relation_size($1)::bigint as b`, [`lane_transactions_${D.replaceAll('-', '')}`])
    ).rows[0].b;
    log(
      `generated ${N.toLocaleString('en')} transactions of ${D} in ${generateSeconds.toFixed(0)} s (${Math.round(size / 2 ** 20)} MB with index): ${mix.map((m) => `${m.own_card ? 'own' : m.issuer} ${m.n}`).join(', ')}`,
    );

    // the measured run: one `etc clear`, or two around the peers' confirmations
    log(`etc clear --date ${D}`);
    const benchPid: number = (await db.query('select pg_backend_pid() as pid')).rows[0].pid; // the bench's own statements are not the run's
    const first = await runClear(env, monitor, benchPid);
    log(
      `first run: exit ${first.code} in ${first.seconds.toFixed(1)} s, peak RSS ${Math.round(first.peakRssKb / 1024)} MB`,
    );
    const hasInterchange = (await db.query(`select to_regclass('interchange_packages') is not null as yes`)).rows[0]
      .yes;
    const outbound = hasInterchange
      ? (
          await db.query(
            `select count(*)::int as n, coalesce(sum(count), 0)::bigint as tx from interchange_packages where direction = 'outbound' and clear_target_date = $1::date`,
            [D],
          )
        ).rows[0]
      : { n: 0, tx: 0 };
    if (first.code !== 0) throw new Error(`etc clear failed: ${first.out}`);
    let second: RunResult | undefined;
    let confirmSeconds = 0;
    if (outbound.n > 0) {
      // the peers answer: every package confirmed in full (not timed as part of the run)
      const c0 = process.hrtime.bigint();
      const confirmed = await db.query(
        `insert into interchange_confirmations (package_id, message_id, sender, processed_at, count, amount, disputed_count, disputed_amount, received_at)
        select p.id, 'C' || p.message_id, p.receiver, now(), p.count, p.amount, 0, 0, now() from interchange_packages p
         where p.direction = 'outbound' and p.clear_target_date = $1::date and not exists (select 1 from interchange_confirmations c where c.package_id = p.id)`,
        [D],
      );
      confirmSeconds = secondsSince(c0);
      log(
        `${outbound.n} outbound packages (${outbound.tx} transactions); ${confirmed.rowCount} confirmations inserted in ${confirmSeconds.toFixed(2)} s; etc clear --date ${D} again`,
      );
      second = await runClear(env, monitor, benchPid);
      log(
        `second run: exit ${second.code} in ${second.seconds.toFixed(1)} s, peak RSS ${Math.round(second.peakRssKb / 1024)} MB`,
      );
      if (second.code !== 0) throw new Error(`etc clear (second run) failed: ${second.out}`);
    } else {
      log('no outbound interchange package for the day: one run only');
    }
    const seconds = first.seconds + (second?.seconds ?? 0);
    const peakRssKb = Math.max(first.peakRssKb, second?.peakRssKb ?? 0);
    const steps = (
      await db.query(
        `select step, detail from clearing_day_steps where clearing_date = $1::date order by done_at, step`,
        [D],
      )
    ).rows;
    const loadAfterRun = loadavg()[0].toFixed(1);
    log(
      `steps done: ${steps.map((s) => s.step).join(', ')}; load average ${loadAfterRun}; statements of the run over 1 s:`,
    );
    for (const s of [...first.statements, ...(second?.statements ?? [])])
      log(`  ${s.seconds.toFixed(1).padStart(7)} s  ${s.query}`);

    // The bare SQL, after the run: the run's first scans read the day partition as it was left by
    // generation, vacuum and checkpoint (in the OS cache: this machine has RAM for it all), and the
    // bare query then finds the same pages at least as warm — if anything, in its favour. Afterwards
    // also means its numbers can be held against what the run wrote. Timed twice; the faster counts.
    const provincesSplit =
      (
        await db.query(
          `select count(*)::int as n from clearing_operator_totals where clearing_date = $1::date and source <> 'own-card'`,
          [D],
        )
      ).rows[0].n > 0;
    const bareTimes: number[] = [];
    let bare: Array<Record<string, any>> = [];
    for (let k = 0; k < 2; k++) {
      const b0 = process.hrtime.bigint();
      bare = (await db.query(bareSql(provincesSplit), [D])).rows;
      bareTimes.push(secondsSince(b0));
      log(`bare SQL: ${bareTimes[k].toFixed(1)} s (${bare.length} rows)`);
    }
    const bareSqlSeconds = Math.min(...bareTimes);
    const q0 = process.hrtime.bigint();
    const grouped = (await db.query(groupedSql(provincesSplit), [D])).rows;
    const groupedSqlSeconds = secondsSince(q0);
    log(`grouped by fare: ${groupedSqlSeconds.toFixed(1)} s`);
    const sameRows = (a: Array<Record<string, any>>, b: Array<Record<string, any>>) => {
      const line = (r: Record<string, any>) =>
        `${r.src}|${r.op}|${r.parts}|${r.amount}|${r.transactions}|${r.transactions_amount}`;
      return JSON.stringify(a.map(line).sort()) === JSON.stringify(b.map(line).sort());
    };
    if (!sameRows(bare, grouped))
      throw new Error(`grouped sums differ: ${JSON.stringify(grouped)} vs ${JSON.stringify(bare)}`);
    // the bare numbers must be the run's: per source and operator, and per source
    const totals = (
      await db.query(
        `select source, operator_id, transactions::text, amount::text from clearing_operator_totals where clearing_date = $1::date order by 1, 2`,
        [D],
      )
    ).rows;
    const key = (src: string, op: string | null) => `${src}|${op ?? ''}`;
    const bareBy = new Map(bare.map((r) => [key(r.src, r.op), r]));
    const mismatches = totals.filter((t) => {
      const r = bareBy.get(key(t.source, t.operator_id));
      return !r || r.parts !== t.transactions || r.amount !== t.amount;
    });
    if (mismatches.length || totals.length !== bare.filter((r) => r.op !== null).length) {
      throw new Error(`the bare SQL and the run disagree: run ${JSON.stringify(totals)} bare ${JSON.stringify(bare)}`);
    }
    if (hasInterchange && outbound.n > 0) {
      const packages = (
        await db.query(
          `select 'province:' || receiver as src, sum(count)::text as n, sum(amount)::text as amount from interchange_packages where direction = 'outbound' and clear_target_date = $1::date group by receiver`,
          [D],
        )
      ).rows;
      for (const p of packages) {
        const r = bareBy.get(key(p.src, null));
        if (provincesSplit && (!r || r.transactions !== p.n || r.transactions_amount !== p.amount))
          throw new Error(`packages of ${p.src} ${p.n}/${p.amount} ≠ bare ${JSON.stringify(r)}`);
      }
    }
    const splitsRows = Number(
      (await db.query(`select count(*)::bigint as n from clearing_splits where clearing_date = $1::date`, [D])).rows[0]
        .n,
    );

    const ratio = seconds / bareSqlSeconds;
    log(
      `clearing ${seconds.toFixed(1)} s (first run ${first.seconds.toFixed(1)} s${second ? `, second ${second.seconds.toFixed(1)} s` : ''}), bare SQL ${bareSqlSeconds.toFixed(1)} s: ratio ${ratio.toFixed(2)}; peak RSS ${Math.round(peakRssKb / 1024)} MB; ${splitsRows} split rows`,
    );
    const metrics: Record<string, number> = {
      seconds: Number(seconds.toFixed(2)),
      bareSqlSeconds: Number(bareSqlSeconds.toFixed(2)),
      ratioToBareSql: Number(ratio.toFixed(2)),
      peakRssMb: Math.round(peakRssKb / 1024),
      transactions: N,
      splitsRows,
      groupedSqlSeconds: Number(groupedSqlSeconds.toFixed(2)),
      // the run splits each distinct fare once too (and still writes every part): held against the
      // grouped sums as well, the lowest floor there is
      ratioToGroupedSql: Number((seconds / groupedSqlSeconds).toFixed(2)),
      generateSeconds: Math.round(generateSeconds),
      firstRunSeconds: Number(first.seconds.toFixed(2)),
      ...(second
        ? {
            secondRunSeconds: Number(second.seconds.toFixed(2)),
            confirmSeconds: Number(confirmSeconds.toFixed(2)),
            packages: outbound.n,
          }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    const own = mix.filter((m) => m.own_card).reduce((a, m) => a + m.n, 0);
    writeResults(
      'clearing',
      metrics,
      `${N.toLocaleString('en')} accepted transactions of one day (${Math.round((100 * own) / N)} % own cards, the rest of 4 other provinces; 1–${longest} sections on the demo network, ${CLASS_SLOTS.filter((c) => c === 1).length} % class 1), generated in SQL in ${Math.round(generateSeconds)} s; ${second ? `two \`etc clear\` runs around ${outbound.n} outbound packages confirmed in SQL (${confirmSeconds.toFixed(2)} s, not counted)` : 'one `etc clear` run (no interchange steps yet)'}; bare SQL: one SELECT of the same per-transaction largest-remainder splits summed per source and operator${provincesSplit ? ', and per-province sums' : ''}, warm, best of two (grouped by fare first: groupedSqlSeconds; the run splits each distinct fare once too, then writes every transaction's parts); peak RSS of the clearing process; PostgreSQL on the same 2 cores; load average ${LOAD_AT_START} when the bench started, ${loadAfterRun} after the clearing runs, ${loadavg()[0].toFixed(1)} at the end`,
    );
  } finally {
    await monitor.end().catch(() => {});
    await db.end().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
});
