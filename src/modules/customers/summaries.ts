// Customers in brief, many at once (a portfolio lists them): name, the one account and how many
// vehicles are in service. One query for the whole list.
import type { Knex } from 'knex';

export type CustomerSummary = {
  customerId: bigint;
  name: string;
  accountId: bigint;
  accountKind: 'prepaid' | 'debit';
  activeVehicles: number;
};

export async function customerSummaries(db: Knex, ids: bigint[]): Promise<Map<bigint, CustomerSummary>> {
  if (!ids.length) return new Map();
  const { rows } = await db.raw(
    `select c.id, c.name, a.id as account_id, a.kind,
            (select count(*) from vehicles v where v.customer_id = c.id and v.status = 'active')::int as vehicles
       from customers c join accounts a on a.customer_id = c.id
      where c.id = any(?::bigint[])`,
    [ids.map(String)],
  );
  return new Map(
    rows.map((r: { id: bigint; name: string; account_id: bigint; kind: 'prepaid' | 'debit'; vehicles: number }) => [
      BigInt(r.id),
      {
        customerId: BigInt(r.id),
        name: r.name,
        accountId: BigInt(r.account_id),
        accountKind: r.kind,
        activeVehicles: r.vehicles,
      },
    ]),
  );
}
