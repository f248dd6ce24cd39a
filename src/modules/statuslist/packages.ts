// Signed list packages (ICD §2): a header line, the entry lines, and a trailer with the SHA-256 of
// the entry lines and the RSA signature of header + "\n" + that digest. The lines are built by
// PostgreSQL (one text per page), never the whole list in memory. A small delta is read in two
// short statements and signed from memory; a full list or a large delta is streamed inside one
// read-only repeatable-read transaction (pages of the primary key, or a cursor), so the header's
// version and count and the lines describe the same instant whatever the publisher does meanwhile.
import { perDatabase } from '../../platform/db/per-database.ts';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { retryLater } from '../../platform/http/errors.ts';
import { listHead } from './head.ts';
import type { KeyService } from '../keys/index.ts';
import { signerOf, storeDelta, storedDelta } from './stored-deltas.ts';

export type ListHeader = {
  kind: 'full' | 'delta';
  from: number;
  version: number;
  publishedAt: string | null;
  count: number;
};
export type ListRequest = { since?: number; forceFull?: boolean; issuer?: string };
export type ListPackage =
  { notModified: true; version: number } | { notModified: false; header: ListHeader; stream: Readable };

const FULL_PAGE = 20_000;
const DELTA_FETCH = 5_000;
const DEADLINE_MS = 15 * 60_000; // a lane that stops reading must not hold a connection for ever
// A lane refused for want of a slot is told when to ask again (Retry-After): long enough for a
// delta in progress to finish, short enough that a lane behind does not stay behind for long.
const BUSY_RETRY_SECONDS = 5;
const NL = 'chr(10)';
const ENTER_TAIL = ',"action":"enter"}\n'; // inside an SQL string literal: a real newline
const line = (action: string) =>
  `'{"medium":"' || medium || '","id":"' || medium_id || '","issuer":"' || issuer || '","reason":' || reason || ',"action":"' || ${action} || '"}' || ${NL}`;

// Downloads in progress in this process: each holds a database connection while it streams.
let active = 0;

export async function currentVersion(db: Knex): Promise<number> {
  const r = await db('status_list_versions').max({ v: 'version' }).first();
  return Number(r?.v ?? 0);
}

function issuerRange(issuer: string | undefined): { sql: string; bindings: string[] } {
  // card and OBU numbers begin with the issuer's network id: one issuer is one key range
  if (!issuer) return { sql: '', bindings: [] };
  return {
    sql: ' and medium_id >= ? and medium_id < ?',
    bindings: [issuer, String(Number(issuer) + 1).padStart(4, '0')],
  };
}

// The net effect of the versions (from, to], one line per id in (medium, id) order: an id's last
// row in the range gives its state at `to`, its first row's was_listed its state at `from`; an id
// listed at neither end is left out. One version alone is its own net effect (one row per id).
function deltaSql(from: number, to: number, issuer: string | undefined): { sql: string; bindings: Knex.RawBinding[] } {
  const who = issuer ? ' and issuer = ?' : '';
  const bindings = issuer ? [issuer] : [];
  if (to === from + 1) {
    return {
      sql: `select medium, medium_id, ${line('action')} as line from status_list_deltas
        where version = ?${who} and (action = 'enter' or was_listed) order by medium, medium_id`,
      bindings: [to, ...bindings],
    };
  }
  return {
    sql: `select medium, medium_id, ${line('action')} as line from (
        select medium, medium_id, issuer, action, reason, version,
          first_value(was_listed) over w as listed_before, last_value(version) over w as last_version
        from status_list_deltas where version > ? and version <= ?${who}
        window w as (partition by medium, medium_id order by version rows between unbounded preceding and unbounded following)) t
      where version = last_version and (action = 'enter' or listed_before) order by medium, medium_id`,
    bindings: [from, to, ...bindings],
  };
}

