// Service desk clocks at volume: 100,000 open tickets (about 3.5 events each, generated in SQL), their
// clocks computed, then recomputed after a calendar change, then the escalation sweep over them (most
// of them breached; ranges of 10,000 tickets per statement) and the same sweep again (idempotent: adds
// nothing). Time and peak RSS of this process; the floor is the bare work of the recomputation: one read
// of the same tickets and events and one UPDATE rewriting every clock row. Load average at start and end.
//   npx tsx bench/servicedesk/run.ts [--tickets 100000]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresKnex } from '../../src/platform/db/knex.ts';
import { recomputeOpenClocks, sweepEscalations } from '../../src/modules/servicedesk/index.ts';
import { etcCommand, withDatabase, writeResults } from '../lib.ts';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '100000' } } });
const N = Number(values.tickets);
const LOAD_AT_START = loadavg()[0].toFixed(1);
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const mb = (b: number) => Math.round(b / 2 ** 20);
const NOW = new Date('2026-12-04T04:00:00Z'); // a Friday noon, local time

await withDatabase('bench_servicedesk', async (url) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'etc-bench-servicedesk-'));
  const env = { DATABASE_URL: url, ETC_KEK: randomBytes(32).toString('hex'), ETC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const db = createPostgresKnex(url, 4);
  try {
    await etcCommand(['migrate'], env);
    const g0 = process.hrtime.bigint();
    // one handler in one unit with a supervisor and a manager: every escalation notifies someone
    await db.raw(`insert into users (username, display_name, role, password_hash) values
      ('handler', 'h', 'clerk', 'x'), ('boss', 'b', 'supervisor', 'x'), ('chief', 'c', 'account-manager', 'x')`);
    await db.raw(`insert into servicedesk_units (code, name, supervisor_user_id, manager_user_id)
      select 'U1', 'unit', (select id from users where username = 'boss'), (select id from users where username = 'chief')`);
    await db.raw(
      `insert into servicedesk_staff (user_id, unit_id) select u.id, s.id from users u, servicedesk_units s where u.username = 'handler'`,
    );
    // received over the 12 days before NOW; channels and categories mixed (hotline: natural time)
    await db.raw(
      `insert into servicedesk_tickets (id, ticket_no, channel, caller_name, tier, category, description, status,
         waiting_party, assignee_user_id, received_at, reply_promised_at, created_by)
       select g, 'SD' || lpad(g::text, 10, '0'),
              (array['counter','phone','bank','web','hotline'])[1 + g % 5], '来电人', 
              case when g % 10 = 0 then 'important' else 'ordinary' end,
              (array['technical','payment','service','product'])[1 + g % 4], '重复扣费',
              case when g % 4 = 0 then 'waiting' else 'in-progress' end,
              case when g % 4 = 0 then 'customer' end,
              (select id from users where username = 'handler'),
              :now::timestamptz - (g % 17280) * interval '1 minute' - interval '1 hour', :now, 'bench'
         from generate_series(1, :n) g`,
      { n: N, now: NOW },
    );
    await db.raw(`select setval('servicedesk_tickets_id_seq', :n)`, { n: N });
    await db.raw(
      `insert into servicedesk_ticket_events (ticket_id, at, actor, kind, from_status, to_status, detail)
       select id, received_at, 'bench', 'created', null, 'new', '{}'::jsonb from servicedesk_tickets
       union all select id, received_at + interval '10 minutes', 'bench', 'accept', 'new', 'accepted', '{}'::jsonb from servicedesk_tickets
       union all select id, received_at + interval '20 minutes', 'bench', 'start', 'accepted', 'in-progress', '{}'::jsonb from servicedesk_tickets
       union all select id, received_at + interval '30 minutes', 'bench', 'replied', null, null, '{}'::jsonb from servicedesk_tickets where id % 3 = 0
       union all select id, received_at + interval '40 minutes', 'bench', 'wait', 'in-progress', 'waiting', '{"party":"customer"}'::jsonb
         from servicedesk_tickets where status = 'waiting'`,
    );
    await db.raw('analyze');
    const events = Number((await db('servicedesk_ticket_events').count('* as n').first())!.n);
    const generateSeconds = seconds(g0);
    log(`${N} tickets, ${events} events generated in ${generateSeconds.toFixed(1)} s`);

    const first = process.hrtime.bigint();
    await recomputeOpenClocks(db, NOW);
    const firstComputeSeconds = seconds(first);
    log(`clocks computed in ${firstComputeSeconds.toFixed(1)} s`);
    const rssBefore = process.memoryUsage().rss;
    peak = rssBefore;
    // the calendar changes: a day inside the tickets' span becomes a holiday
    await db('servicedesk_calendar_days').insert({
      day: '2026-12-01',
      kind: 'holiday',
      name: 'bench',
      source: 'admin',
      changed_by: 'bench',
    });
    const r0 = process.hrtime.bigint();
    const { tickets } = await recomputeOpenClocks(db, NOW);
    const recomputeSeconds = seconds(r0);
    const recomputePeakRssMb = mb(peak);
    log(`recomputed ${tickets} in ${recomputeSeconds.toFixed(1)} s, peak RSS ${recomputePeakRssMb} MB`);

    // the floor: read the same rows once, rewrite every clock row once
    const f0 = process.hrtime.bigint();
    await db.raw(
      `select count(*), max(e.at) from servicedesk_tickets t join servicedesk_ticket_events e on e.ticket_id = t.id where t.status <> 'closed'`,
    );
    await db.raw(`update servicedesk_ticket_clocks set computed_at = computed_at + interval '1 second'`);
    const floorSeconds = seconds(f0);
    log(`floor ${floorSeconds.toFixed(1)} s`);

    peak = process.memoryUsage().rss;
    const s0 = process.hrtime.bigint();
    const sweep = await sweepEscalations(db, NOW);
    const sweepSeconds = seconds(s0);
    const sweepPeakRssMb = mb(peak);
    log(`sweep: ${sweep.escalated} escalations, ${sweep.notified} messages in ${sweepSeconds.toFixed(1)} s`);
    const s1 = process.hrtime.bigint();
    const again = await sweepEscalations(db, NOW);
    const repeatSweepSeconds = seconds(s1);
    if (again.escalated !== 0) throw new Error(`a repeated sweep escalated ${again.escalated}`);
    const breachedTickets = Number(
      (await db('servicedesk_escalations').where({ level: 'supervisor' }).countDistinct('ticket_id as n').first())!.n,
    );
    clearInterval(sampler);
    writeResults(
      'servicedesk',
      {
        tickets: N,
        events,
        recomputeSeconds,
        floorSeconds,
        ratioToFloor: recomputeSeconds / floorSeconds,
        recomputePeakRssMb,
        rssBeforeMb: mb(rssBefore),
        firstComputeSeconds,
        sweepSeconds,
        escalations: sweep.escalated,
        breachedTickets,
        sweepPeakRssMb,
        repeatSweepSeconds,
      },
      `${N} open tickets received over 12 days (a quarter waiting on the customer, a third replied to), ${events} events, generated in SQL in ${generateSeconds.toFixed(0)} s; recompute after a holiday was added: batches of 1,000 (one read of tickets and events, one upsert of their clock rows each); floor: one read of the same rows and one UPDATE of every clock row; sweep: per range of 10,000 tickets one set-based insert of the escalations and their events, messages in multi-row inserts; the repeated sweep adds nothing; PostgreSQL on the same cores; load average ${LOAD_AT_START} at start, ${loadavg()[0].toFixed(1)} at end`,
    );
  } finally {
    clearInterval(sampler);
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
