// Remedies: money back to the customer for a justified complaint, linked to its ticket. A toll
// refund is paid from the centre's complaint-remedies expense (the road operator's share of the
// original toll is not clawed back here: clearing has split it already); a fee waiver gives back
// fee revenue. Either way one balanced entry credits the customer's funds. Above the approval
// threshold a supervisor who did not propose it approves; posting happens exactly once — the ticket
// and then the remedy are locked, the state is checked, and the entry's (kind, reference) is unique.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getAccountOfCustomer } from '../customers/index.ts';
import { findLaneTransaction } from '../lanes/index.ts';
import { customerFundsCode, ensureAccounts, postEntry, registerBalanceInvariant } from '../ledger/index.ts';
import { appendEvent } from './events.ts';
import { lockTicket } from './tickets.ts';

export const COMPLAINT_REMEDIES = 'complaint-remedies';
// a remedy above this (fen) waits for a supervisor; at or below it the handler's proposal posts at once
export const REMEDY_APPROVAL_THRESHOLD_FEN = 5_000n;
// the largest remedy a ticket may propose (a typing slip of a few zeros is refused)
export const REMEDY_CEILING_FEN = 1_000_000n;

export type RemedyKind = 'toll-refund' | 'fee-waiver';
export type RemedyView = {
  id: bigint;
  ticketId: bigint;
  kind: RemedyKind;
  amount: bigint;
  accountId: bigint;
  reason: string;
  status: 'proposed' | 'posted' | 'rejected';
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  entryId: bigint | null;
};
type Row = Record<string, any>;
const toRemedy = (r: Row): RemedyView => ({
  id: BigInt(r.id),
  ticketId: BigInt(r.ticket_id),
  kind: r.kind,
  amount: BigInt(r.amount),
  accountId: BigInt(r.account_id),
  reason: r.reason,
  status: r.status,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  entryId: r.entry_id == null ? null : BigInt(r.entry_id),
});

export function registerRemedyInvariants(): void {
  registerBalanceInvariant({
    name: 'complaint-remedies equals the posted toll refunds of tickets',
    account: COMPLAINT_REMEDIES,
    // an expense: its balance is the debit side, the checker compares credit balances
    expectedSql: `select -coalesce(sum(amount), 0) from servicedesk_remedies where status = 'posted' and kind = 'toll-refund'`,
    what: 'posted toll refunds',
  });
}

async function post(trx: Knex.Transaction, r: Row, actor: string, ticketNo: string): Promise<bigint> {
  await ensureAccounts(trx, [
    { code: COMPLAINT_REMEDIES, name: 'Money given back to customers on complaints', kind: 'expense' },
  ]);
  const entryId = await postEntry(trx, {
    kind: 'ticket-remedy',
    reference: String(r.id),
    memo: `${r.kind} on ticket ${ticketNo}`,
    actor,
    postings: [
      { account: r.kind === 'toll-refund' ? COMPLAINT_REMEDIES : 'fee-revenue', amount: BigInt(r.amount) },
      { account: customerFundsCode(BigInt(r.account_id)), amount: -BigInt(r.amount) },
    ],
  });
  return entryId!;
}

