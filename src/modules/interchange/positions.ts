// Net positions with each province for a clearing date (DESIGN §8, ETC-REFERENCE §7): what it owes
// us — our packages of its cards for the date as it confirmed them, plus our disputed transactions
// it decided to pay on that date — and what we owe it — its packages of our cards for the date as we
// confirmed them, plus its disputed transactions we decided to pay on that date. Both centres
// compute the same four sums from the same documents, so A's net with B is −(B's net with A).
import type { Knex } from 'knex';
import type { AppContext } from '../../platform/http/context.ts';
import { FOREIGN_ROWS } from './outbound.ts';

export type Position = {
  network: string;
  packagesOut: number;
  confirmedCount: bigint;
  confirmedAmount: bigint;
  disputePaidOut: bigint;
  packagesIn: number;
  acceptedCount: bigint;
  acceptedAmount: bigint;
  disputePaidIn: bigint;
  receivable: bigint;
  payable: bigint;
  net: bigint;
};

/** Computed from the documents, one statement; provinces with no document for the date are absent. */
export async function positionsOf(db: Knex, date: string): Promise<Position[]> {
  const { rows } = await db.raw(
    `with outp as (select p.receiver as network, count(*)::int as packages, coalesce(sum(c.count), 0)::bigint as n, coalesce(sum(c.amount), 0)::bigint as amount
                     from interchange_packages p left join interchange_confirmations c on c.package_id = p.id
                    where p.direction = 'outbound' and p.clear_target_date = ?::date and p.state <> 'refused' group by p.receiver),
          inp as (select p.sender as network, count(*)::int as packages, sum(c.count)::bigint as n, sum(c.amount)::bigint as amount
                    from interchange_packages p join interchange_confirmations c on c.package_id = p.id
                   where p.direction = 'inbound' and p.clear_target_date = ?::date group by p.sender),
          paid as (select d.side, case when d.side = 'provider' then p.receiver else p.sender end as network, sum(d.amount)::bigint as amount
                     from interchange_disputes d join interchange_packages p on p.id = d.package_id
                    where d.resolution = 0 and d.resolved_on = ?::date group by 1, 2),
          nets as (select network from outp union select network from inp union select network from paid)
     select n.network, coalesce(o.packages, 0) as packages_out, coalesce(o.n, 0) as confirmed_count, coalesce(o.amount, 0) as confirmed_amount,
            coalesce(po.amount, 0) as dispute_paid_out, coalesce(i.packages, 0) as packages_in, coalesce(i.n, 0) as accepted_count,
            coalesce(i.amount, 0) as accepted_amount, coalesce(pi.amount, 0) as dispute_paid_in
       from nets n left join outp o on o.network = n.network left join inp i on i.network = n.network
       left join paid po on po.network = n.network and po.side = 'provider' left join paid pi on pi.network = n.network and pi.side = 'issuer'
      order by n.network`,
    [date, date, date],
  );
  return rows.map((r: Record<string, any>) => {
    const receivable = BigInt(r.confirmed_amount) + BigInt(r.dispute_paid_out);
    const payable = BigInt(r.accepted_amount) + BigInt(r.dispute_paid_in);
    return {
      network: r.network,
      packagesOut: r.packages_out,
      confirmedCount: BigInt(r.confirmed_count),
      confirmedAmount: BigInt(r.confirmed_amount),
      disputePaidOut: BigInt(r.dispute_paid_out),
      packagesIn: r.packages_in,
      acceptedCount: BigInt(r.accepted_count),
      acceptedAmount: BigInt(r.accepted_amount),
      disputePaidIn: BigInt(r.dispute_paid_in),
      receivable,
      payable,
      net: receivable - payable,
    };
  });
}

export async function writeSettlements(trx: Knex.Transaction, date: string, at: Date): Promise<Position[]> {
  const positions = await positionsOf(trx, date);
  if (positions.length) {
    await trx('settlements').insert(
      positions.map((p) => ({
        clearing_date: date,
        network: p.network,
        packages_out: p.packagesOut,
        confirmed_count: p.confirmedCount,
        confirmed_amount: p.confirmedAmount,
        dispute_paid_out: p.disputePaidOut,
        packages_in: p.packagesIn,
        accepted_count: p.acceptedCount,
        accepted_amount: p.acceptedAmount,
        dispute_paid_in: p.disputePaidIn,
        receivable: p.receivable,
        payable: p.payable,
        net: p.net,
        created_at: at,
      })),
    );
  }
  return positions;
}

