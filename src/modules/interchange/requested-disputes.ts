// Disputes we raise as issuer on request: a customer complains about a charge of our card on another
// province's roads. ICD §3 carries an issuer's disputes only inside its confirmation of the package,
// so the request is accepted only while our confirmation of that package has not gone out (nor is
// going out; the centre's confirmation hold keeps it back for a while, confirmation-hold.ts) and the date's settlement is not written: the transaction then moves from the
// confirmed to the disputed list of that confirmation, its purchase money goes back to the card
// (one entry), and finance decides it like any other dispute. For another province's card on our
// roads there is no document we could send: its issuer disputes it in its confirmation of our package.
import type { Knex } from 'knex';
import { audit } from '../../platform/audit/audit.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CARD_TYPE } from '../codes.ts';
import {
  customerFundsCode,
  ensureAccounts,
  postEntry,
  provincePayableAccount,
  provincePayableCode,
} from '../ledger/index.ts';
import { disputesWhere, type Dispute } from './disputes.ts';
import { transIdOf } from './documents.ts';

/** ETC-REFERENCE §7 issuer result codes a handler may give as the reason. */
export const ISSUER_RESULT_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 100] as const;

export type DisputeRequest = {
  transactionId: bigint;
  result: number;
  /** what the request answers, e.g. the ticket number: the same reference and result replay */
  reference: string;
  note: string;
};

type Row = Record<string, any>;

const disputedAlready = (existing: Row, transId: string, messageId: string) =>
  new AppError(
    'dispute-exists',
    existing.requested_by
      ? `transaction ${transId} was disputed already (result ${existing.result}) for ${existing.request_reference}`
      : `transaction ${transId} was disputed already by our checks of package ${messageId} (result ${existing.result})`,
  );

// Whether the transaction can be disputed now; throws the refusal. With `lock`, the package's
// confirmation row is locked first (delivery claims it the same way, so the two never interleave).
// An existing dispute is returned for the caller to compare (a replay is not a refusal).
async function examine(db: Knex, transactionId: bigint, now: Date, lock: boolean) {
  const t = await db('lane_transactions')
    .where({ id: transactionId })
    .first(
      'id',
      'received_package_id',
      'own_card',
      'disposition',
      'terminal_id',
      'terminal_seq',
      'card_no',
      'card_type',
      'account_id',
      'amount',
    );
  if (!t) throw new AppError('dispute-transaction-not-found', `no lane transaction ${transactionId}`);
  if (t.received_package_id === null) {
    const issuer = String(t.card_no).slice(0, 4);
    if (!t.own_card)
      throw new AppError(
        'dispute-not-issuer',
        `transaction ${t.id} is a card of province ${issuer} on our roads: only that province, as the card's issuer, ` +
          `can dispute it, in its confirmation of our package (ICD §3 has no dispute from the road's side). ` +
          `Ask province ${issuer} to dispute it, or settle the complaint with a remedy`,
      );
    throw new AppError(
      'dispute-not-interchange',
      `transaction ${t.id} is our card on our roads: no other province is involved; settle the complaint with a remedy`,
    );
  }
  const packageId = BigInt(t.received_package_id);
  const transId = transIdOf(t.terminal_id, t.terminal_seq);
  const cq = db('interchange_confirmations').where({ package_id: packageId });
  const c = await (lock ? cq.forNoKeyUpdate() : cq).first();
  const p = await db('interchange_packages')
    .where({ id: packageId })
    .first('message_id', 'sender', 'clear_target_date');
  const existing: Row | undefined = await db('interchange_disputes')
    .where({ package_id: packageId, trans_id: transId })
    .first();
  if (existing) return { t, p, c, existing, transId, packageId };
  if (c.delivered_at !== null)
    throw new AppError(
      'package-confirmed',
      `our confirmation of package ${p.message_id} went to province ${p.sender}: every transaction it does not list is accepted for payment, and ICD §3 allows no dispute after it`,
    );
  if (c.delivery_claimed_until !== null && c.delivery_claimed_until > now)
    throw new AppError(
      'package-confirmed',
      `our confirmation of package ${p.message_id} is being sent to province ${p.sender}; try again in two minutes`,
    );
  const settled = await db('clearing_day_steps')
    .where({ clearing_date: p.clear_target_date, step: 'settlement' })
    .first('step');
  if (settled)
    throw new AppError(
      'package-confirmed',
      `the settlement with the provinces for ${p.clear_target_date} is written: package ${p.message_id} stands as confirmed`,
    );
  if (t.disposition !== 'accepted')
    throw new AppError('dispute-exists', `transaction ${transId} was not accepted: it is not confirmed for payment`);
  return { t, p, c, existing, transId, packageId };
}

