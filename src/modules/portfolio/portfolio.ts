// Account managers' portfolios: the customers assigned to a manager (by a supervisor), with segment,
// vehicles, the corporate pool (from corporate, through a provider: unknown without one), lane usage
// per month, bills and ageing; and the visit log.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit } from '../../platform/audit/audit.ts';
import { findUserById } from '../access/index.ts';
import { customerSummaries, getCustomer } from '../customers/index.ts';
import { monthlyUsageOf } from '../lanes/index.ts';
import { ageing, billsOfCustomers, type AgeingRow, type BillView } from '../credit/index.ts';

export const SEGMENTS = ['passenger', 'freight', 'express', 'government', 'other'] as const;
export type Segment = (typeof SEGMENTS)[number];
export type PoolFacts = { poolFen: bigint; allocatedFen: bigint; vehicles: number };
export type PoolFactsProvider = (db: Knex, customerIds: string[]) => Promise<Map<string, PoolFacts>>;

let poolFacts: PoolFactsProvider | null = null;
/** Corporate provides its pools and allocations (wired in src/modules/reactions.ts). */
export function providePoolFacts(fn: PoolFactsProvider | null): PoolFactsProvider | null {
  const was = poolFacts;
  poolFacts = fn;
  return was;
}

export type PortfolioCustomer = {
  customerId: bigint;
  name: string;
  segment: Segment;
  accountId: bigint;
  accountKind: string;
  vehicles: number;
  pool: PoolFacts | null;
  usage: Array<{ month: string; trips: number; amount: bigint }>;
  bills: BillView[];
  ageing: AgeingRow | null;
  lastVisit: string | null;
  nextVisit: string | null;
};

export async function assign(db: Knex, ctx: RequestContext, customerId: bigint, managerId: bigint, segment: Segment) {
  return inTransaction(db, async (trx) => {
    await getCustomer(trx, customerId);
    const manager = await findUserById(trx, managerId);
    if (manager?.role !== 'account-manager')
      throw new AppError('manager-not-found', `user ${managerId} is not an account manager`, 'managerId');
    const row = {
      customer_id: customerId,
      manager_id: managerId,
      segment,
      assigned_by: actorLabel(ctx.actor),
      assigned_at: ctx.app.clock.now(),
    };
    await trx('portfolio_assignments').insert(row).onConflict('customer_id').merge();
    await audit(trx, ctx, {
      action: 'portfolio.assign',
      entity: 'customer',
      entityId: customerId,
      detail: { managerId, segment },
    });
    return { customerId, managerId, segment };
  });
}

/** The manager's own portfolio (a supervisor names the manager). Usage: the last 12 months. */
export async function portfolioOf(db: Knex, managerId: bigint, at: Date): Promise<PortfolioCustomer[]> {
  const rows = await db('portfolio_assignments').where({ manager_id: managerId }).orderBy('customer_id');
  const ids = rows.map((r) => BigInt(r.customer_id));
  if (ids.length === 0) return [];
  const pools = poolFacts ? await poolFacts(db, ids.map(String)) : null;
  const bills = await billsOfCustomers(db, ids);
  const aged = await ageing(db, at, ids);
  const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 11, 1)).toISOString().slice(0, 10);
  const customers = await customerSummaries(db, ids);
  const usage = await monthlyUsageOf(
    db,
    [...customers.values()].map((c) => c.accountId),
    from,
  );
  // each customer's latest visit
  const visits = new Map<bigint, { visited_on: string; next_visit: string | null }>(
    (
      await db('portfolio_visits')
        .distinctOn('customer_id')
        .whereIn('customer_id', ids.map(String))
        .orderBy([{ column: 'customer_id' }, { column: 'visited_on', order: 'desc' }, { column: 'id', order: 'desc' }])
        .select('customer_id', 'visited_on', 'next_visit')
    ).map((v) => [BigInt(v.customer_id), v]),
  );
  return rows.flatMap((r) => {
    const id = BigInt(r.customer_id);
    const c = customers.get(id);
    if (!c) return [];
    const visit = visits.get(id);
    return [
      {
        customerId: id,
        name: c.name,
        segment: r.segment,
        accountId: c.accountId,
        accountKind: c.accountKind,
        vehicles: c.activeVehicles,
        pool: pools ? (pools.get(String(id)) ?? null) : null,
        usage: usage.get(c.accountId) ?? [],
        bills: bills.filter((b) => b.customerId === id).slice(0, 12),
        ageing: aged.rows.find((a) => a.customerId === id) ?? null,
        lastVisit: visit?.visited_on ?? null,
        nextVisit: visit?.next_visit ?? null,
      },
    ];
  });
}

/** An account manager reaches only the customers assigned to them; other staff roles reach all. */
export async function assertInPortfolio(db: Knex, ctx: RequestContext, customerId: bigint): Promise<void> {
  if (ctx.actor.kind !== 'user' || ctx.actor.role !== 'account-manager') return;
  const row = await db('portfolio_assignments')
    .where({ customer_id: customerId, manager_id: ctx.actor.userId })
    .first();
  if (!row) throw new AppError('not-in-portfolio', `customer ${customerId} is not in your portfolio`);
}

export type VisitView = {
  id: bigint;
  visitedOn: string;
  visitedBy: string;
  notes: string;
  nextVisit: string | null;
  recordedBy: string;
  recordedAt: Date;
};
const toVisit = (r: Record<string, any>): VisitView => ({
  id: BigInt(r.id),
  visitedOn: r.visited_on,
  visitedBy: r.visited_by,
  notes: r.notes,
  nextVisit: r.next_visit,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

export async function visitsOf(db: Knex, ctx: RequestContext, customerId: bigint): Promise<VisitView[]> {
  await assertInPortfolio(db, ctx, customerId);
  return (
    await db('portfolio_visits').where({ customer_id: customerId }).orderBy('visited_on', 'desc').orderBy('id', 'desc')
  ).map(toVisit);
}

export async function recordVisit(
  db: Knex,
  ctx: RequestContext,
  customerId: bigint,
  v: { visitedOn: string; visitedBy: string; notes: string; nextVisit?: string | null },
): Promise<VisitView> {
  return inTransaction(db, async (trx) => {
    await getCustomer(trx, customerId);
    await assertInPortfolio(trx, ctx, customerId);
    if (v.nextVisit && v.nextVisit < v.visitedOn)
      throw new AppError('invalid-request', 'the next visit is before this one', 'nextVisit');
    const [row] = await trx('portfolio_visits')
      .insert({
        customer_id: customerId,
        visited_on: v.visitedOn,
        visited_by: v.visitedBy,
        notes: v.notes,
        next_visit: v.nextVisit ?? null,
        recorded_by: actorLabel(ctx.actor),
        recorded_at: ctx.app.clock.now(),
      })
      .returning('*');
    await audit(trx, ctx, {
      action: 'portfolio.visit',
      entity: 'customer',
      entityId: customerId,
      detail: { visitId: row.id },
    });
    return toVisit(row);
  });
}
