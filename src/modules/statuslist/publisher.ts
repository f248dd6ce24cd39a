// The publisher: runs the rules over new life-cycle events, then seals every pending change into
// the next version, set-based. Causes (why each id is listed) are updated first; the effective entry
// of each touched id (its cause of highest priority) is compared with what lanes hold, and only
// the differences become the version's delta rows. Versions are allocated as max + 1 under an
// advisory lock, so they are gapless and a lane's "versions behind" is a subtraction.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type AppContext, type RequestContext } from '../../platform/http/context.ts';
import { forgetListHead } from './head.ts';
import { applyRules } from './rules.ts';
import { dropDeltasBefore } from './stored-deltas.ts';

const PUBLISH_LOCK = 3401_0041;

export type Published = {
  version: number;
  publishedAt: Date;
  changes: number;
  changed: number;
  entered: number;
  removed: number;
  total: number;
  ownTotal: number;
};

const num = (v: unknown) => Number(v ?? 0);

async function rows(
  trx: Knex.Transaction,
  sql: string,
  bindings: readonly unknown[] = [],
): Promise<Array<Record<string, any>>> {
  return (await trx.raw(sql, bindings as Knex.RawBinding[])).rows;
}

// Temporary tables of this transaction: the batch and what it means per id and per reason.
// Each is analysed so the planner joins them against millions of entries by index, not by scan.
async function stageBatch(trx: Knex.Transaction): Promise<number> {
  await trx.raw(`create temp table sl_batch on commit drop as
    select id, medium, medium_id, issuer, action, reason, whole from status_list_changes where state = 'pending'`);
  const [{ n }] = await rows(trx, 'select count(*) as n from sl_batch');
  if (num(n) === 0) return 0;
  // the last change of the batch concerning every reason of an id (a peer's line, a manual removal)
  await trx.raw(`create temp table sl_whole on commit drop as
    select distinct on (medium, medium_id) medium, medium_id, id, action, reason, issuer
    from sl_batch where whole order by medium, medium_id, id desc`);
  // then, per reason, the last change made after it
  await trx.raw(`create temp table sl_reason on commit drop as
    select distinct on (b.medium, b.medium_id, b.reason) b.medium, b.medium_id, b.reason, b.action, b.issuer
    from sl_batch b left join sl_whole w on w.medium = b.medium and w.medium_id = b.medium_id
    where not b.whole and b.id > coalesce(w.id, 0)
    order by b.medium, b.medium_id, b.reason, b.id desc`);
  await trx.raw('create temp table sl_touched on commit drop as select distinct medium, medium_id from sl_batch');
  for (const t of ['sl_batch', 'sl_whole', 'sl_reason', 'sl_touched']) await trx.raw(`analyze ${t}`);
  return num(n);
}

async function applyCauses(trx: Knex.Transaction, version: number): Promise<void> {
  await trx.raw(
    'delete from status_list_causes c using sl_whole w where c.medium = w.medium and c.medium_id = w.medium_id',
  );
  await trx.raw(
    `insert into status_list_causes (medium, medium_id, reason, issuer, since_version)
    select medium, medium_id, reason, issuer, ?::int from sl_whole where action = 'enter' on conflict do nothing`,
    [version],
  );
  await trx.raw(`delete from status_list_causes c using sl_reason r
    where r.action = 'leave' and c.medium = r.medium and c.medium_id = r.medium_id and c.reason = r.reason`);
  await trx.raw(
    `insert into status_list_causes (medium, medium_id, reason, issuer, since_version)
    select medium, medium_id, reason, issuer, ?::int from sl_reason where action = 'enter' on conflict do nothing`,
    [version],
  );
}