export type DisputeEligibility =
  | {
      eligible: true;
      network: string;
      packageMessageId: string;
      /** the end of our confirmation's hold: a dispute is possible until then (and until the delivery
       *  round after it sends the confirmation); null without a hold, when it may go out any moment */
      until: Date | null;
    }
  | { eligible: false; code: string; message: string };

/** Whether a dispute could be raised on the transaction now (for a screen to offer it), unlocked. */
export async function disputeEligibility(db: Knex, transactionId: bigint, now: Date): Promise<DisputeEligibility> {
  try {
    const { p, c, existing, transId } = await examine(db, transactionId, now, false);
    if (existing) throw disputedAlready(existing, transId, p.message_id);
    const until: Date | null = c.hold_until !== null && c.hold_until > now ? c.hold_until : null;
    return { eligible: true, network: p.sender, packageMessageId: p.message_id, until };
  } catch (err) {
    if (err instanceof AppError) return { eligible: false, code: err.code, message: err.message };
    throw err;
  }
}

/**
 * Raises the dispute inside the caller's transaction (the caller records why, e.g. in a ticket's
 * event log, in the same transaction). Returns the dispute and whether this call created it; the
 * same request again returns it unchanged.
 */
export async function raiseIssuerDispute(
  trx: Knex.Transaction,
  ctx: RequestContext,
  req: DisputeRequest,
): Promise<{ dispute: Dispute; created: boolean }> {
  if (!(ISSUER_RESULT_CODES as readonly number[]).includes(req.result))
    throw new AppError('invalid-request', `result ${req.result} is not an issuer result code`, 'result');
  const { app } = ctx;
  const now = app.clock.now();
  const { t, p, existing, transId, packageId } = await examine(trx, req.transactionId, now, true);
  if (existing) {
    if (existing.request_reference === req.reference && existing.result === req.result)
      return { dispute: (await disputesWhere(trx, { 'd.id': existing.id }))[0], created: false };
    throw disputedAlready(existing, transId, p.message_id);
  }
  const amount = BigInt(t.amount);
  const [row] = await trx('interchange_disputes')
    .insert({
      side: 'issuer',
      package_id: packageId,
      trans_id: transId,
      transaction_id: t.id,
      clearing_date: p.clear_target_date,
      card_no: t.card_no,
      card_type: t.card_type,
      account_id: t.account_id,
      amount,
      result: req.result,
      requested_by: actorLabel(ctx.actor),
      requested_at: now,
      request_reference: req.reference,
      request_note: req.note,
    })
    .returning('id');
  await trx('interchange_confirmations')
    .where({ package_id: packageId })
    .update({
      count: trx.raw('count - 1'),
      amount: trx.raw('amount - ?', [String(amount)]),
      disputed_count: trx.raw('disputed_count + 1'),
      disputed_amount: trx.raw('disputed_amount + ?', [String(amount)]),
    });
  if (amount > 0n) {
    // the purchase posted at receipt is taken back: the card (purse or account) is no longer
    // charged and the province no longer owed until finance decides the dispute
    const card =
      t.card_type === CARD_TYPE.storedValue
        ? 'purse-float'
        : t.account_id !== null
          ? customerFundsCode(BigInt(t.account_id))
          : 'interchange-dispute-cost';
    await ensureAccounts(trx, [provincePayableAccount(p.sender)]);
    await postEntry(trx, {
      kind: 'interchange-purchase-disputed',
      reference: `package:${packageId}:${transId}`,
      memo: `${transId} of package ${p.message_id} disputed on request (${req.reference})`,
      actor: actorLabel(ctx.actor),
      postings: [
        { account: provincePayableCode(p.sender), amount },
        { account: card, amount: -amount },
      ],
    });
  }
  await audit(trx, ctx, {
    action: 'interchange.dispute-requested',
    entity: 'interchange_dispute',
    entityId: row.id,
    detail: { package: p.message_id, transId, result: req.result, reference: req.reference, amount },
  });
  return { dispute: (await disputesWhere(trx, { 'd.id': row.id }))[0], created: true };
}

/** The disputes, either side, of the given lane transactions (e.g. those a ticket links). */
export async function disputesOfTransactions(db: Knex, transactionIds: bigint[]): Promise<Dispute[]> {
  if (transactionIds.length === 0) return [];
  return disputesWhere(db, (q) => q.whereIn('d.transaction_id', transactionIds.map(String)));
}
