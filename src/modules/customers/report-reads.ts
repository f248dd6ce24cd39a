// Customers' figures for the finance read model (reports), set-based: posted deposits per local day
// and method, and the customers by kind and tier with their accounts by kind.
import type { Knex } from 'knex';
import { DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

export type DepositVolume = { date: string; method: string; deposits: bigint; amount: bigint };

/** Posted account deposits on the local days [from, to]. */
export async function depositVolumes(db: Knex, from: string, to: string): Promise<DepositVolume[]> {
  const { rows } = await db.raw(
    `select to_char((at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as date, method,
            count(*)::bigint as deposits, sum(amount)::bigint as amount
       from account_deposits
      where status = 'posted' and at >= ? and at < ?
      group by 1, 2 order by 1, 2`,
    [localDayStart(from), new Date(localDayStart(to).getTime() + DAY_MS)],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    date: r.date,
    method: r.method,
    deposits: BigInt(r.deposits),
    amount: BigInt(r.amount),
  }));
}

export type CustomerCount = {
  kind: string;
  tier: string;
  customers: bigint;
  prepaidAccounts: bigint;
  debitAccounts: bigint;
};

/** Active customers created before `until`, by kind and tier, with their open accounts by kind. */
export async function customerCounts(db: Knex, until: Date): Promise<CustomerCount[]> {
  const { rows } = await db.raw(
    `select c.kind, c.tier, count(*)::bigint as customers,
            count(*) filter (where a.kind = 'prepaid' and a.status = 'open')::bigint as prepaid,
            count(*) filter (where a.kind = 'debit' and a.status = 'open')::bigint as debit
       from customers c left join accounts a on a.customer_id = c.id
      where c.status = 'active' and c.created_at < ?
      group by 1, 2 order by 1, 2`,
    [until],
  );
  return (rows as Array<Record<string, any>>).map((r) => ({
    kind: r.kind,
    tier: r.tier,
    customers: BigInt(r.customers),
    prepaidAccounts: BigInt(r.prepaid),
    debitAccounts: BigInt(r.debit),
  }));
}
