// A complaint about a charge of our card on another province's roads can become an interchange
// dispute with that province: the ticket asks interchange to list the linked transaction as disputed
// in our confirmation of the province's package (possible only until that confirmation has gone
// out), records it in the ticket's event log in the same transaction, and shows the dispute — and
// finance's decision on it, which goes to the province as a resolution — with the ticket.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  disputeEligibility,
  disputesOfTransactions,
  raiseIssuerDispute,
  type Dispute,
  type DisputeEligibility,
} from '../interchange/index.ts';
import { appendEvent } from './events.ts';
import { lockTicket } from './tickets.ts';

export async function raiseTicketDispute(
  db: Knex,
  ctx: RequestContext,
  ticketId: bigint,
  body: { result: number; note: string },
): Promise<{ dispute: Dispute; created: boolean }> {
  return inTransaction(db, async (trx) => {
    // the ticket first, then interchange's confirmation row: one lock order for every caller
    const row = await lockTicket(trx, ticketId);
    if (row.lane_transaction_id === null)
      throw new AppError(
        'ticket-transaction-not-linked',
        'the ticket links no lane transaction: link the charge the customer complains about first',
        'links.laneTransactionId',
      );
    if (row.status === 'closed')
      throw new AppError('ticket-state-conflict', 'a closed ticket raises no dispute: reopen it first');
    const out = await raiseIssuerDispute(trx, ctx, {
      transactionId: BigInt(row.lane_transaction_id),
      result: body.result,
      reference: row.ticket_no,
      note: body.note,
    });
    if (out.created) {
      const d = out.dispute;
      await appendEvent(trx, ticketId, {
        at: ctx.app.clock.now(),
        actor: actorLabel(ctx.actor),
        kind: 'interchange-dispute',
        detail: {
          disputeId: d.id,
          network: d.network,
          packageMessageId: d.packageMessageId,
          transId: d.transId,
          amount: d.amount,
          result: d.result,
          note: body.note,
        },
      });
      await audit(trx, ctx, {
        action: 'ticket.interchange-dispute',
        entity: 'ticket',
        entityId: ticketId,
        detail: { disputeId: String(d.id), result: d.result },
      });
    }
    return out;
  });
}

/** The interchange disputes of the lane transaction a ticket links, with their decisions. */
export async function disputesOfTicket(db: Knex, laneTransactionId: bigint | null): Promise<Dispute[]> {
  return laneTransactionId === null ? [] : disputesOfTransactions(db, [laneTransactionId]);
}

/** Whether the ticket may raise a dispute now (the screen offers the action only then). */
export async function ticketDisputeEligibility(
  db: Knex,
  status: string,
  laneTransactionId: bigint | null,
  now: Date,
): Promise<DisputeEligibility | null> {
  if (laneTransactionId === null) return null;
  if (status === 'closed')
    return { eligible: false, code: 'ticket-state-conflict', message: 'a closed ticket raises no dispute' };
  return disputeEligibility(db, laneTransactionId, now);
}