/** What clearing splits to our operators as province money for a date: the transactions of our
 *  confirmed packages for the date that were not disputed, and our disputed ones the issuer decided
 *  on that date to pay. Same columns as lanes' ownCardSplitSource, plus the source label. Once every
 *  package of the date is confirmed (the gate of the split, asserted by allPackagesConfirmed), the
 *  confirmed rows are all the day's other-issuer rows but those of refused packages: no range join
 *  of rows to packages is needed. */
export function interchangeSplitSource(date: string): { sql: string; bindings: Knex.RawBinding[] } {
  return {
    // the refused packages (almost always none) are read once, not once per row
    sql: `with refused as materialized (
            select receiver, first_transaction_id, last_transaction_id from interchange_packages
             where direction = 'outbound' and clear_target_date = ?::date and state = 'refused')
          select ?::date as clearing_date, t.id as transaction_id, t.amount, t.split_operators as operators, t.split_weights as weights, 'province:' || t.issuer as source
            from (${FOREIGN_ROWS}) t
           where t.clearing_date = ?::date and t.amount > 0
             and not exists (select 1 from refused r where r.receiver = t.issuer and t.id between r.first_transaction_id and r.last_transaction_id)
             and not exists (select 1 from interchange_disputes d where d.side = 'provider' and d.clearing_date = ?::date and d.transaction_id = t.id)
          union all
          select ?::date, t.id, t.amount, t.split_operators, t.split_weights, 'province:' || t.issuer
            from interchange_disputes d
            join (${FOREIGN_ROWS}) t on t.clearing_date = d.clearing_date and t.id = d.transaction_id
           where d.side = 'provider' and d.resolution = 0 and d.resolved_on = ?::date and t.amount > 0`,
    bindings: [date, date, date, date, date, date],
  };
}

/** Every package of the date that was not refused has its confirmation. */
export async function allPackagesConfirmed(db: Knex, date: string): Promise<boolean> {
  const open = await db('interchange_packages as p')
    .leftJoin('interchange_confirmations as c', 'c.package_id', 'p.id')
    .where({ 'p.direction': 'outbound', 'p.clear_target_date': date })
    .whereNot('p.state', 'refused')
    .whereNull('c.package_id')
    .first('p.id');
  return !open;
}

export type PeerView = {
  date: string;
  network: string;
  with: string;
  state: 'open' | 'packaged' | 'settled';
  packagesSent: number;
  resolutionsSent: number;
  receivable: bigint | null;
  payable: bigint | null;
  net: bigint | null;
};

/** This centre's view of its position with one province (ICD §3 GET /settlements/{date}). The
 *  counts of documents sent let the other side know when it has everything for the date. */
export async function peerView(app: AppContext, date: string, other: string): Promise<PeerView> {
  const db = app.db;
  const steps = new Set<string>(await db('clearing_day_steps').where({ clearing_date: date }).pluck('step'));
  const state = steps.has('settlement') ? 'settled' : steps.has('packages') ? 'packaged' : 'open';
  const sent = await db('interchange_packages')
    .where({ direction: 'outbound', clear_target_date: date, receiver: other })
    .count({ n: '*' })
    .first();
  const res = await db('interchange_resolutions')
    .where({ direction: 'outbound', clear_target_date: date, receiver: other })
    .count({ n: '*' })
    .first();
  const s = state === 'settled' ? await db('settlements').where({ clearing_date: date, network: other }).first() : null;
  const money = (v: bigint | null | undefined) => (state === 'settled' ? BigInt(v ?? 0n) : null);
  return {
    date,
    network: app.config.network,
    with: other,
    state,
    packagesSent: Number(sent?.n ?? 0),
    resolutionsSent: Number(res?.n ?? 0),
    receivable: money(s?.receivable),
    payable: money(s?.payable),
    net: money(s?.net),
  };
}
