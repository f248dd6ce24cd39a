// Read-only views for staff: the list's state, its versions, and one medium's standing and history.
import type { Knex } from 'knex';
import type { Config } from '../../config.ts';
import { countOpen, listChanges, type ChangeView } from './changes.ts';
import type { Medium } from './reasons.ts';

export type VersionView = {
  version: number;
  publishedAt: Date;
  publishedBy: string;
  changed: number;
  entered: number;
  removed: number;
  total: number;
  ownTotal: number;
};

const toVersion = (r: Record<string, any>): VersionView => ({
  version: r.version,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
  changed: r.changed,
  entered: r.entered,
  removed: r.removed,
  total: Number(r.total),
  ownTotal: Number(r.own_total),
});

export async function listVersions(db: Knex, limit: number): Promise<VersionView[]> {
  return (await db('status_list_versions').orderBy('version', 'desc').limit(limit)).map(toVersion);
}

export async function summary(db: Knex, config: Config) {
  const [latest] = await listVersions(db, 1);
  const state = await db('status_list_state').first('pruned_through');
  return {
    network: config.network,
    version: latest ?? null,
    open: await countOpen(db),
    deltasFrom: Number(state.pruned_through),
    settings: {
      publishIntervalSeconds: config.statusList.publishIntervalSeconds,
      deltaRetentionDays: config.statusList.deltaRetentionDays,
      lagThresholdSeconds: config.statusList.lagThresholdSeconds,
      lowBalanceFen: config.statusList.lowBalanceFen,
    },
  };
}

export type EntryView = {
  medium: Medium;
  id: string;
  listed: boolean;
  reason: number | null;
  reasonName: string | null;
  sinceVersion: number | null;
  causes: Array<{ reason: number; name: string | null; sinceVersion: number }>;
  changes: ChangeView[];
};

export async function entryView(db: Knex, medium: Medium, id: string): Promise<EntryView> {
  const entry = await db('status_list_entries as e')
    .leftJoin('status_list_reasons as r', (j) => j.on('r.medium', 'e.medium').andOn('r.reason', 'e.reason'))
    .where({ 'e.medium': medium, 'e.medium_id': id })
    .first('e.reason', 'e.version', 'r.name');
  const causes = await db('status_list_causes as c')
    .leftJoin('status_list_reasons as r', (j) => j.on('r.medium', 'c.medium').andOn('r.reason', 'c.reason'))
    .where({ 'c.medium': medium, 'c.medium_id': id })
    .orderBy('c.reason')
    .select('c.reason', 'c.since_version', 'r.name');
  return {
    medium,
    id,
    listed: Boolean(entry),
    reason: entry?.reason ?? null,
    reasonName: entry?.name ?? null,
    sinceVersion: entry?.version ?? null,
    causes: causes.map((c) => ({ reason: c.reason, name: c.name ?? null, sinceVersion: c.since_version })),
    changes: await listChanges(db, { medium, mediumId: id, limit: 100, offset: 0 }),
  };
}
