// Issuing cards and their life cycle at the counter: issue, report loss, cancel a loss report,
// suspend, resume, replace (damaged card handed back) and reissue (after a loss report).
// Each step locks the card row, checks the state table, and records the change with its events.
import type { Knex } from 'knex';
import { addYears, localDate } from '../../platform/clock/clock.ts';
import { inTransaction, isUniqueViolation } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { cardholderForPersonalisation, getAccountOfCustomer } from '../customers/index.ts';
import { holderForIssue } from './holder.ts';
import { carryBalance } from './balance-carry.ts';
import { CARD_STATUS, findCard, lockCard, recordCardChange, refuse, toCardView, type CardView } from './card-repo.ts';
import { feeFor, postFee, type Fee, type FeeItem, type PaymentMethod } from './fees.ts';
import { nextCardNo } from './numbers.ts';
import { claimStockNumber } from './stock.ts';
import { cardholderFile, cardIssuanceFile, cardWrite, type WriteCommand } from './personalisation.ts';
import { CARD_TYPE } from '../codes.ts';

const VALID_YEARS = 10;

export type Personalisation = { file0015: string; file0016: string; writes: WriteCommand[] };
export type IssuedCard = { card: CardView; fee: Fee; personalisation: Personalisation };

type NewCard = {
  customerId: bigint;
  vehicleId: bigint;
  cardType: 22 | 23;
  payment: { method: PaymentMethod };
  challenge?: string;
  cardNo?: string; // a blank card of the demo stock (stock.ts); otherwise a new number
};

// Inserts a card for a vehicle of a customer, books the fee and builds its personalisation.
async function insertCard(
  trx: Knex.Transaction,
  ctx: RequestContext,
  input: NewCard,
  feeItem: FeeItem,
  predecessor: string | null,
): Promise<IssuedCard> {
  const { customer, vehicle } = await holderForIssue(trx, ctx, input);
  const account = await getAccountOfCustomer(trx, customer.id);
  // tolls of a debit-account card run up debt on a debit account up to its limit: with no limit the
  // first toll lists the card as overdrawn, so a supervisor sets the limit before such a card is issued
  if (input.cardType === 23 && account.kind === 'debit' && account.creditLimit <= 0n)
    throw new AppError(
      'credit-limit-required',
      `account ${account.id} is a debit account without a credit limit: a supervisor sets one before a debit-account card is issued`,
    );
  const now = ctx.app.clock.now();
  const day = localDate(now);
  let cardNo: string;
  if (input.cardNo) {
    await claimStockNumber(trx, 'card', input.cardNo, now, input.cardType);
    cardNo = input.cardNo;
  } else cardNo = await nextCardNo(trx, ctx.app.config.network, input.cardType, day);
  let row;
  try {
    [row] = await trx('cards')
      .insert({
        card_no: cardNo,
        card_type: input.cardType,
        customer_id: customer.id,
        vehicle_id: vehicle.id,
        account_id: account.id,
        status: CARD_STATUS.normal,
        start_date: day,
        expiry_date: addYears(day, VALID_YEARS),
        issued_at: now,
        issued_by: actorLabel(ctx.actor),
        status_changed_at: now,
      })
      .returning('*');
  } catch (err) {
    if (isUniqueViolation(err, 'cards_one_active_per_vehicle'))
      throw new AppError('vehicle-has-active-card', `vehicle ${vehicle.plate} already has a card in service`);
    throw err;
  }
  const card = toCardView(row);
  const fee = await feeFor(trx, feeItem, day);
  await postFee(trx, fee, input.payment.method, ctx.actor, `card:${cardNo}`, actorLabel(ctx.actor));
  await recordCardChange(trx, ctx, card, null, {
    action: predecessor ? feeItem.replace('card-', '') : 'issue',
    event: 'card-issued',
    toStatus: CARD_STATUS.normal,
    reason: null,
    detail: { vehicleId: vehicle.id, predecessor, fee: fee.price },
  });
  const file0015 = cardIssuanceFile(card, vehicle);
  const holder = await cardholderForPersonalisation(trx, ctx, customer.id);
  const file0016 = cardholderFile(holder);
  const writes = input.challenge
    ? [cardWrite(ctx.app.keys, cardNo, '0015', file0015, Buffer.from(input.challenge, 'hex'))]
    : [];
  return {
    card,
    fee,
    personalisation: {
      file0015: file0015.toString('hex').toUpperCase(),
      file0016: file0016.toString('hex').toUpperCase(),
      writes,
    },
  };
}

