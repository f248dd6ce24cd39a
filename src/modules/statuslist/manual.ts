// What supervisors do by hand: add or remove an entry (with a reason), confirm or discard held
// entries, and make a lane take a full list on its next pull. Every step is audited in the same
// transaction. Manual entries are for this centre's own cards and OBUs: other provinces' ids are
// theirs to list, and reach lanes through interchange.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { findCard, findObu } from '../issuance/index.ts';
import { getLane } from '../lanes/index.ts';
import {
  discardHeldEnters,
  insertChange,
  intendedListed,
  listedOrComing,
  lockChange,
  type ChangeView,
} from './changes.ts';
import { forgetListHead } from './head.ts';
import { issuerOf, type Medium } from './reasons.ts';

export type ManualEntry = { medium: Medium; mediumId: string; reason: number; note: string };
export type ManualRemoval = { medium: Medium; mediumId: string; reason?: number; note: string };

async function ownMedium(db: Knex, ctx: RequestContext, medium: Medium, mediumId: string): Promise<bigint> {
  if (issuerOf(mediumId) !== ctx.app.config.network)
    throw invalid('id', `only this centre's (${ctx.app.config.network}) cards and OBUs can be listed by hand`);
  return medium === 'card' ? (await findCard(db, mediumId)).customerId : (await findObu(db, mediumId)).customerId;
}

export async function addEntry(db: Knex, ctx: RequestContext, e: ManualEntry): Promise<ChangeView> {
  return inTransaction(db, async (trx) => {
    const customerId = await ownMedium(trx, ctx, e.medium, e.mediumId);
    if (await intendedListed(trx, e.medium, e.mediumId, e.reason))
      throw new AppError(
        'list-state-conflict',
        `${e.medium} ${e.mediumId} is already listed (or about to be) for reason ${e.reason}`,
      );
    const change = await insertChange(trx, {
      ...e,
      action: 'enter',
      source: 'manual',
      state: 'pending',
      customerId,
      at: ctx.app.clock.now(),
      by: actorLabel(ctx.actor),
    });
    await audit(trx, ctx, {
      action: 'status-list.manual-add',
      entity: 'status-list-change',
      entityId: change.id,
      detail: { medium: e.medium, mediumId: e.mediumId, reason: e.reason, note: e.note },
    });
    return change;
  });
}

// Without a reason code every reason of the id goes; held enters that would undo it are discarded.
export async function removeEntry(db: Knex, ctx: RequestContext, e: ManualRemoval): Promise<ChangeView> {
  return inTransaction(db, async (trx) => {
    const customerId = await ownMedium(trx, ctx, e.medium, e.mediumId);
    const at = ctx.app.clock.now();
    const reason = e.reason ?? null;
    for (const id of await discardHeldEnters(
      trx,
      e.medium,
      e.mediumId,
      reason,
      at,
      `superseded by a manual removal: ${e.note}`,
    )) {
      await audit(trx, ctx, {
        action: 'status-list.discard',
        entity: 'status-list-change',
        entityId: id,
        detail: { supersededBy: 'manual removal' },
      });
    }
    const listed =
      reason === null
        ? await listedOrComing(trx, e.medium, e.mediumId)
        : await intendedListed(trx, e.medium, e.mediumId, reason);
    if (!listed)
      throw new AppError(
        'list-state-conflict',
        `${e.medium} ${e.mediumId} is not listed${reason === null ? '' : ` for reason ${reason}`}`,
      );
    const change = await insertChange(trx, {
      medium: e.medium,
      mediumId: e.mediumId,
      action: 'leave',
      reason,
      whole: reason === null,
      source: 'manual',
      state: 'pending',
      customerId,
      note: e.note,
      at,
      by: actorLabel(ctx.actor),
    });
    await audit(trx, ctx, {
      action: 'status-list.manual-remove',
      entity: 'status-list-change',
      entityId: change.id,
      detail: { medium: e.medium, mediumId: e.mediumId, reason, note: e.note },
    });
    return change;
  });
}

export async function decideHeld(
  db: Knex,
  ctx: RequestContext,
  changeId: bigint,
  decision: 'confirm' | 'discard',
  note: string | undefined,
): Promise<ChangeView> {
  return inTransaction(db, async (trx) => {
    const change = await lockChange(trx, changeId);
    if (change.state !== 'held')
      throw new AppError('list-change-decided', `change ${changeId} is ${change.state}, not held`);
    const [row] = await trx('status_list_changes')
      .where('id', String(changeId))
      .update({
        state: decision === 'confirm' ? 'pending' : 'discarded',
        decided_at: ctx.app.clock.now(),
        decided_by: actorLabel(ctx.actor),
        note: note ?? change.note,
      })
      .returning('*');
    await audit(trx, ctx, {
      action: `status-list.${decision}`,
      entity: 'status-list-change',
      entityId: changeId,
      detail: {
        medium: change.medium,
        mediumId: change.mediumId,
        reason: change.reason,
        customerId: change.customerId,
        note,
      },
    });
    return { ...change, state: row.state, decidedAt: row.decided_at, decidedBy: row.decided_by, note: row.note };
  });
}

// The lane's next pull gets a full list whatever version it says it has; the request stands until
// the lane reports a version at least as new as that full list.
export async function requestFullList(
  db: Knex,
  ctx: RequestContext,
  laneId: string,
  note: string,
): Promise<{ laneId: string; requestedAt: Date }> {
  if (!(await getLane(db, laneId))) throw new AppError('lane-not-found', `no lane ${laneId}`);
  return inTransaction(db, async (trx) => {
    const at = ctx.app.clock.now();
    await trx('status_list_lanes')
      .insert({
        lane_id: laneId,
        full_requested_at: at,
        full_requested_by: actorLabel(ctx.actor),
        full_served_version: null,
      })
      .onConflict('lane_id')
      .merge(['full_requested_at', 'full_requested_by', 'full_served_version']);
    await audit(trx, ctx, { action: 'status-list.force-full', entity: 'lane', entityId: laneId, detail: { note } });
    return { laneId, requestedAt: at };
  }).finally(() => forgetListHead(db));
}
