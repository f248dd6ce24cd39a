// Load initialisation (ICD §1 POST /channel/loads): MAC1 verified, payment reserved, MAC2 issued and
// persisted in the same transaction before it is returned. A card has at most one load in flight:
// a torn earlier load is settled first from the card's own (MAC1-authenticated) evidence.
import { cardSerial } from '../../platform/crypto/pboc.ts';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { audit } from '../../platform/audit/audit.ts';
import { hostDateTime } from '../../platform/clock/clock.ts';
import { inTransaction } from '../../platform/db/transaction.ts';
import { actorLabel, type RequestContext } from '../../platform/http/context.ts';
import { AppError } from '../../platform/http/errors.ts';
import { raiseExceptions } from '../finance/index.ts';
import { bankSettlementCode, postEntry } from '../ledger/index.ts';
import { CARD_STATUS, lockCard, reserveCarry } from '../issuance/index.ts';
import { inFlightLoad, insertLoad, type Load } from './load-repo.ts';
import { settleTorn } from './torn.ts';
import { CARD_TYPE } from '../codes.ts';

export type LoadRequest = {
  cardNo: string;
  amount: bigint;
  terminalId: string;
  card: { balance: bigint; onlineSeq: number; keyVersion: number; algId: number; random: string; mac1: string };
  payment: { method: 'bank-account' | 'cash' | 'pos' | 'carry-over' | 'allocation'; reference?: string };
};

/** Reserves a load's amount from a vehicle's corporate allocation and answers the ledger account that
 *  pays (corporate provides it; wired in src/modules/reactions.ts, since corporate sits above topup). */
export type AllocationPayer = (trx: Knex.Transaction, vehicleId: bigint, amount: bigint) => Promise<string>;
let allocationPayer: AllocationPayer | null = null;
export function provideAllocationPayer(fn: AllocationPayer): void {
  allocationPayer = fn;
}

export type Authorised = { loadId: string; status: 'authorised'; mac2: string; hostDate: string; hostTime: string };

export function channelOf(ctx: RequestContext): 'bank' | 'counter' {
  return ctx.actor.kind === 'client' && ctx.actor.role === 'bank' ? 'bank' : 'counter';
}

export function checkPayment(channel: 'bank' | 'counter', method: LoadRequest['payment']['method']): void {
  // a corporate vehicle's allocation pays at either channel, with no cash
  const ok = method === 'allocation' || (channel === 'bank' ? method === 'bank-account' : method !== 'bank-account');
  if (!ok)
    throw new AppError(
      'invalid-request',
      `payment.method: ${channel === 'bank' ? 'a bank pays by bank-account or allocation' : 'the counter takes cash, pos, carry-over or allocation'}`,
      'payment.method',
    );
}