// The version's delta rows (effective changes only), then the entries lanes hold.
async function applyEntries(trx: Knex.Transaction, version: number): Promise<void> {
  await trx.raw(`create temp table sl_new on commit drop as
    select distinct on (c.medium, c.medium_id) c.medium, c.medium_id, c.issuer, c.reason
    from sl_touched t
    join status_list_causes c on c.medium = t.medium and c.medium_id = t.medium_id
    left join status_list_reasons r on r.medium = c.medium and r.reason = c.reason
    order by c.medium, c.medium_id, coalesce(r.priority, 1000), c.reason`);
  await trx.raw('analyze sl_new');
  await trx.raw(
    `insert into status_list_deltas (version, medium, medium_id, issuer, action, reason, was_listed)
    select ?::int, n.medium, n.medium_id, n.issuer, 'enter', n.reason, e.medium is not null
      from sl_new n left join status_list_entries e on e.medium = n.medium and e.medium_id = n.medium_id
      where e.reason is distinct from n.reason
    union all
    select ?::int, e.medium, e.medium_id, e.issuer, 'leave', e.reason, true
      from sl_touched t join status_list_entries e on e.medium = t.medium and e.medium_id = t.medium_id
      where not exists (select 1 from sl_new n where n.medium = t.medium and n.medium_id = t.medium_id)`,
    [version, version],
  );
  await trx.raw(
    `delete from status_list_entries e using status_list_deltas d
    where d.version = ? and d.action = 'leave' and e.medium = d.medium and e.medium_id = d.medium_id`,
    [version],
  );
  await trx.raw(
    `insert into status_list_entries (medium, medium_id, issuer, reason, version)
    select medium, medium_id, issuer, reason, version from status_list_deltas where version = ? and action = 'enter'
    on conflict (medium, medium_id) do update set reason = excluded.reason, version = excluded.version`,
    [version],
  );
}

// Seals the pending changes into a new version; null when nothing is pending (no empty versions).
export async function seal(db: Knex, at: Date, by: string, ownNetwork: string): Promise<Published | null> {
  const published = await inTransaction(db, async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [PUBLISH_LOCK]);
    const changes = await stageBatch(trx);
    if (changes === 0) return null;
    const [prev] = await rows(
      trx,
      'select version, total, own_total from status_list_versions order by version desc limit 1',
    );
    const version = num(prev?.version) + 1;
    await trx('status_list_versions').insert({
      version,
      published_at: at,
      published_by: by,
      changed: 0,
      entered: 0,
      removed: 0,
      total: 0,
      own_total: 0,
    });
    await applyCauses(trx, version);
    await applyEntries(trx, version);
    await dropDeltasBefore(trx, version);
    const [c] = await rows(
      trx,
      `select count(*) as changed,
        count(*) filter (where action = 'enter' and not was_listed) as entered,
        count(*) filter (where action = 'leave') as removed,
        count(*) filter (where action = 'enter' and not was_listed and issuer = ?) as own_entered,
        count(*) filter (where action = 'leave' and issuer = ?) as own_removed
      from status_list_deltas where version = ?`,
      [ownNetwork, ownNetwork, version],
    );
    const total = num(prev?.total) + num(c.entered) - num(c.removed);
    const ownTotal = num(prev?.own_total) + num(c.own_entered) - num(c.own_removed);
    await trx('status_list_versions')
      .where({ version })
      .update({
        changed: num(c.changed),
        entered: num(c.entered),
        removed: num(c.removed),
        total,
        own_total: ownTotal,
      });
    await trx.raw(
      `update status_list_changes s set state = 'published', version = ? from sl_batch b where s.id = b.id`,
      [version],
    );
    return {
      version,
      publishedAt: at,
      changes,
      changed: num(c.changed),
      entered: num(c.entered),
      removed: num(c.removed),
      total,
      ownTotal,
    };
  });
  if (published) forgetListHead(db);
  return published;
}

// What the scheduled tick runs and what a supervisor's "publish now" calls: rules, then seal.
// db is the caller's handle (a request's transaction when there is one).
export async function publishNow(db: Knex, app: AppContext, ctx: RequestContext | null): Promise<Published | null> {
  await applyRules(db, app.config);
  const published = await inTransaction(db, async (trx) => {
    const published = await seal(trx, app.clock.now(), ctx ? actorLabel(ctx.actor) : 'system', app.config.network);
    if (published) {
      await audit(trx, ctx, {
        action: 'status-list.publish',
        entity: 'status-list-version',
        entityId: String(published.version),
        detail: { ...published, publishedAt: published.publishedAt.toISOString() },
      });
    }
    return published;
  });
  // lanes polling this process see the new version at once (others within a second)
  if (published) forgetListHead(db);
  return published;
}
