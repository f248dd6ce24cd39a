// Packages a peer sends us (ICD §3 POST /packages): our cards on its roads. Checked in this order,
// the first failure answering with its package result code and storing nothing: the signature
// (refused, 422), the header (2), the transactions' form (3), header count and amount against the
// body (4), a message id seen before (5), a clearing date not yet over… or too far back (6). An
// accepted package is checked transaction by transaction exactly like a lane upload (lanes'
// ingestReceivedPackage: duplicates, TAC, card status at the time, balance chain) in one database
// transaction with its row and the confirmation we owe, which a queued job then delivers (once the
// centre's confirmation hold, if any, has passed: confirmation-hold.ts).
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.ts';
import { DAY_MS, localDate } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import type { RequestContext } from '../../platform/http/context.ts';
import { ingestReceivedPackage, laneTransaction, type LaneTransaction } from '../lanes/index.ts';
import {
  documentSha256,
  firstIssue,
  packageHeader,
  RESULT,
  transId,
  transIdOf,
  type Answer,
  incomingHeader,
} from './documents.ts';
import { confirmationHoldUntil } from './confirmation-hold.ts';

export const MAX_PACKAGE = 4000;
const packageTransactions = z
  .array(laneTransaction.extend({ transId }))
  .min(1)
  .max(MAX_PACKAGE) as unknown as z.ZodType<Array<LaneTransaction & { transId: string }>>;

export type ReceivedPackage = Answer & { packageId?: string; disputed?: number };

export async function receivePackage(ctx: RequestContext, doc: Record<string, unknown>): Promise<ReceivedPackage> {
  const { app } = ctx;
  const checked = await incomingHeader(app, ctx.db, ctx.actor, doc, packageHeader);
  if (checked.refusal) return checked.refusal;
  const { sender, header } = checked;
  const t = packageTransactions.safeParse(doc.transactions);
  if (!t.success) return { result: RESULT.schema, message: `transactions.${firstIssue(t.error)}` };
  const txs = t.data;
  const total = txs.reduce((a, x) => a + x.amount, 0n);
  if (txs.length !== header.count || total !== header.amount) {
    return {
      result: RESULT.content,
      message: `header says ${header.count} transactions of ${header.amount} fen; the body has ${txs.length} of ${total}`,
    };
  }
  const ids = new Set(txs.map((x) => x.transId));
  if (ids.size !== txs.length) return { result: RESULT.content, message: 'a transId appears twice in the package' };
  const bad = txs.find((x) => x.transId !== transIdOf(x.terminalId, x.terminalSeq));
  if (bad)
    return {
      result: RESULT.content,
      message: `transId ${bad.transId} is not the transaction's terminal id and sequence`,
    };
  const now = app.clock.now();
  if (header.clearTargetDate >= localDate(now))
    return { result: RESULT.notAccepted, message: `clearing date ${header.clearTargetDate} is not over yet` };
  // a day whose every transaction our lanes' age limit refuses: long cleared and settled on both
  // sides, and not a day to make a partition for (a date of year 0001 would make one)
  const oldest = localDate(new Date(now.getTime() - app.config.lanes.maxAgeDays * DAY_MS));
  if (header.clearTargetDate < oldest)
    return {
      result: RESULT.notAccepted,
      message: `clearing date ${header.clearTargetDate} is more than ${app.config.lanes.maxAgeDays} days back`,
    };
  if (await seen(ctx.db, sender, header.messageId))
    return { result: RESULT.duplicate, message: `package ${header.messageId} was received before` };

  try {
    return await inTransaction(ctx.db, async (trx) => {
      const [row] = await trx('interchange_packages')
        .insert({
          direction: 'inbound',
          message_id: header.messageId,
          sender,
          receiver: app.config.network,
          clear_target_date: header.clearTargetDate,
          count: header.count,
          amount: header.amount,
          document_sha256: documentSha256(doc),
          state: 'received',
          result: RESULT.ok,
          created_at: now,
        })
        .returning('id');
      const packageId = BigInt(row.id);
      const outcome = await ingestReceivedPackage(
        trx,
        ctx,
        { kind: 'package', packageId, sender, clearingDate: header.clearTargetDate },
        txs,
      );
      const disputed = outcome.results
        .map((r, i) => ({ r, tx: txs[i] }))
        .filter(({ r }) => r.disposition !== 'accepted');
      const stored = await storedIds(trx, packageId);
      if (disputed.length) {
        await trx('interchange_disputes').insert(
          disputed.map(({ r, tx }) => {
            const s = stored.get(tx.transId);
            return {
              side: 'issuer',
              package_id: packageId,
              trans_id: tx.transId,
              transaction_id: s?.id ?? null,
              clearing_date: s ? header.clearTargetDate : null,
              card_no: tx.cardNo,
              card_type: tx.cardType,
              account_id: s?.accountId ?? null,
              amount: tx.amount,
              result: r.code ?? 2,
            };
          }),
        );
      }
      const disputedAmount = disputed.reduce((a, d) => a + d.tx.amount, 0n);
      await trx('interchange_confirmations').insert({
        package_id: packageId,
        message_id: `CF${sender}${header.messageId}`,
        sender: app.config.network,
        processed_at: now,
        count: header.count - disputed.length,
        amount: header.amount - disputedAmount,
        disputed_count: disputed.length,
        disputed_amount: disputedAmount,
        hold_until: confirmationHoldUntil(app, now),
      });
      await audit(trx, ctx, {
        action: 'interchange.package-received',
        entity: 'interchange_package',
        entityId: packageId,
        detail: {
          sender,
          messageId: header.messageId,
          date: header.clearTargetDate,
          count: header.count,
          amount: header.amount,
          disputed: disputed.length,
        },
      });
      return { result: RESULT.ok, packageId: String(packageId), disputed: disputed.length };
    });
  } catch (err) {
    // the same message id arriving twice at once: one stores it, the other is a duplicate
    if (isUniqueViolation(err, 'interchange_packages_sender_message_id_key'))
      return { result: RESULT.duplicate, message: `package ${header.messageId} was received before` };
    throw err;
  }
}

async function seen(db: Knex, sender: string, messageId: string): Promise<boolean> {
  return !!(await db('interchange_packages')
    .where({ sender, message_id: messageId, direction: 'inbound' })
    .first('id'));
}

// The rows this package stored (re-sent transactions are not stored again), by transId.
async function storedIds(
  trx: Knex.Transaction,
  packageId: bigint,
): Promise<Map<string, { id: bigint; accountId: bigint | null }>> {
  const rows = await trx('lane_transactions')
    .where({ received_package_id: packageId })
    .select('id', 'terminal_id', 'terminal_seq', 'account_id');
  return new Map(
    rows.map((r) => [
      transIdOf(r.terminal_id, r.terminal_seq),
      { id: BigInt(r.id), accountId: r.account_id === null ? null : BigInt(r.account_id) },
    ]),
  );
}
