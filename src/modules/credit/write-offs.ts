// Bad debt: an open bill's outstanding amount (or part of it) written off. Finance proposes with a
// reason; two approvals follow, by two different people, neither of them the proposer; the second
// approval posts one entry (customer-bad-debt expense ← the account's customer funds) and reduces
// the bill. Each step is audited.
import type { Knex } from 'knex';
import { AppError } from '../../platform/http/errors.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { audit } from '../../platform/audit/audit.ts';
import { customerFundsCode, postEntry } from '../ledger/index.ts';
import { toBill } from './bills.ts';

export type WriteOffView = {
  id: bigint;
  billId: bigint;
  amount: bigint;
  reason: string;
  state: 'proposed' | 'approved-once' | 'posted' | 'rejected';
  proposedBy: string;
  proposedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  postedBy: string | null;
  postedAt: Date | null;
};

export const toWriteOff = (r: Record<string, any>): WriteOffView => ({
  id: BigInt(r.id),
  billId: BigInt(r.bill_id),
  amount: BigInt(r.amount),
  reason: r.reason,
  state: r.state,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  postedBy: r.posted_by,
  postedAt: r.posted_at,
});

export async function proposeWriteOff(
  db: Knex,
  ctx: RequestContext,
  billId: bigint,
  input: { amount: bigint; reason: string },
): Promise<WriteOffView> {
  return inTransaction(db, async (trx) => {
    const row = await trx('credit_bills').where({ id: billId }).forUpdate().first();
    if (!row) throw new AppError('bill-not-found', `no bill ${billId}`);
    const bill = toBill(row);
    if (bill.settledAt) throw new AppError('bill-settled', `bill ${billId} is settled`);
    if (input.amount <= 0n || input.amount > bill.outstanding)
      throw new AppError(
        'write-off-exceeds-outstanding',
        `bill ${billId} has ${bill.outstanding} fen outstanding`,
        'amount',
      );
    if (
      await trx('credit_write_offs').where({ bill_id: billId }).whereIn('state', ['proposed', 'approved-once']).first()
    )
      throw new AppError('write-off-open', `a write-off of bill ${billId} awaits approval`);
    const [w] = await trx('credit_write_offs')
      .insert({
        bill_id: billId,
        amount: input.amount,
        reason: input.reason,
        state: 'proposed',
        proposed_by: actorLabel(ctx.actor),
        proposed_at: ctx.app.clock.now(),
      })
      .returning('*');
    await audit(trx, ctx, {
      action: 'credit.write-off-propose',
      entity: 'credit-write-off',
      entityId: w.id,
      detail: { billId, amount: input.amount },
    });
    return toWriteOff(w);
  });
}

export async function decideWriteOff(
  db: Knex,
  ctx: RequestContext,
  writeOffId: bigint,
  decision: 'approve' | 'reject',
): Promise<WriteOffView> {
  return inTransaction(db, async (trx) => {
    const w = await trx('credit_write_offs').where({ id: writeOffId }).forUpdate().first();
    if (!w) throw new AppError('write-off-not-found', `no write-off ${writeOffId}`);
    if (w.state !== 'proposed' && w.state !== 'approved-once')
      throw new AppError('write-off-state-conflict', `write-off ${writeOffId} is ${w.state}`);
    const me = actorLabel(ctx.actor);
    if (me === w.proposed_by || me === w.approved_by)
      throw new AppError('write-off-four-eyes', 'two approvals by two people other than the proposer are needed');
    const at = ctx.app.clock.now();
    let patch: Record<string, unknown>;
    if (decision === 'reject') patch = { state: 'rejected', posted_by: me, posted_at: at };
    else if (w.state === 'proposed') patch = { state: 'approved-once', approved_by: me, approved_at: at };
    else {
      const bill = toBill(await trx('credit_bills').where({ id: w.bill_id }).forUpdate().first());
      const amount = BigInt(w.amount);
      if (amount > bill.outstanding)
        throw new AppError('write-off-exceeds-outstanding', `bill ${bill.id} has ${bill.outstanding} fen outstanding`);
      const entryId = await postEntry(trx, {
        kind: 'customer-bad-debt',
        reference: String(w.id),
        memo: `bill ${bill.id} of account ${bill.accountId} written off`,
        actor: me,
        postings: [
          { account: 'customer-bad-debt', amount },
          { account: customerFundsCode(bill.accountId), amount: -amount },
        ],
      });
      const settles = amount === bill.outstanding;
      await trx('credit_bills')
        .where({ id: bill.id })
        .update({ written_off: bill.writtenOff + amount, settled_at: settles ? at : null });
      patch = { state: 'posted', posted_by: me, posted_at: at, entry_id: entryId };
    }
    const [row] = await trx('credit_write_offs').where({ id: writeOffId }).update(patch).returning('*');
    await audit(trx, ctx, {
      action: `credit.write-off-${decision}`,
      entity: 'credit-write-off',
      entityId: writeOffId,
      detail: { state: row.state, billId: w.bill_id },
    });
    return toWriteOff(row);
  });
}
