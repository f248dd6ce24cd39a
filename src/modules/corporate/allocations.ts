// Allocating a corporate account's pool (its customer funds) to its vehicles. A request (a CSV of
// plate → yuan, or equal amounts to chosen vehicles) is one batch, all-or-nothing, named by its
// request key: the same key and body again answers the first batch, a different body is refused.
// Each vehicle's allocation is one balanced entry (customer-funds → vehicle-allocation:<vehicle>).
// Locks: the account's pool lock first, then the vehicles' allocation rows in vehicle id order (the
// order a load takes a single one), so concurrent allocations and loads cannot deadlock.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/http/errors.ts';
import { accountBalance, getAccountOfCustomer, vehiclesOf } from '../customers/index.ts';
import { balanceOf, balancesOf, customerFundsCode, ensureAccounts, postEntries } from '../ledger/index.ts';
import { corporateCustomer } from './payment-references.ts';
import { splitCsvLine, yuanToFen } from './statement-formats.ts';

export const allocationCode = (vehicleId: bigint | string) => `vehicle-allocation:${vehicleId}`;
const allocationAccount = (vehicleId: bigint) => ({
  code: allocationCode(vehicleId),
  name: `Corporate allocation to vehicle ${vehicleId}`,
  kind: 'liability' as const,
});

export type AllocationItem = { vehicleId: bigint; amount: bigint };
export type AllocationBatch = {
  batchId: bigint;
  customerId: bigint;
  source: 'csv' | 'equal' | 'replenishment';
  vehicles: number;
  total: bigint;
  at: Date;
  actor: string;
  replayed: boolean;
  poolAfter: bigint;
};

// the sub-balance from the customer's side (the ledger account is a liability: credit = money held)
export async function allocationBalance(db: Knex, vehicleId: bigint): Promise<bigint> {
  return -(await balanceOf(db, allocationCode(vehicleId)));
}

/** Reads a CSV of plate[,plate colour],amount in yuan against the customer's active vehicles. */
export async function itemsFromCsv(db: Knex, customerId: bigint, csv: string): Promise<AllocationItem[]> {
  const fault = (line: number, reason: string): never => {
    throw new AppError('allocation-file-malformed', `line ${line}: ${reason}`, 'file');
  };
  const rows = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (rows.length && rows[rows.length - 1].trim() === '') rows.pop();
  const header = rows[0]?.trim();
  if (header !== 'plate,amount' && header !== 'plate,plate_colour,amount')
    fault(1, 'the header must be plate,amount or plate,plate_colour,amount');
  const withColour = header === 'plate,plate_colour,amount';
  const vehicles = (await vehiclesOf(db, customerId)).filter((v) => v.status === 'active');
  const byPlate = new Map<string, typeof vehicles>();
  for (const v of vehicles) byPlate.set(v.plate, [...(byPlate.get(v.plate) ?? []), v]);
  const items: AllocationItem[] = [];
  const seen = new Map<bigint, number>();
  for (let i = 1; i < rows.length; i++) {
    const line = i + 1;
    const c = splitCsvLine(rows[i], line).map((x) => x.trim());
    if (c.length !== (withColour ? 3 : 2)) fault(line, `${withColour ? 3 : 2} columns expected`);
    const plate = c[0];
    let found = byPlate.get(plate) ?? [];
    if (withColour) found = found.filter((v) => String(v.plateColor) === c[1]);
    if (found.length === 0) fault(line, `no active vehicle ${plate} of this customer`);
    if (found.length > 1) fault(line, `${plate} is on several vehicles: give the plate colour`);
    let amount: bigint;
    try {
      amount = yuanToFen(c[c.length - 1], line);
    } catch {
      fault(line, `amount ${c[c.length - 1]} is not yuan with at most 2 decimals`);
    }
    if (amount! <= 0n) fault(line, 'amount must be positive');
    const v = found[0].id;
    if (seen.has(v)) fault(line, `${plate} appears again (first at line ${seen.get(v)})`);
    seen.set(v, line);
    items.push({ vehicleId: v, amount: amount! });
  }
  if (items.length === 0) fault(2, 'no vehicles');
  return items;
}