// Pages of the primary key, each a single text built by PostgreSQL. The next page is asked for
// before this one is handed on, so the database builds it while this process gzips and sends.
async function* fullLines(
  trx: Knex.Transaction,
  issuer: string | undefined,
): AsyncGenerator<{ text: string; n: number }> {
  const range = issuerRange(issuer);
  // the aggregate takes its rows in the order of the ordered subquery under it (nothing else in
  // the plan could reorder them), which spares a sort per page; the tests check the order
  const page = async (medium: 'card' | 'obu', after: string): Promise<{ text: string; n: number; last: string }> => {
    const {
      rows: [r],
    } = await trx.raw(
      `select coalesce(string_agg(line, ''), '') as text, count(*) as n, max(medium_id) as last
      from (select medium_id, '{"medium":"${medium}","id":"' || medium_id || '","issuer":"' || issuer || '","reason":' || reason || '${ENTER_TAIL}' as line
            from status_list_entries where medium = ? and medium_id > ?${range.sql} order by medium_id limit ?) t`,
      [medium, after, ...range.bindings, FULL_PAGE],
    );
    return { text: r.text, n: Number(r.n), last: r.last };
  };
  for (const medium of ['card', 'obu'] as const) {
    let next = page(medium, '');
    for (;;) {
      const p = await next;
      if (p.n === FULL_PAGE) next = page(medium, p.last);
      if (p.n > 0) yield p;
      if (p.n < FULL_PAGE) break;
    }
  }
}

export async function* deltaLines(
  trx: Knex.Transaction,
  from: number,
  to: number,
  issuer: string | undefined,
): AsyncGenerator<{ text: string; n: number }> {
  const q = deltaSql(from, to, issuer);
  await trx.raw(`declare sl_delta no scroll cursor for ${q.sql}`, q.bindings);
  for (;;) {
    const { rows } = await trx.raw(`fetch ${DELTA_FETCH} from sl_delta`);
    if (rows.length === 0) return;
    yield { text: rows.map((r: { line: string }) => r.line).join(''), n: rows.length };
  }
}

// A delta of up to this many lines is read in one statement (its own consistent snapshot: the
// version bound and the lines come from the same instant) and signed from memory; a larger one
// is streamed through a cursor like a full list.
const SMALL_DELTA = 20_000;

// Small deltas, signed, by (from, to, issuer): a published delta never changes, and after each
// publish every lane asks for the same one — from the second lane on it costs no query.
const deltaCaches = perDatabase(() => ({ entries: new Map<string, Buffer>(), bytes: 0 }));

function cached(db: Knex, key: string): Buffer | undefined {
  const deltaCache = deltaCaches(db).entries;
  const hit = deltaCache.get(key);
  if (hit) {
    deltaCache.delete(key); // most recently used last
    deltaCache.set(key, hit);
  }
  return hit;
}

function remember(db: Knex, key: string, bytes: Buffer, limit: number): void {
  if (bytes.length > limit / 8) return;
  const c = deltaCaches(db);
  c.entries.set(key, bytes);
  c.bytes += bytes.length;
  for (const [k, b] of c.entries) {
    if (c.bytes <= limit) break;
    c.entries.delete(k);
    c.bytes -= b.length;
  }
}

type Quick = { valid: boolean; n: number; text: string };

// One statement, no held connection: the bounds come from the caller's head, rows of published
// versions never change, and the statement re-reads the pruning point in its own snapshot, so a
// delta cut by a concurrent prune is noticed (and answered with a full list instead).
export async function quickDelta(db: Knex, since: number, to: number, issuer: string | undefined): Promise<Quick> {
  const q = deltaSql(since, to, issuer);
  const {
    rows: [r],
  } = await db.raw(
    `select (select pruned_through from status_list_state) as pruned, count(*) as n,
      coalesce(string_agg(line, '' order by medium, medium_id), '') as text
    from (${q.sql} limit ?) x`,
    [...q.bindings, SMALL_DELTA + 1],
  );
  return { valid: since >= Number(r.pruned), n: Number(r.n), text: r.text };
}

function signedPackage(keys: KeyService, header: ListHeader, text: string): Buffer {
  const headerLine = JSON.stringify(header);
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const trailer = JSON.stringify({ sha256, signature: keys.signStatusList(`${headerLine}\n${sha256}`) });
  return Buffer.from(`${headerLine}\n${text}${trailer}\n`, 'utf8');
}

export type PackageOptions = {
  maxStreams: number;
  deltaCacheBytes: number;
  storedDeltas?: boolean;
  now: Date;
  // where the package is read from: a hot standby of db (the signed delta a first pull builds is
  // still stored through db); a replica behind the primary serves the last version it has, so the
  // caller sends a lane ahead of it to the primary (lane-api.ts)
  readDb?: Knex;
};

const fromBytes = (bytes: Buffer): ListPackage => ({
  notModified: false,
  header: JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString()),
  stream: Readable.from([bytes]),
});

