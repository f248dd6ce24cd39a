// Whether a clearing date's interchange documents are all in (the gate of the interchange split),
// and whether each peer's settlement of the date mirrors ours (the gate and work of the mirror
// check). A peer reached over HTTP is asked for its view of the date; a drop-folder peer cannot be
// asked, so only our own packages' confirmations are awaited from it. Our own confirmations of the
// date's packages still in their hold are awaited too.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.ts';
import { raiseExceptions } from '../finance/index.ts';
import { heldConfirmationReasons } from './confirmation-hold.ts';
import { getFromPeer, peerEndpoint, peerNetworks, DeliveryError } from './peers.ts';

const money = z.number().int().nullable();
const viewSchema = z.object({
  date: z.string(),
  network: z.string(),
  with: z.string(),
  state: z.enum(['open', 'packaged', 'settled']),
  packagesSent: z.number().int().min(0),
  resolutionsSent: z.number().int().min(0),
  receivable: money,
  payable: money,
  net: money,
});
type View = z.infer<typeof viewSchema>;

async function askPeer(app: AppContext, network: string, date: string): Promise<View | string> {
  const peer = await peerEndpoint(app.db, network);
  if (!peer?.url) return 'no URL';
  try {
    const v = viewSchema.safeParse(await getFromPeer(app, peer, `/settlements/${date}?with=${app.config.network}`));
    return v.success ? v.data : `${network} answered a view that does not parse`;
  } catch (err) {
    if (err instanceof DeliveryError) return `${network} unreachable: ${err.message}`;
    throw err;
  }
}

async function networksOf(db: Knex, date: string): Promise<string[]> {
  const { rows } = await db.raw(
    `select distinct case when direction = 'outbound' then receiver else sender end as n from interchange_packages where clear_target_date = ?::date`,
    [date],
  );
  const fromDocs: string[] = rows.map((r: { n: string }) => r.n);
  return [...new Set([...(await peerNetworks(db)), ...fromDocs])].sort();
}

/** Reasons the date cannot be split and settled yet; empty when everything is in. */
export async function interchangeReadiness(app: AppContext, date: string): Promise<string[]> {
  const db = app.db;
  const pending: string[] = [];
  const open = await db('interchange_packages as p')
    .leftJoin('interchange_confirmations as c', 'c.package_id', 'p.id')
    .where({ 'p.direction': 'outbound', 'p.clear_target_date': date })
    .whereNot('p.state', 'refused')
    .whereNull('c.package_id')
    .groupBy('p.receiver')
    .select('p.receiver', db.raw('count(*)::int as n'));
  for (const o of open) pending.push(`${o.n} package(s) to ${o.receiver} not confirmed yet`);
  // our own confirmations of the date's packages still in their hold: settling now would fix them
  // as they stand and end the window for complaints to be disputed in them
  pending.push(...(await heldConfirmationReasons(db, date, app.clock.now())));
  for (const network of await networksOf(db, date)) {
    const view = await askPeer(app, network, date);
    if (view === 'no URL') continue;
    if (typeof view === 'string') {
      pending.push(view);
      continue;
    }
    if (view.state === 'open') {
      pending.push(`${network} has not packaged ${date} yet`);
      continue;
    }
    const got = await db('interchange_packages')
      .where({ direction: 'inbound', sender: network, clear_target_date: date })
      .count({ n: '*' })
      .first();
    if (Number(got?.n ?? 0) < view.packagesSent)
      pending.push(`${Number(got?.n ?? 0)} of ${view.packagesSent} package(s) from ${network} received`);
    const res = await db('interchange_resolutions')
      .where({ direction: 'inbound', sender: network, clear_target_date: date })
      .count({ n: '*' })
      .first();
    if (Number(res?.n ?? 0) < view.resolutionsSent)
      pending.push(`${Number(res?.n ?? 0)} of ${view.resolutionsSent} resolution(s) from ${network} received`);
  }
  return pending;
}

export type MirrorComparison = { network: string; ours: bigint; theirs: bigint | null; mirrors: boolean | null };

/** Waits until every HTTP peer we settled with has settled the date too, then compares the nets. */
export async function mirrorReadiness(
  app: AppContext,
  date: string,
): Promise<{ pending: string[]; data: MirrorComparison[] }> {
  const rows = await app.db('settlements').where({ clearing_date: date }).orderBy('network').select('network', 'net');
  const pending: string[] = [];
  const data: MirrorComparison[] = [];
  for (const r of rows) {
    const view = await askPeer(app, r.network, date);
    if (view === 'no URL') {
      data.push({ network: r.network, ours: BigInt(r.net), theirs: null, mirrors: null });
      continue;
    }
    if (typeof view === 'string') {
      pending.push(view);
      continue;
    }
    if (view.state !== 'settled' || view.net === null) {
      pending.push(`${r.network} has not settled ${date} yet`);
      continue;
    }
    const theirs = BigInt(view.net);
    data.push({ network: r.network, ours: BigInt(r.net), theirs, mirrors: theirs === -BigInt(r.net) });
  }
  return { pending, data };
}

export async function raiseMirrorMismatches(
  trx: Knex.Transaction,
  date: string,
  at: Date,
  data: MirrorComparison[],
): Promise<Record<string, unknown>> {
  const bad = data.filter((d) => d.mirrors === false);
  await raiseExceptions(
    trx,
    at,
    bad.map((d) => ({
      kind: 'interchange-settlement-mismatch' as const,
      reference: `${date}:${d.network}`,
      source: `province:${d.network}`,
      amount: d.ours + (d.theirs ?? 0n),
      detail: { date, ours: d.ours, theirs: d.theirs },
    })),
  );
  return {
    compared: data.filter((d) => d.mirrors !== null).length,
    mismatches: bad.length,
    notAsked: data.filter((d) => d.mirrors === null).map((d) => d.network),
  };
}