export async function issueCard(db: Knex, ctx: RequestContext, input: NewCard): Promise<IssuedCard> {
  return inTransaction(db, (trx) =>
    insertCard(trx, ctx, input, input.cardType === CARD_TYPE.storedValue ? 'card-22' : 'card-23', null),
  );
}

type Transition = {
  from: readonly number[];
  to: number;
  action: string;
  event: Parameters<typeof recordCardChange>[4]['event'];
  verb: string;
};

const TRANSITIONS = {
  reportLoss: {
    from: [1, 2, 3],
    to: CARD_STATUS.reportedLost,
    action: 'report-loss',
    event: 'card-loss-reported',
    verb: 'report it lost',
  },
  cancelLoss: {
    from: [6],
    to: CARD_STATUS.normal,
    action: 'cancel-loss',
    event: 'card-loss-cancelled',
    verb: 'cancel a loss report',
  },
  suspendWithCard: {
    from: [1],
    to: CARD_STATUS.suspendedWithCard,
    action: 'suspend',
    event: 'card-suspended',
    verb: 'suspend it',
  },
  suspendWithoutCard: {
    from: [1],
    to: CARD_STATUS.suspendedWithoutCard,
    action: 'suspend',
    event: 'card-suspended',
    verb: 'suspend it',
  },
  resume: { from: [2, 3], to: CARD_STATUS.normal, action: 'resume', event: 'card-resumed', verb: 'resume it' },
} as const satisfies Record<string, Transition>;

export type SimpleTransition = keyof typeof TRANSITIONS;

export async function changeCardStatus(
  db: Knex,
  ctx: RequestContext,
  cardNo: string,
  transition: SimpleTransition,
  reason: string,
): Promise<CardView> {
  return inTransaction(db, async (trx) => {
    const t: Transition = TRANSITIONS[transition];
    const card = await lockCard(trx, cardNo, ctx.actor);
    if (!t.from.includes(card.status)) refuse(card, t.verb);
    await recordCardChange(trx, ctx, card, card.status, { action: t.action, event: t.event, toStatus: t.to, reason });
    return findCard(trx, cardNo);
  });
}

// Replace: the damaged card is handed back (cancelled with card), a new card takes its place and
// the purse balance is carried over at once. Reissue: the card was reported lost (cancelled
// without card); its balance is carried after the waiting period (see balance-carry.ts).
export async function replaceCard(
  db: Knex,
  ctx: RequestContext,
  cardNo: string,
  kind: 'replace' | 'reissue',
  input: { reason: string; payment: { method: PaymentMethod }; challenge?: string; newCardNo?: string },
): Promise<IssuedCard & { predecessor: CardView }> {
  return inTransaction(db, async (trx) => {
    const old = await lockCard(trx, cardNo, ctx.actor);
    const allowed =
      kind === 'replace' ? [CARD_STATUS.normal, CARD_STATUS.suspendedWithCard] : [CARD_STATUS.reportedLost];
    if (!(allowed as number[]).includes(old.status))
      refuse(
        old,
        kind === 'replace'
          ? 'replace it (only a card in hand, normal or suspended with card)'
          : 'reissue it (only after a loss report)',
      );
    const toStatus = kind === 'replace' ? CARD_STATUS.cancelledWithCard : CARD_STATUS.cancelledWithoutCard;
    // the old card leaves service first, so the vehicle's one-card-in-service rule admits the new one
    await recordCardChange(trx, ctx, old, old.status, {
      action: kind,
      event: kind === 'replace' ? 'card-replaced' : 'card-reissued',
      toStatus,
      reason: input.reason,
    });
    const issued = await insertCard(
      trx,
      ctx,
      {
        customerId: old.customerId,
        vehicleId: old.vehicleId,
        cardType: old.cardType,
        payment: input.payment,
        challenge: input.challenge,
        cardNo: input.newCardNo,
      },
      kind === 'replace' ? 'card-replace' : 'card-reissue',
      old.cardNo,
    );
    await trx('cards').where({ card_no: old.cardNo }).update({ replaced_by: issued.card.cardNo });
    if (old.cardType === CARD_TYPE.storedValue) await carryBalance(trx, ctx, old, issued.card.cardNo, kind);
    return { ...issued, predecessor: await findCard(trx, old.cardNo) };
  });
}