// Decides and opens the package for a pull: not modified, a delta, or a full list.
export async function openListPackage(
  db: Knex,
  keys: KeyService,
  req: ListRequest,
  opts: PackageOptions,
): Promise<ListPackage> {
  const read = opts.readDb ?? db;
  // the common cases without holding a connection: nothing new, or a small delta
  if (!req.forceFull && req.since !== undefined && req.since >= 1) {
    const head = await listHead(read, opts.now);
    if (req.since === head.current) return { notModified: true, version: head.current };
    if (req.since < head.current && req.since >= head.prunedThrough) {
      const key = `${req.since}:${head.current}:${req.issuer ?? '*'}`;
      const hit = opts.deltaCacheBytes > 0 ? cached(db, key) : undefined;
      if (hit) return fromBytes(hit);
      const stored = { from: req.since, to: head.current, issuer: req.issuer, signer: signerOf(keys) };
      const kept = opts.storedDeltas !== false ? await storedDelta(read, stored) : undefined;
      if (kept) {
        if (opts.deltaCacheBytes > 0) remember(db, key, kept, opts.deltaCacheBytes);
        return fromBytes(kept);
      }
      const q = await quickDelta(read, req.since, head.current, req.issuer);
      if (q.valid && q.n <= SMALL_DELTA) {
        const header: ListHeader = {
          kind: 'delta',
          from: req.since,
          version: head.current,
          publishedAt: head.publishedAt,
          count: q.n,
        };
        const bytes = signedPackage(keys, header, q.text);
        if (opts.storedDeltas !== false) await storeDelta(db, stored, bytes);
        if (opts.deltaCacheBytes > 0) remember(db, key, bytes, opts.deltaCacheBytes);
        return { notModified: false, header, stream: Readable.from([bytes]) };
      }
    }
  }
  const maxStreams = opts.maxStreams;
  if (active >= maxStreams)
    throw retryLater('unavailable', 'too many status-list downloads in progress; retry shortly', BUSY_RETRY_SECONDS);
  active++;
  let trx: Knex.Transaction | undefined;
  let handedOver = false;
  try {
    trx = await read.transaction();
    await trx.raw('set transaction isolation level repeatable read, read only');
    const { rows } = await trx.raw(`select s.pruned_through, v.version, v.published_at, v.total, v.own_total
      from status_list_state s left join lateral (select * from status_list_versions order by version desc limit 1) v on true`);
    const st = rows[0];
    const current = Number(st.version ?? 0);
    const since = req.since;
    if (!req.forceFull && since === current) return { notModified: true, version: current };
    const delta =
      !req.forceFull && since !== undefined && since >= 1 && since < current && since >= Number(st.pruned_through);
    let count: number;
    if (delta) {
      const q = deltaSql(since!, current, req.issuer);
      const c = await trx.raw(`select count(*) as n from (${q.sql}) x`, q.bindings);
      count = Number(c.rows[0].n);
    } else {
      count = Number((req.issuer ? st.own_total : st.total) ?? 0);
    }
    const header: ListHeader = {
      kind: delta ? 'delta' : 'full',
      from: delta ? since! : 0,
      version: current,
      publishedAt: st.published_at ? new Date(st.published_at).toISOString() : null,
      count,
    };
    const lines = delta ? deltaLines(trx, since!, current, req.issuer) : fullLines(trx, req.issuer);
    const stream = Readable.from(signed(keys, header, lines), { objectMode: false });
    // however the stream ends (done, failed, the lane hung up), the transaction and the slot go
    const owned = trx;
    const timer = setTimeout(
      () => stream.destroy(new Error('status-list download deadline passed')),
      DEADLINE_MS,
    ).unref();
    stream.once('close', () => {
      clearTimeout(timer);
      active--;
      owned.rollback().catch(() => {});
    });
    handedOver = true;
    return { notModified: false, header, stream };
  } finally {
    if (!handedOver) {
      active--;
      await trx?.rollback().catch(() => {});
    }
  }
}

async function* signed(
  keys: KeyService,
  header: ListHeader,
  lines: AsyncGenerator<{ text: string; n: number }>,
): AsyncGenerator<Buffer> {
  const headerLine = JSON.stringify(header);
  yield Buffer.from(headerLine + '\n');
  const digest = createHash('sha256');
  let n = 0;
  for await (const page of lines) {
    const bytes = Buffer.from(page.text, 'utf8');
    digest.update(bytes);
    n += page.n;
    yield bytes;
  }
  // a count that disagrees with the lines must not be signed: the lane gets a cut body and retries
  if (n !== header.count)
    throw new Error(`status list v${header.version}: header says ${header.count} entries, ${n} streamed`);
  const sha256 = digest.digest('hex');
  yield Buffer.from(JSON.stringify({ sha256, signature: keys.signStatusList(`${headerLine}\n${sha256}`) }) + '\n');
}
