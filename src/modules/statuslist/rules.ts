// Rules: business events become list changes. Life-cycle events come from the issuance outbox
// (consumed exactly once, in the same transaction as the changes they cause); account events are
// raised by other modules in their own transaction through raiseListEvent. An enter for a customer
// with the hold flag waits as held for a supervisor; a leave never waits (it can only help the
// customer), and it discards a held enter of the same reason, which has become moot.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import type { Config } from '../../config.ts';
import { getCustomer } from '../customers/index.ts';
import { consumeLifecycle, type LifecycleEvent } from '../issuance/index.ts';
import { discardHeldEnters, insertChange, intendedListed, type ChangeView } from './changes.ts';
import { MEDIUM_ID, ruleFor, type AccountEventName, type Medium } from './reasons.ts';

export const CONSUMER = 'statuslist';
const BATCH = 500;

export type ListEvent = {
  at: Date;
  medium: Medium;
  mediumId: string;
  customerId: bigint;
  event: string;
  payload?: Record<string, unknown>;
  eventId?: bigint;
};

type HoldLookup = (customerId: bigint) => Promise<boolean>;

function holdLookup(trx: Knex): HoldLookup {
  const seen = new Map<bigint, boolean>();
  return async (customerId) => {
    let hold = seen.get(customerId);
    if (hold === undefined) {
      hold = (await getCustomer(trx, customerId)).holdAutoList;
      seen.set(customerId, hold);
    }
    return hold;
  };
}

async function applyEvent(
  trx: Knex,
  config: Config | null,
  e: ListEvent,
  holdOf: HoldLookup,
): Promise<ChangeView | null> {
  const effect = ruleFor(e.medium, e.event, e.payload ?? {}, config?.statusList.lowBalanceFen ?? 0n);
  if (!effect || !MEDIUM_ID[e.medium].test(e.mediumId)) return null;
  const base = {
    medium: e.medium,
    mediumId: e.mediumId,
    reason: effect.reason,
    source: 'rule' as const,
    customerId: e.customerId,
    event: e.event,
    eventId: e.eventId ?? null,
    at: e.at,
    by: 'system',
  };
  if (effect.action === 'leave') {
    for (const id of await discardHeldEnters(
      trx,
      e.medium,
      e.mediumId,
      effect.reason,
      e.at,
      `superseded by ${e.event}`,
    )) {
      await audit(trx, null, {
        action: 'status-list.discard',
        entity: 'status-list-change',
        entityId: id,
        detail: { supersededBy: e.event },
      });
    }
    // nothing to take off: a resume of a card whose suspension was never listed, a repeat
    if (!(await intendedListed(trx, e.medium, e.mediumId, effect.reason))) return null;
    const change = await insertChange(trx, { ...base, action: 'leave', state: 'pending' });
    await audit(trx, null, {
      action: 'status-list.change',
      entity: 'status-list-change',
      entityId: change.id,
      detail: { medium: e.medium, mediumId: e.mediumId, action: 'leave', reason: effect.reason, event: e.event },
    });
    return change;
  }
  if (await intendedListed(trx, e.medium, e.mediumId, effect.reason)) return null;
  const held = await holdOf(e.customerId);
  const change = await insertChange(trx, { ...base, action: 'enter', state: held ? 'held' : 'pending' });
  await audit(trx, null, {
    action: held ? 'status-list.hold' : 'status-list.change',
    entity: 'status-list-change',
    entityId: change.id,
    detail: {
      medium: e.medium,
      mediumId: e.mediumId,
      action: 'enter',
      reason: effect.reason,
      event: e.event,
      customerId: e.customerId,
    },
  });
  return change;
}

// For other modules (clearing raises overdraft, lane ingest or top-up the purse balance), in their
// own transaction: { event: 'account-overdrawn' | 'account-covered' } or { event: 'purse-balance',
// payload: { balance } } (listed below ETC_LIST_LOW_BALANCE_FEN when that rule is on).
export async function raiseListEvent(
  trx: Knex.Transaction,
  config: Config,
  e: ListEvent & { event: AccountEventName },
): Promise<ChangeView | null> {
  return applyEvent(trx, config, e, holdLookup(trx));
}

// Arrears of a debit account (credit), raised per card in the payment's or the sweep's transaction;
// no setting is involved, so no config is needed.
export async function raiseArrearsEvent(
  trx: Knex.Transaction,
  e: ListEvent & { event: 'account-in-arrears' | 'account-arrears-cleared' },
): Promise<ChangeView | null> {
  return applyEvent(trx, null, e, holdLookup(trx));
}

const fromOutbox = (o: LifecycleEvent): ListEvent => ({
  at: o.at,
  medium: o.medium,
  mediumId: o.mediumId,
  customerId: o.customerId,
  event: o.event,
  payload: o.payload,
  eventId: o.id,
});

// Consumes every life-cycle event not yet consumed by the status list. Returns the changes made.
export async function applyRules(db: Knex, config: Config): Promise<number> {
  let changes = 0;
  for (;;) {
    const n = await consumeLifecycle(db, CONSUMER, BATCH, async (trx, events) => {
      const holdOf = holdLookup(trx);
      for (const o of events) if (await applyEvent(trx, config, fromOutbox(o), holdOf)) changes++;
    });
    if (n < BATCH) return changes;
  }
}
