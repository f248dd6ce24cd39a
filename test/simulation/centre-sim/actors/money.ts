// Online loads (圈存) as a bank branch or the counter runs them, with the torn-load faults: the card
// pulled away before it wrote the credit (the bank reverses with the card's reading) or after (the
// load stays authorised until the card's next load shows the credit, which confirms it).
import { isDeepStrictEqual } from 'node:util';
import { CardRemovedError } from '../../../../lanes-sim/card/virtual-card.ts';
import type { CardModel } from '../model.ts';
import { must, type Sim } from '../sim.ts';
import { send, type Caller } from '../wire.ts';

const TERMINAL = '0A1B2C3D4E5F';

export type LoadWay = { via: 'bank' } | { via: 'counter'; method: 'cash' | 'carry-over' };

/** A load of `amount` onto the card; returns false when the centre refused it (and nothing moved). */
export async function load(s: Sim, card: CardModel, amount: number, way: LoadWay, torn = false): Promise<boolean> {
  const side = s.side(card.issuer);
  const home = card.issuer === '3401';
  const who: Caller = way.via === 'bank' ? { kind: 'bank' } : { kind: 'staff', role: 'clerk' };
  const method = way.via === 'bank' ? 'bank-account' : way.method;
  const payer = way.via === 'bank' ? s.model.bankCode : way.method === 'cash' ? 'counter-cash' : 'balance-carry';
  const init = card.card.initializeForLoad(amount, TERMINAL);
  // the card's events keep their order in time too: a trip after this load starts after it
  card.lastEventAt = s.now().getTime();
  const body = {
    cardNo: card.cardNo,
    amount,
    terminalId: TERMINAL,
    card: init,
    payment: { method, ...(way.via === 'bank' ? { reference: s.key('ref') } : {}) },
  };
  const r = await send(side, who, '/api/v1/channel/loads', body, s.key('load'), s.faults, s.faults.delivery());
  if (r.status !== 201) throw new Error(`load init of ${card.cardNo}: ${r.status} ${JSON.stringify(r.body)}`);
  // a load the card took before it was pulled away is confirmed by this init's evidence
  if (card.inFlight?.credited) {
    if (home) {
      s.model.post('load-confirm (evidence)', [
        ['loads-in-flight', card.inFlight.amount],
        ['purse-float', -card.inFlight.amount],
      ]);
      // the init's reading (authenticated by MAC1) is the newest the centre has of the purse
      s.model.know(card, card.order, BigInt(init.balance));
    }
    card.inFlight = undefined;
  }
  if (card.inFlight) throw new Error(`model: ${card.cardNo} has a load in flight nobody resolved`);
  if (home)
    s.model.post('load-authorise', [
      [payer, BigInt(amount)],
      ['loads-in-flight', -BigInt(amount)],
    ]);
  const inFlight = { loadId: r.body.loadId as string, amount: BigInt(amount), payer, credited: false };
  card.inFlight = inFlight;
  if (torn) {
    const step = s.rng.pick(['credit-before-write', 'credit-after-write'] as const);
    card.card.failNext(step);
    try {
      card.card.creditForLoad(r.body.hostDate, r.body.hostTime, r.body.mac2);
      throw new Error('the card was to be pulled away');
    } catch (e) {
      if (!(e instanceof CardRemovedError)) throw e;
    }
    s.faults.count('torn-load');
    if (step === 'credit-after-write') {
      inFlight.credited = true;
      // the centre learns of it only from the card's next load
      card.order++;
      // the bank does not know the card took it: its reversal must be refused, and nothing moves
      if (way.via === 'bank' && s.rng.chance(0.5)) {
        const rev = await send(
          side,
          who,
          `/api/v1/channel/loads/${inFlight.loadId}/reverse`,
          { reason: 'card pulled away', card: { balance: card.card.balance, onlineSeq: card.card.onlineSeq } },
          s.key('reverse'),
          s.faults,
          s.faults.delivery(),
        );
        if (rev.status !== 409 || rev.body?.error?.code !== 'card-credited')
          throw new Error(`reversal of a credited load: ${rev.status} ${JSON.stringify(rev.body)}`);
      }
      return true;
    }
    // not credited: the payer is given back by a reversal — the bank's now or later in the day
    // (meanwhile the card drives on), the counter's at once
    if (way.via === 'bank' && s.rng.chance(0.5)) return true;
    await reverse(s, card);
    return true;
  }
  const { tac } = card.card.creditForLoad(r.body.hostDate, r.body.hostTime, r.body.mac2);
  card.order++;
  const c = await send(
    side,
    who,
    `/api/v1/channel/loads/${inFlight.loadId}/confirm`,
    { tac },
    s.key('confirm'),
    s.faults,
    s.faults.delivery(),
  );
  must(`load confirm of ${card.cardNo}`, c);
  if (s.faults.roll(0.05)) {
    // a client that lost the answer and its key confirms again under a new one with the same TAC:
    // the same answer, and nothing moves a second time
    s.faults.count('lost-answer');
    const again = await send(
      side,
      who,
      `/api/v1/channel/loads/${inFlight.loadId}/confirm`,
      { tac },
      s.key('confirm'),
      s.faults,
      'plain',
    );
    if (again.status !== 200 || !isDeepStrictEqual(again.body, c.body))
      throw new Error(`a second confirmation under a new key: ${again.status} ${JSON.stringify(again.body)}`);
  }
  if (home) {
    s.model.post('load-confirm', [
      ['loads-in-flight', inFlight.amount],
      ['purse-float', -inFlight.amount],
    ]);
    s.model.know(card, card.order, BigInt(card.card.balance));
  }
  card.inFlight = undefined;
  return true;
}

/** The reversal of a load the card did not take, with the card's reading (its sequence unchanged). */
export async function reverse(s: Sim, card: CardModel): Promise<void> {
  const inFlight = card.inFlight!;
  const via =
    inFlight.payer === s.model.bankCode ? ({ kind: 'bank' } as const) : ({ kind: 'staff', role: 'clerk' } as const);
  const rev = await send(
    s.side(card.issuer),
    via,
    `/api/v1/channel/loads/${inFlight.loadId}/reverse`,
    { reason: 'card pulled away', card: { balance: card.card.balance, onlineSeq: card.card.onlineSeq } },
    s.key('reverse'),
    s.faults,
    s.faults.delivery(),
  );
  must(`reversal of ${inFlight.loadId}`, rev);
  if (card.issuer === '3401')
    s.model.post('load-reverse', [
      ['loads-in-flight', inFlight.amount],
      [inFlight.payer, -inFlight.amount],
    ]);
  card.inFlight = undefined;
}
