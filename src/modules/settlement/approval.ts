// The one life of a money document that leaves or enters the clearing bank account (a settlement with
// a province, a payout to a road operator, a refund batch, a hall deposit slip, a bank's day): draft →
// approved (who approved is kept; not the maker, for a document a person made) → settled / paid /
// banked by someone other than the approver (the bank movement: one journal entry in the same
// transaction). The row is locked for the step; a step out of order is refused with the kind's own
// code, changing nothing; each step writes audit_log.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError, type ErrorCode } from '../../platform/http/errors.ts';
import { CLEARING_BANK, postEntry } from '../ledger/index.ts';

// the audit action of each final state
const DONE_ACTION = { settled: 'settle', paid: 'pay', banked: 'bank' } as const;

// createdBy: the person who made the document, when a person did (the daily run's documents have none)
type Row = { state: string; approvedBy: string | null; bankReference: string | null; createdBy?: string | null };

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
  if (current.createdBy && current.createdBy === actorLabel(ctx.actor))
    throw new AppError('four-eyes-required', `${what} must be approved by someone other than its maker`);
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

/** A bank movement of `amount` into the clearing bank account (negative: out of it) against `account`. */
export type BankMovement = {
  kind: string;
  reference: string;
  memo: string;
  account: string;
  amount: bigint;
  detail: Record<string, unknown>;
};

/** The final step when it is one two-legged bank movement: finishStep posting `movement(current)`. */
export async function finishWithBankMovement<T extends Row>(
  trx: Knex.Transaction,
  ctx: RequestContext,
  flow: ApprovalFlow<T>,
  key: Record<string, string>,
  what: string,
  bankReference: string,
  movement: (current: T) => BankMovement,
): Promise<{ view: T; entryId: bigint | null }> {
  return finishStep(trx, ctx, flow, key, what, bankReference, async (current) => {
    const m = movement(current);
    const entryId = await postEntry(trx, {
      kind: m.kind,
      reference: m.reference,
      memo: m.memo,
      actor: actorLabel(ctx.actor),
      postings: [
        { account: CLEARING_BANK, amount: m.amount },
        { account: m.account, amount: -m.amount },
      ],
    });
    return { entryId, detail: m.detail };
  });
}

const lock = <T extends Row>(trx: Knex.Transaction, flow: ApprovalFlow<T>, key: Record<string, string>) =>
  flow.lock(trx, key);

const entityId = (key: Record<string, string>) => Object.values(key).join(':');
