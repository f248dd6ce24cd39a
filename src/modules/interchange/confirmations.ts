// Confirmations (ICD §3 POST /confirmations). Ours: made when a peer's package is checked, sent back
// by a queued job. Theirs: the answer to one of our packages — every transaction not listed is
// accepted for payment; the listed ones become disputes waiting for the issuer's decision. A
// confirmation that does not add up with its package (counts, amounts, unknown transIds) is
// answered 4 and stored nowhere; a second one for the same package is answered 5.
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import type { AppContext, RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  confirmationHeader,
  disputedItem,
  firstIssue,
  RESULT,
  signDocument,
  transIdOf,
  type Answer,
  type SignedDocument,
  incomingHeader,
} from './documents.ts';
import { packageRows, toOutbound } from './outbound.ts';

const disputedList = z.array(disputedItem).max(100_000);

export type ConfirmationAnswer = Answer & { date?: string };

export async function receiveConfirmation(
  ctx: RequestContext,
  doc: Record<string, unknown>,
): Promise<ConfirmationAnswer> {
  const { app } = ctx;
  const checked = await incomingHeader(app, ctx.db, ctx.actor, doc, confirmationHeader);
  if (checked.refusal) return checked.refusal;
  const { sender: issuer, header } = checked;
  const d = disputedList.safeParse(doc.disputed);
  if (!d.success) return { result: RESULT.schema, message: `disputed.${firstIssue(d.error)}` };
  const disputed = d.data;
  if (disputed.length !== header.disputedCount)
    return {
      result: RESULT.content,
      message: `header.disputedCount ${header.disputedCount} but ${disputed.length} listed`,
    };

  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('interchange_packages')
      .where({
        direction: 'outbound',
        sender: app.config.network,
        message_id: header.originalMessageId,
        receiver: issuer,
      })
      .forNoKeyUpdate()
      .first();
    if (!row) throw new AppError('package-not-found', `no package ${header.originalMessageId} was sent to ${issuer}`);
    const p = toOutbound(row);
    if (await trx('interchange_confirmations').where({ package_id: p.id }).first('package_id'))
      return { result: RESULT.duplicate, message: `package ${p.messageId} was confirmed before` };
    const rows = new Map((await packageRows(trx, p)).map((t) => [transIdOf(t.terminal_id, t.terminal_seq), t]));
    const seen = new Set<string>();
    let disputedAmount = 0n;
    for (const x of disputed) {
      const t = rows.get(x.transId);
      if (!t || seen.has(x.transId))
        return {
          result: RESULT.content,
          message: `disputed transId ${x.transId} is not in package ${p.messageId} or is listed twice`,
        };
      seen.add(x.transId);
      disputedAmount += BigInt(t.amount);
    }
    if (header.count !== p.count - disputed.length || header.amount !== p.amount - disputedAmount) {
      return {
        result: RESULT.statistics,
        message: `confirmed ${header.count} / ${header.amount} fen does not reconcile with package ${p.count} / ${p.amount} less ${disputed.length} / ${disputedAmount} disputed`,
      };
    }
    const now = app.clock.now();
    await trx('interchange_confirmations').insert({
      package_id: p.id,
      message_id: header.messageId,
      sender: issuer,
      processed_at: new Date(header.processedAt),
      count: header.count,
      amount: header.amount,
      disputed_count: disputed.length,
      disputed_amount: disputedAmount,
      received_at: now,
    });
    if (disputed.length) {
      await trx('interchange_disputes').insert(
        disputed.map((x) => {
          const t = rows.get(x.transId)!;
          return {
            side: 'provider',
            package_id: p.id,
            trans_id: x.transId,
            transaction_id: t.id,
            clearing_date: p.date,
            card_no: t.card_no,
            card_type: t.card_type,
            amount: t.amount,
            result: x.result,
          };
        }),
      );
    }
    await audit(trx, ctx, {
      action: 'interchange.confirmation-received',
      entity: 'interchange_package',
      entityId: p.id,
      detail: {
        issuer,
        messageId: header.messageId,
        package: p.messageId,
        confirmed: header.count,
        amount: header.amount,
        disputed: disputed.length,
      },
    });
    return { result: RESULT.ok, date: p.date };
  });
}

/** The confirmation we owe for a package we received, signed. */
export async function confirmationDocument(
  app: AppContext,
  db: Knex,
  packageId: bigint,
): Promise<{ doc: SignedDocument; messageId: string; receiver: string }> {
  const p = await db('interchange_packages').where({ id: packageId, direction: 'inbound' }).first();
  const c = await db('interchange_confirmations').where({ package_id: packageId }).first();
  const disputed = await db('interchange_disputes')
    .where({ package_id: packageId })
    .orderBy('id')
    .select('trans_id', 'result');
  const doc = await signDocument(app, {
    header: {
      messageId: c.message_id,
      originalMessageId: p.message_id,
      sender: app.config.network,
      receiver: p.sender,
      processedAt: c.processed_at.toISOString(),
      count: c.count,
      amount: Number(c.amount),
      disputedCount: c.disputed_count,
    },
    disputed: disputed.map((x) => ({ transId: x.trans_id, result: x.result })),
  });
  return { doc, messageId: c.message_id, receiver: p.sender };
}