export async function proposeRemedy(
  db: Knex,
  ctx: RequestContext,
  ticketId: bigint,
  p: { kind: RemedyKind; amount: bigint; reason: string },
): Promise<RemedyView> {
  if (p.amount <= 0n || p.amount > REMEDY_CEILING_FEN)
    throw new AppError('amount-out-of-range', `a remedy is between 1 and ${REMEDY_CEILING_FEN} fen`, 'amount');
  return inTransaction(db, async (trx) => {
    const t = await lockTicket(trx, ticketId);
    if (t.status === 'closed' || t.status === 'new')
      throw new AppError('ticket-state-conflict', `a ${t.status} ticket takes no remedy`);
    if (t.verdict === 'not-justified')
      throw new AppError('remedy-not-justified', 'the complaint was found not justified: no remedy');
    if (!t.customer_id) throw new AppError('ticket-customer-required', 'a remedy is paid into a customer account');
    if (p.kind === 'toll-refund' && t.lane_transaction_id) {
      const tx = await findLaneTransaction(trx, BigInt(t.lane_transaction_id));
      if (tx && p.amount > tx.amount)
        throw new AppError('amount-out-of-range', `a toll refund is at most the charge (${tx.amount} fen)`, 'amount');
    }
    const account = await getAccountOfCustomer(trx, BigInt(t.customer_id));
    const now = ctx.app.clock.now();
    const actor = actorLabel(ctx.actor);
    const direct = p.amount <= REMEDY_APPROVAL_THRESHOLD_FEN;
    // the ticket is locked: no other remedy of this kind can appear between this check and the insert
    const open = await trx('servicedesk_remedies')
      .where({ ticket_id: ticketId, kind: p.kind })
      .whereNot('status', 'rejected')
      .first('id');
    if (open) throw new AppError('remedy-exists', `ticket ${t.ticket_no} has a ${p.kind} already`);
    let [row] = await trx('servicedesk_remedies')
      .insert({
        ticket_id: ticketId,
        kind: p.kind,
        amount: p.amount,
        account_id: account.id,
        reason: p.reason,
        status: 'proposed',
        proposed_by: actor,
        proposed_at: now,
      })
      .returning('*');
    if (direct) {
      const entryId = await post(trx, row, actor, t.ticket_no);
      [row] = await trx('servicedesk_remedies')
        .where({ id: row.id })
        .update({ status: 'posted', entry_id: entryId, decided_by: actor, decided_at: now })
        .returning('*');
    }
    await appendEvent(trx, ticketId, {
      at: now,
      actor,
      kind: direct ? 'remedy-posted' : 'remedy-proposed',
      detail: { remedyId: row.id, kind: p.kind, amount: p.amount },
    });
    await audit(trx, ctx, {
      action: direct ? 'ticket.remedy-post' : 'ticket.remedy-propose',
      entity: 'ticket',
      entityId: ticketId,
      detail: { remedyId: row.id, kind: p.kind, amount: p.amount },
    });
    return toRemedy(row);
  });
}

export async function decideRemedy(
  db: Knex,
  ctx: RequestContext,
  remedyId: bigint,
  decision: 'approve' | 'reject',
  reason: string | undefined,
): Promise<RemedyView> {
  return inTransaction(db, async (trx) => {
    const found = await trx('servicedesk_remedies').where({ id: remedyId }).first('ticket_id');
    if (!found) throw new AppError('remedy-not-found', `no remedy ${remedyId}`);
    const t = await lockTicket(trx, BigInt(found.ticket_id)); // ticket, then remedy: the order of every path
    const r = await trx('servicedesk_remedies').where({ id: remedyId }).forUpdate().first();
    if (r.status !== 'proposed')
      throw new AppError('remedy-state-conflict', `remedy ${remedyId} is ${r.status} already`);
    const me = actorLabel(ctx.actor);
    if (r.proposed_by === me)
      throw new AppError('remedy-four-eyes-required', 'a remedy is approved by someone other than who proposed it');
    const now = ctx.app.clock.now();
    const entryId = decision === 'approve' ? await post(trx, r, me, t.ticket_no) : null;
    const [row] = await trx('servicedesk_remedies')
      .where({ id: remedyId })
      .update({
        status: decision === 'approve' ? 'posted' : 'rejected',
        entry_id: entryId,
        decided_by: me,
        decided_at: now,
        decision_reason: reason ?? null,
      })
      .returning('*');
    await appendEvent(trx, BigInt(r.ticket_id), {
      at: now,
      actor: me,
      kind: decision === 'approve' ? 'remedy-posted' : 'remedy-rejected',
      detail: { remedyId, amount: BigInt(r.amount), reason: reason ?? null },
    });
    await audit(trx, ctx, {
      action: decision === 'approve' ? 'ticket.remedy-approve' : 'ticket.remedy-reject',
      entity: 'ticket',
      entityId: String(r.ticket_id),
      detail: { remedyId, amount: BigInt(r.amount) },
    });
    return toRemedy(row);
  });
}

export async function listRemedies(
  db: Knex,
  q: { status?: RemedyView['status']; ticketId?: bigint },
): Promise<RemedyView[]> {
  const query = db('servicedesk_remedies').orderBy('id').limit(200);
  if (q.status) query.where({ status: q.status });
  if (q.ticketId) query.where({ ticket_id: q.ticketId });
  return (await query).map(toRemedy);
}
