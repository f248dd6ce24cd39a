// The one life of a settlement with a province and of a payout to a road operator: draft → approved
// (who approved is kept) → settled / paid by someone else (the bank movement: one journal entry in
// the same transaction). The row is locked for the step; a step out of order is refused with the kind's own
// code, changing nothing; each step writes audit_log.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError, type ErrorCode } from '../../platform/http/errors.ts';

// the audit action of each final state
const DONE_ACTION = { settled: 'settle', paid: 'pay', banked: 'bank' } as const;

type Row = { state: string; approvedBy: string | null; bankReference: string | null };

export type ApprovalFlow<T extends Row> = {
  table: string;
  entity: string; // audit entity; actions are `${action}.approve` and `${action}.${doneVerb}`
  action: string;
  done: keyof typeof DONE_ACTION; // the final state, and its verb
  doneColumns: { at: string; by: string };
  codes: { alreadyApproved: ErrorCode; notApproved: ErrorCode; alreadyDone: ErrorCode };
  toView: (row: Record<string, any>) => T;
  lock: (trx: Knex.Transaction, key: Record<string, string>) => Promise<T>; // FOR UPDATE; not found → 404
};

export async function approveStep<T extends Row>(
  trx: Knex.Transaction,
  ctx: RequestContext,
  flow: ApprovalFlow<T>,
  key: Record<string, string>,
  what: string,
  detail: (current: T) => Record<string, unknown>,
): Promise<T> {
  const current = await lock(trx, flow, key);
  if (current.state === 'approved')
    throw new AppError(flow.codes.alreadyApproved, `${what} was approved by ${current.approvedBy}`);
  if (current.state === flow.done) throw new AppError(flow.codes.alreadyDone, `${what} was ${flow.done} already`);
  const [row] = await trx(flow.table)
    .where(key)
    .update({ state: 'approved', approved_at: ctx.app.clock.now(), approved_by: actorLabel(ctx.actor) })
    .returning('*');
  await audit(trx, ctx, {
    action: `${flow.action}.approve`,
    entity: flow.entity,
    entityId: entityId(key),
    detail: detail(current),
  });
  return flow.toView(row);
}

/** The final step: `move` posts the bank movement (it gets the locked row) and says what to audit. */
export async function finishStep<T extends Row>(
  trx: Knex.Transaction,
  ctx: RequestContext,
  flow: ApprovalFlow<T>,
  key: Record<string, string>,
  what: string,
  bankReference: string,
  move: (current: T) => Promise<{ entryId: bigint | null; detail: Record<string, unknown> }>,
): Promise<{ view: T; entryId: bigint | null }> {
  const current = await lock(trx, flow, key);
  const verb = flow.done;
  if (current.state === 'draft')
    throw new AppError(flow.codes.notApproved, `${what} must be approved before it is ${verb}`);
  if (current.state === flow.done)
    throw new AppError(flow.codes.alreadyDone, `${what} was ${verb} already (bank reference ${current.bankReference})`);
  // four eyes, as for a card cancellation's refund: whoever approved may not also move the money
  if (current.approvedBy === actorLabel(ctx.actor))
    throw new AppError('four-eyes-required', `${what} must be ${verb} by someone other than its approver`);
  const { entryId, detail } = await move(current);
  const [row] = await trx(flow.table)
    .where(key)
    .update({
      state: flow.done,
      [flow.doneColumns.at]: ctx.app.clock.now(),
      [flow.doneColumns.by]: actorLabel(ctx.actor),
      bank_reference: bankReference,
    })
    .returning('*');
  await audit(trx, ctx, {
    action: `${flow.action}.${DONE_ACTION[flow.done]}`,
    entity: flow.entity,
    entityId: entityId(key),
    detail: { ...detail, bankReference, entryId },
  });
  return { view: flow.toView(row), entryId };
}

const lock = <T extends Row>(trx: Knex.Transaction, flow: ApprovalFlow<T>, key: Record<string, string>) =>
  flow.lock(trx, key);

const entityId = (key: Record<string, string>) => Object.values(key).join(':');
