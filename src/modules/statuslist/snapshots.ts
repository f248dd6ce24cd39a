// The daily (and on-demand) full snapshot, and delta retention. A snapshot is the signed full list
// at the current version written as a gzipped file that station relays or a CDN can serve (lanes
// themselves always get a fresh package from the service); its digest and signature are recorded.
// Deltas older than the retention are pruned: a lane further behind is answered with a full list.
import type { Knex } from 'knex';
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { AppContext } from '../../platform/http/context.ts';
import { ensureSigner, packageOptions } from './lane-api.ts';
import { forgetListHead } from './head.ts';
import { currentVersion, openListPackage } from './packages.ts';
import { dropDeltasFrom } from './stored-deltas.ts';
import { DAY_MS } from '../../platform/clock/clock.ts';

const KEEP_FILES = 3;

export type SnapshotView = {
  version: number;
  builtAt: Date;
  requestedBy: string;
  entries: number;
  sha256: string;
  signature: string;
  bytes: number;
  file: string;
};

const toSnapshot = (r: Record<string, any>): SnapshotView => ({
  version: r.version,
  builtAt: r.built_at,
  requestedBy: r.requested_by,
  entries: Number(r.entries),
  sha256: r.sha256,
  signature: r.signature,
  bytes: Number(r.bytes),
  file: r.file,
});

export async function pruneDeltas(
  db: Knex,
  at: Date,
  retentionDays: number,
): Promise<{ prunedThrough: number; rows: number }> {
  return inTransaction(db, async (trx) => {
    const state = await trx('status_list_state').forUpdate().first('pruned_through');
    const [{ v }] = (
      await trx.raw('select coalesce(max(version), 0) as v from status_list_versions where published_at < ?', [
        new Date(at.getTime() - retentionDays * DAY_MS),
      ])
    ).rows;
    const through = Number(v);
    if (through <= state.pruned_through) return { prunedThrough: state.pruned_through, rows: 0 };
    const deleted = await trx.raw('delete from status_list_deltas where version <= ?', [through]);
    const rows = Number(deleted.rowCount ?? 0);
    await trx('status_list_state').update({ pruned_through: through });
    await dropDeltasFrom(trx, through);
    forgetListHead(trx);
    await audit(trx, null, {
      action: 'status-list.prune',
      entity: 'status-list-version',
      entityId: String(through),
      detail: { rows, retentionDays },
    });
    return { prunedThrough: through, rows };
  });
}

// Keeps the tail of what passes through (the trailer line is the last of it).
function tail(keep: { text: string }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      keep.text = (keep.text + chunk.toString('utf8')).slice(-4096);
      cb(null, chunk);
    },
  });
}

export async function buildSnapshot(app: AppContext, requestedBy: string): Promise<SnapshotView | null> {
  const version = await currentVersion(app.db);
  if (version === 0) return null;
  const existing = await app.db('status_list_snapshots').where({ version }).first();
  if (existing) return toSnapshot(existing);
  await ensureSigner(app);
  const pkg = await openListPackage(app.db, app.keys, { forceFull: true }, packageOptions(app));
  if (pkg.notModified) return null;
  const dir = app.config.statusList.snapshotDir;
  mkdirSync(dir, { recursive: true });
  const name = `status-list-${app.config.network}-full-v${pkg.header.version}.ndjson.gz`;
  const keep = { text: '' };
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(pkg.stream, count, tail(keep), createGzip({ level: 6 }), createWriteStream(join(dir, name + '.part')));
  renameSync(join(dir, name + '.part'), join(dir, name));
  const trailer = JSON.parse(keep.text.trimEnd().split('\n').pop()!) as { sha256: string; signature: string };
  const snapshot = await inTransaction(app.db, async (trx) => {
    const [row] = await trx('status_list_snapshots')
      .insert({
        version: pkg.header.version,
        built_at: app.clock.now(),
        requested_by: requestedBy,
        entries: pkg.header.count,
        sha256: trailer.sha256,
        signature: trailer.signature,
        bytes,
        file: join(dir, name),
      })
      .onConflict('version')
      .ignore()
      .returning('*');
    if (row)
      await audit(trx, null, {
        action: 'status-list.snapshot',
        entity: 'status-list-version',
        entityId: String(pkg.header.version),
        detail: { entries: pkg.header.count, bytes, file: name, requestedBy },
      });
    return row
      ? toSnapshot(row)
      : toSnapshot(await trx('status_list_snapshots').where({ version: pkg.header.version }).first());
  });
  // older files go; their rows stay as the record of what was published
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(`status-list-${app.config.network}-full-v`) && f.endsWith('.ndjson.gz'))
    .sort((a, b) => Number(/v(\d+)/.exec(b)![1]) - Number(/v(\d+)/.exec(a)![1]));
  for (const f of files.slice(KEEP_FILES)) rmSync(join(dir, f), { force: true });
  return snapshot;
}

export async function listSnapshots(db: Knex, limit: number): Promise<SnapshotView[]> {
  return (await db('status_list_snapshots').orderBy('version', 'desc').limit(limit)).map(toSnapshot);
}