export async function authoriseLoad(db: Knex, ctx: RequestContext, req: LoadRequest): Promise<Authorised> {
  const channel = channelOf(ctx);
  checkPayment(channel, req.payment.method);
  const { config, keys, clock } = ctx.app;
  return inTransaction(db, async (trx) => {
    const card = await lockCard(trx, req.cardNo);
    if (card.cardType !== CARD_TYPE.storedValue)
      throw new AppError('card-not-loadable', `card ${card.cardNo} is a debit-account card: nothing to load`);
    if (card.status !== CARD_STATUS.normal)
      throw new AppError('card-not-loadable', `card ${card.cardNo} is ${card.statusName}`);
    const limit = config.loadLimits[channel];
    if (req.amount <= 0n || req.amount > limit)
      throw new AppError('amount-out-of-range', `amount must be 1..${limit} fen on the ${channel} channel`, 'amount');
    if (req.card.balance + req.amount > config.cardLimit)
      throw new AppError(
        'amount-out-of-range',
        `the balance after the load would pass the card limit of ${config.cardLimit} fen`,
        'amount',
      );
    const serial8 = cardSerial(card.cardNo);
    const session = {
      serial8,
      keyVersion: req.card.keyVersion,
      random: req.card.random,
      onlineSeq: req.card.onlineSeq,
      amount: req.amount,
      terminalId: req.terminalId,
    };
    if (
      !keys.hasKeys('load', req.card.keyVersion) ||
      !keys.verifyLoadMac1({ ...session, balance: req.card.balance, mac1: req.card.mac1 })
    ) {
      throw new AppError('mac1-invalid', 'MAC1 does not verify: the card data was altered or the card is not genuine');
    }
    // MAC1 authenticates the card's balance and online sequence: from here they are evidence
    if (req.card.onlineSeq < card.lastOnlineSeq)
      throw new AppError(
        'mac1-invalid',
        "the card data is older than the centre's record of this card (a replayed message?)",
      );
    const now = clock.now();
    const actor = actorLabel(ctx.actor);
    const inFlight = await inFlightLoad(trx, card.cardNo);
    let fundedBy: Load | null = null;
    if (inFlight) {
      if (inFlight.random === req.card.random && inFlight.onlineSeq === req.card.onlineSeq) {
        throw new AppError(
          'load-in-flight',
          `load ${inFlight.id} is in flight for this card session; confirm or reverse it`,
        );
      }
      const reauthorise = inFlight.channel === 'counter' && channel === 'counter' && inFlight.amount === req.amount;
      const outcome = await settleTorn(
        trx,
        now,
        inFlight,
        { balance: req.card.balance, onlineSeq: req.card.onlineSeq },
        actor,
        keys,
        reauthorise,
      );
      if (outcome === 'reauthorised') fundedBy = inFlight;
    } else if (req.card.onlineSeq > card.lastOnlineSeq) {
      // the card was credited in a way the centre has no record of: a person must look
      await raiseExceptions(trx, now, [
        {
          kind: 'load-unexplained-online-seq',
          reference: `${card.cardNo}:${req.card.onlineSeq}`,
          source: 'topup',
          detail: {
            cardNo: card.cardNo,
            known: card.lastOnlineSeq,
            reported: req.card.onlineSeq,
            balance: req.card.balance,
          },
        },
      ]);
    }

    const { hostDate, hostTime } = hostDateTime(now);
    const mac2 = keys.issueLoadMac2({ ...session, hostDate, hostTime });
    const id = randomUUID();
    let payer: string;
    let carryId: bigint | null = null;
    if (fundedBy) {
      payer = fundedBy.payerAccount;
      carryId = fundedBy.carryId;
    } else if (req.payment.method === 'allocation') {
      // the requested amount, no more than the vehicle's allocation holds (the terminal asks the card
      // for MAC1 over the amount, so the amount is chosen before the init: see docs/ONLINE-LOAD.md)
      if (!allocationPayer)
        throw new AppError('invalid-request', 'payment.method: no allocations here', 'payment.method');
      payer = await allocationPayer(trx, card.vehicleId, req.amount);
    } else if (req.payment.method === 'carry-over') {
      carryId = await reserveCarry(trx, card.cardNo, req.amount);
      payer = 'balance-carry';
    } else {
      payer =
        channel === 'bank'
          ? bankSettlementCode(ctx.actor.id)
          : req.payment.method === 'cash'
            ? 'counter-cash'
            : 'counter-pos';
    }
    await insertLoad(
      trx,
      {
        id,
        card_no: card.cardNo,
        channel,
        client_id: channel === 'bank' ? ctx.actor.id : null,
        actor,
        payment_method: fundedBy ? 'reauthorisation' : req.payment.method,
        payment_reference: req.payment.reference ?? null,
        payer_account: payer,
        amount: req.amount,
        terminal_id: req.terminalId,
        balance_before: req.card.balance,
        online_seq: req.card.onlineSeq,
        key_version: req.card.keyVersion,
        alg_id: req.card.algId,
        random: req.card.random,
        mac1: req.card.mac1,
        host_date: hostDate,
        host_time: hostTime,
        mac2,
        status: 'authorised',
        funded_by: fundedBy?.id ?? null,
        carry_id: carryId,
        created_at: now,
        updated_at: now,
      },
      [
        {
          from: null,
          to: 'requested',
          actor,
          reason: 'MAC1 verified',
          detail: { amount: req.amount, payment: req.payment.method },
        },
        {
          from: 'requested',
          to: 'authorised',
          actor,
          reason: fundedBy ? `re-authorised without a second payment (load ${fundedBy.id})` : 'MAC2 issued',
          detail: {},
        },
      ],
    );
    if (!fundedBy) {
      await postEntry(trx, {
        kind: 'load-authorise',
        reference: id,
        memo: `load onto ${card.cardNo}`,
        actor,
        postings: [
          { account: payer, amount: req.amount },
          { account: 'loads-in-flight', amount: -req.amount },
        ],
      });
    }
    await audit(trx, ctx, {
      action: 'load.authorise',
      entity: 'load',
      entityId: id,
      detail: { cardNo: card.cardNo, amount: req.amount, channel, fundedBy: fundedBy?.id },
    });
    return { loadId: id, status: 'authorised', mac2, hostDate, hostTime };
  });
}
