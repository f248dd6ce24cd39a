// Replenishment rules: every day each allocated vehicle of a fleet below the threshold is topped up to
// the target from the pool, as one allocation batch (request key replenish:<customer>:<day>, so a
// second run of the day changes nothing). When the pool cannot cover the top-ups nothing is
// allocated, and when it can but falls below the rule's pool floor, the account manager is told
// (SMS, once per customer and day).
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { yuan } from '../../platform/money.ts';
import { findUser } from '../access/index.ts';
import { accountBalance, getAccountOfCustomer, getCustomer } from '../customers/index.ts';
import { queueNotification, registerTemplates } from '../notifications/index.ts';
import { allocate, allocationBalance } from './allocations.ts';
import { corporateCustomer } from './payment-references.ts';

export type ReplenishmentRule = {
  customerId: bigint;
  threshold: bigint;
  target: bigint;
  poolFloor: bigint;
  active: boolean;
  updatedAt: Date;
  updatedBy: string;
};
const toRule = (r: Record<string, any>): ReplenishmentRule => ({
  customerId: BigInt(r.customer_id),
  threshold: BigInt(r.threshold),
  target: BigInt(r.target),
  poolFloor: BigInt(r.pool_floor),
  active: r.active,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

registerTemplates({
  'corporate-pool-low': {
    sms: '【ETC】客户{customer}的车队资金池余额{pool}元，{reason}，请联系客户汇款。',
    email: { subject: '车队资金池余额不足：{customer}', body: '客户{customer}的车队资金池余额{pool}元，{reason}。' },
  },
});

export async function setRule(
  db: Knex,
  ctx: RequestContext,
  customerId: bigint,
  input: { threshold: bigint; target: bigint; poolFloor: bigint; active: boolean },
): Promise<ReplenishmentRule> {
  if (input.target <= input.threshold)
    throw new AppError('invalid-request', 'target: must be above the threshold', 'target');
  return inTransaction(db, async (trx) => {
    await corporateCustomer(trx, customerId);
    const at = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    const row = {
      customer_id: customerId,
      threshold: input.threshold,
      target: input.target,
      pool_floor: input.poolFloor,
      active: input.active,
      updated_at: at,
      updated_by: actor,
    };
    const [saved] = await trx('corporate_replenishment_rules')
      .insert(row)
      .onConflict('customer_id')
      .merge()
      .returning('*');
    const rule = toRule(saved);
    await trx('corporate_replenishment_rule_events').insert({
      customer_id: customerId,
      at,
      actor,
      rule: JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    });
    await audit(trx, ctx, {
      action: 'corporate.replenishment-rule',
      entity: 'customer',
      entityId: customerId,
      detail: input,
    });
    return rule;
  });
}

export async function ruleOf(db: Knex, customerId: bigint): Promise<ReplenishmentRule> {
  const r = await db('corporate_replenishment_rules').where({ customer_id: customerId }).first();
  if (!r) throw new AppError('replenishment-rule-not-found', `customer ${customerId} has no replenishment rule`);
  return toRule(r);
}

async function tellAccountManager(
  trx: Knex.Transaction,
  at: Date,
  customerId: bigint,
  pool: bigint,
  reason: string,
  day: string,
) {
  const c = await getCustomer(trx, customerId);
  const user = c.accountManager ? await findUser(trx, c.accountManager) : null;
  if (!user) return false;
  await queueNotification(trx, at, {
    channel: 'sms',
    recipient: { kind: 'user', userId: user.id },
    template: 'corporate-pool-low',
    params: { customer: c.name, pool: yuan(pool), reason },
    dedupeKey: `corporate-pool-low:${customerId}:${day}`,
  });
  return true;
}

/** One day's replenishment for every active rule; each customer in its own transaction. */
export async function replenishAll(
  db: Knex,
  at: Date,
): Promise<{ customers: number; vehicles: number; total: bigint; poolLow: number }> {
  const day = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const rules = (await db('corporate_replenishment_rules').where({ active: true }).orderBy('customer_id')).map(toRule);
  const out = { customers: 0, vehicles: 0, total: 0n, poolLow: 0 };
  for (const rule of rules) {
    await inTransaction(db, async (trx) => {
      const vehicles = await trx('vehicle_allocations').where({ customer_id: rule.customerId }).select('vehicle_id');
      const items = [];
      for (const v of vehicles) {
        const b = await allocationBalance(trx, BigInt(v.vehicle_id));
        if (b < rule.threshold) items.push({ vehicleId: BigInt(v.vehicle_id), amount: rule.target - b });
      }
      const account = await getAccountOfCustomer(trx, rule.customerId);
      const pool = await accountBalance(trx, account.id);
      const need = items.reduce((s, i) => s + i.amount, 0n);
      if (need > pool) {
        if (
          await tellAccountManager(
            trx,
            at,
            rule.customerId,
            pool,
            `不足以补足${items.length}辆车（需${yuan(need)}元）`,
            day,
          )
        )
          out.poolLow++;
        return;
      }
      if (items.length) {
        const b = await allocate(trx, at, { label: 'system:replenishment' }, rule.customerId, {
          requestKey: `replenish:${rule.customerId}:${day}`,
          source: 'replenishment',
          items,
        });
        if (!b.replayed) {
          out.customers++;
          out.vehicles += b.vehicles;
          out.total += b.total;
        }
      }
      const after = await accountBalance(trx, account.id);
      if (
        after < rule.poolFloor &&
        (await tellAccountManager(trx, at, rule.customerId, after, `低于下限${yuan(rule.poolFloor)}元`, day))
      )
        out.poolLow++;
    });
  }
  return out;
}
