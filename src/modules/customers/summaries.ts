// Customers in brief, many at once (a portfolio lists them): name, the one account and how many
// vehicles are in service. One query for the whole list, by customers or by accounts.
import type { Knex } from 'knex';

export type CustomerSummary = {
  customerId: bigint;
  name: string;
  accountId: bigint;
  accountKind: 'prepaid' | 'debit';
  activeVehicles: number;
};

type Row = { id: bigint; name: string; account_id: bigint; kind: 'prepaid' | 'debit'; vehicles: number };
const toSummary = (r: Row): CustomerSummary => ({
  customerId: BigInt(r.id),
  name: r.name,
  accountId: BigInt(r.account_id),
  accountKind: r.kind,
  activeVehicles: r.vehicles,
});

async function summaries(db: Knex, by: 'c.id' | 'a.id', ids: bigint[]): Promise<Row[]> {
  if (!ids.length) return [];
  const { rows } = await db.raw(
    `select c.id, c.name, a.id as account_id, a.kind,
            (select count(*) from vehicles v where v.customer_id = c.id and v.status = 'active')::int as vehicles
       from customers c join accounts a on a.customer_id = c.id
      where ${by} = any(?::bigint[])`,
    [ids.map(String)],
  );
  return rows;
}

export async function customerSummaries(db: Knex, ids: bigint[]): Promise<Map<bigint, CustomerSummary>> {
  return new Map((await summaries(db, 'c.id', ids)).map((r) => [BigInt(r.id), toSummary(r)]));
}

/** The same, keyed by account (a credit list knows accounts, not customers). */
export async function accountSummaries(db: Knex, accountIds: bigint[]): Promise<Map<bigint, CustomerSummary>> {
  return new Map((await summaries(db, 'a.id', accountIds)).map((r) => [BigInt(r.account_id), toSummary(r)]));
}