const toBatch = (r: Record<string, any>, replayed: boolean, poolAfter: bigint): AllocationBatch => ({
  batchId: BigInt(r.id),
  customerId: BigInt(r.customer_id),
  source: r.source,
  vehicles: r.vehicles,
  total: BigInt(r.total),
  at: r.at,
  actor: r.actor,
  replayed,
  poolAfter,
});

/** Locks one customer's pool for the rest of the transaction (allocations and the replenishment). */
async function lockPool(trx: Knex.Transaction, accountId: bigint): Promise<void> {
  await trx.raw(`select pg_advisory_xact_lock(hashtext('corporate-pool'), ?::int)`, [Number(accountId % 2147483647n)]);
}

export async function allocate(
  db: Knex,
  at: Date,
  actor: { label: string; ctx?: Parameters<typeof audit>[1] },
  customerId: bigint,
  req: { requestKey: string; source: 'csv' | 'equal' | 'replenishment'; items: AllocationItem[] },
): Promise<AllocationBatch> {
  const items = [...req.items].sort((a, b) => (a.vehicleId < b.vehicleId ? -1 : a.vehicleId > b.vehicleId ? 1 : 0));
  if (items.length === 0) throw new AppError('invalid-request', 'items: no vehicles', 'items');
  const hash = createHash('sha256')
    .update(`${customerId}|${req.source}|${items.map((i) => `${i.vehicleId}=${i.amount}`).join(',')}`)
    .digest();
  return inTransaction(db, async (trx) => {
    await corporateCustomer(trx, customerId);
    const account = await getAccountOfCustomer(trx, customerId);
    await lockPool(trx, account.id);
    const had = await trx('corporate_allocation_batches').where({ request_key: req.requestKey }).first();
    if (had) {
      if (!Buffer.from(had.request_hash).equals(hash))
        throw new AppError('allocation-request-conflict', `request ${req.requestKey} was made with another body`);
      return toBatch(had, true, await accountBalance(trx, account.id));
    }
    if (account.status !== 'open') throw new AppError('account-closed', `account ${account.id} is closed`);
    const active = new Set(
      (await vehiclesOf(trx, customerId)).filter((v) => v.status === 'active').map((v) => v.id.toString()),
    );
    for (const i of items) {
      if (!active.has(i.vehicleId.toString()))
        throw new AppError(
          'vehicle-not-found',
          `vehicle ${i.vehicleId} is not an active vehicle of customer ${customerId}`,
        );
      if (i.amount <= 0n) throw new AppError('amount-out-of-range', 'every amount must be positive', 'items');
    }
    const total = items.reduce((s, i) => s + i.amount, 0n);
    const pool = await accountBalance(trx, account.id);
    if (total > pool)
      throw new AppError('allocation-exceeds-pool', `the allocation of ${total} fen exceeds the pool of ${pool} fen`);
    const [batch] = await trx('corporate_allocation_batches')
      .insert({
        customer_id: customerId,
        account_id: account.id,
        request_key: req.requestKey,
        request_hash: hash,
        source: req.source,
        vehicles: items.length,
        total,
        at,
        actor: actor.label,
      })
      .returning('*');
    const vids = items.map((i) => i.vehicleId.toString());
    await trx.raw(
      `insert into vehicle_allocations (vehicle_id, customer_id, account_id, created_at)
       select v, ?, ?, ? from unnest(?::bigint[]) as v on conflict (vehicle_id) do nothing`,
      [String(customerId), String(account.id), at, vids],
    );
    await trx.raw(
      `select 1 from vehicle_allocations where vehicle_id = any(?::bigint[]) order by vehicle_id for update`,
      [vids],
    );
    await trx.raw(
      `insert into corporate_allocations (batch_id, vehicle_id, amount)
       select ?, v, a from unnest(?::bigint[], ?::bigint[]) as t(v, a)`,
      [String(batch.id), vids, items.map((i) => i.amount.toString())],
    );
    await ensureAccounts(
      trx,
      items.map((i) => allocationAccount(i.vehicleId)),
    );
    await postEntries(
      trx,
      items.map((i) => ({
        kind: 'corporate-allocation',
        reference: `${batch.id}:${i.vehicleId}`,
        memo: `allocation to vehicle ${i.vehicleId}`,
        actor: actor.label,
        postings: [
          { account: customerFundsCode(account.id), amount: i.amount },
          { account: allocationCode(i.vehicleId), amount: -i.amount },
        ],
      })),
    );
    if (actor.ctx)
      await audit(trx, actor.ctx, {
        action: 'corporate.allocate',
        entity: 'customer',
        entityId: customerId,
        detail: { batchId: batch.id, source: req.source, vehicles: items.length, total },
      });
    return toBatch(batch, false, pool - total);
  });
}

/** Reserves a load's amount from the vehicle's allocation (topup calls it while authorising a load
 *  paid by allocation) and answers the ledger account that pays. A reversal gives it back through the
 *  ledger alone; the sub-balance is the ledger's, so nothing else is to restore. */
export async function reserveAllocation(trx: Knex.Transaction, vehicleId: bigint, amount: bigint): Promise<string> {
  const row = await trx('vehicle_allocations').where({ vehicle_id: vehicleId }).forUpdate().first();
  if (!row) throw new AppError('allocation-not-found', `vehicle ${vehicleId} has no corporate allocation`);
  const balance = await allocationBalance(trx, vehicleId);
  if (balance < amount)
    throw new AppError(
      'allocation-insufficient',
      `the vehicle's allocation is ${balance} fen, less than ${amount} fen`,
    );
  return allocationCode(vehicleId);
}

export type VehicleAllocation = { vehicleId: bigint; plate: string; plateColor: number; balance: bigint };

export async function poolOf(
  db: Knex,
  customerId: bigint,
): Promise<{
  customerId: bigint;
  customerName: string;
  accountId: bigint;
  pool: bigint;
  allocated: bigint;
  vehicles: VehicleAllocation[];
}> {
  const customer = await corporateCustomer(db, customerId);
  const account = await getAccountOfCustomer(db, customerId);
  const rows = await db('vehicle_allocations').where({ customer_id: customerId }).select('vehicle_id');
  const balances = new Map<string, bigint>();
  for (const [code, b] of await balancesOf(
    db,
    rows.map((r) => allocationCode(r.vehicle_id)),
  ))
    balances.set(code, -b);
  const allocated = new Set(rows.map((r) => String(r.vehicle_id)));
  const vehicles = (await vehiclesOf(db, customerId))
    .filter((v) => v.status === 'active' || allocated.has(String(v.id)))
    .map((v) => ({
      vehicleId: v.id,
      plate: v.plate,
      plateColor: v.plateColor,
      balance: balances.get(allocationCode(v.id)) ?? 0n,
    }));
  return {
    customerId,
    customerName: customer.name,
    accountId: account.id,
    pool: await accountBalance(db, account.id),
    allocated: vehicles.reduce((s, v) => s + v.balance, 0n),
    vehicles,
  };
}

/** For the account-manager portfolio: each customer's pool, allocated total and allocated vehicles. */
export async function corporatePoolFacts(
  db: Knex,
  customerIds: string[],
): Promise<Map<string, { poolFen: bigint; allocatedFen: bigint; vehicles: number }>> {
  const out = new Map<string, { poolFen: bigint; allocatedFen: bigint; vehicles: number }>();
  if (customerIds.length === 0) return out;
  const rows = await db('vehicle_allocations').whereIn('customer_id', customerIds).select('customer_id', 'vehicle_id');
  const balances = await balancesOf(
    db,
    rows.map((r) => allocationCode(r.vehicle_id)),
  );
  const by = new Map<string, { vehicles: number; allocated: bigint }>();
  for (const r of rows) {
    const a = by.get(String(r.customer_id)) ?? { vehicles: 0, allocated: 0n };
    a.vehicles += 1;
    a.allocated += -(balances.get(allocationCode(r.vehicle_id)) ?? 0n);
    by.set(String(r.customer_id), a);
  }
  for (const id of customerIds) {
    const account = await getAccountOfCustomer(db, BigInt(id)).catch(() => null);
    if (!account) continue;
    const a = by.get(id);
    out.set(id, {
      poolFen: await accountBalance(db, account.id),
      allocatedFen: a?.allocated ?? 0n,
      vehicles: a?.vehicles ?? 0,
    });
  }
  return out;
}
