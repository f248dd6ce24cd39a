// What the simulation expects the home centre to hold, worked out from what it did and never read
// back from the centre: every ledger account's balance to the fen, each stored-value card's purse as
// the centre should know it, and per clearing day what each road operator and the peer province
// should get. The run compares the centre with it after every step.
import { largestRemainder } from '../../../src/modules/clearing/index.ts';
import type { VirtualCard } from '../../../lanes-sim/card/virtual-card.ts';

export type Network = '3401' | '3201';

export type CardModel = {
  cardNo: string;
  issuer: Network;
  card: VirtualCard;
  accountId?: number;
  vehicleClass: number;
  plate: string;
  status: 'normal' | 'lost' | 'retired';
  /** the purse after each event the centre knows of (loads confirmed, purchases accepted), by card order */
  known: { order: number; balance: bigint } | null;
  /** events on the card not yet settled with the centre: purchases in an outbox or a peer's package */
  unsettled: number;
  order: number;
  inFlight?: { loadId: string; amount: bigint; payer: string; credited: boolean };
  lostAt?: Date;
  lastEventAt: number;
};

/** An accepted transaction on a clearing day, with its split weights per operator. */
export type DayTx = {
  amount: bigint;
  weights: Map<string, number>;
  confirmed: boolean;
  transId?: string;
  decided?: boolean; // a dispute the issuer has decided
};

export type DayModel = {
  own: DayTx[]; // home cards on home roads
  visiting: DayTx[]; // peer cards on home roads (confirmed unless the issuer disputes)
  disputesPaid: DayTx[]; // disputed visiting transactions the issuer decided to pay on this day
  abroad: Array<{ amount: bigint; card: CardModel; order: number; balance: bigint; accept: boolean }>; // home cards on peer roads
  sealed: boolean;
  complete: boolean;
};

export class Model {
  readonly ledger = new Map<string, bigint>();
  readonly cards = new Map<string, CardModel>();
  readonly days = new Map<string, DayModel>(); // home centre's clearing days
  readonly peerDays = new Map<string, DayModel>(); // peer centre's clearing days (its packages to us)
  readonly bankCode: string;
  /** payouts paid (date|operator) and settlements settled (date|province) */
  readonly paid = new Set<string>();

  constructor(bankId: string) {
    this.bankCode = `bank-settlement:${bankId}`;
  }

  /** One balanced movement (debit positive), as the centre's journal should have it. */
  post(what: string, postings: Array<[string, bigint]>): void {
    const sum = postings.reduce((a, [, v]) => a + v, 0n);
    if (sum !== 0n) throw new Error(`model: ${what} does not balance (${sum})`);
    for (const [code, v] of postings) this.ledger.set(code, (this.ledger.get(code) ?? 0n) + v);
  }

  day(date: string, peer = false): DayModel {
    const m = peer ? this.peerDays : this.days;
    let d = m.get(date);
    if (!d) m.set(date, (d = { own: [], visiting: [], disputesPaid: [], abroad: [], sealed: false, complete: false }));
    return d;
  }

  /** The clearing day a transaction of `date` goes to: its own, or the first one after not sealed. */
  clearingDate(date: string, peer = false): string {
    let d = date;
    while (this.day(d, peer).sealed) d = nextDate(d);
    return d;
  }

  /** The card took an event the centre now knows: its purse after it becomes the centre's view
   *  unless a later event is known already (the centre keeps the newest reading). */
  know(card: CardModel, order: number, balance: bigint): void {
    if (!card.known || card.known.order < order) card.known = { order, balance };
  }

  /** The day's own-card tolls move to the operators (the seal and split steps). */
  sealDay(date: string): void {
    const d = this.day(date);
    d.sealed = true;
    const total = d.own.reduce((a, t) => a + t.amount, 0n);
    if (total === 0n) return;
    const ops = splitAll(d.own);
    this.post(`operator-payables ${date}`, [
      ['toll-revenue-clearing', total],
      ...[...ops].map(([op, v]) => [`operator-payable:${op}`, -v] as [string, bigint]),
    ]);
  }

  /** The peer confirmed our packages of the day, and we took its packages of our cards. */
  completeDay(date: string): void {
    const d = this.day(date);
    d.complete = true;
    const confirmed = [...d.visiting.filter((t) => t.confirmed), ...d.disputesPaid];
    const receivable = confirmed.reduce((a, t) => a + t.amount, 0n);
    if (receivable > 0n)
      this.post(`interchange-receivable ${date}`, [
        ['province-receivable:3201', receivable],
        ...[...splitAll(confirmed)].map(([op, v]) => [`operator-payable:${op}`, -v] as [string, bigint]),
      ]);
  }

  /** The peer's packages of its clearing day reached us: our cards' purchases on its roads. */
  takePeerPackages(date: string): bigint {
    const d = this.day(date, true);
    let payable = 0n;
    for (const t of d.abroad) {
      t.card.unsettled--;
      if (!t.accept || t.amount === 0n) continue;
      payable += t.amount;
      this.know(t.card, t.order, t.balance);
    }
    if (payable > 0n)
      this.post(`interchange-purchase ${date}`, [
        ['purse-float', payable],
        ['province-payable:3201', -payable],
      ]);
    return payable;
  }

  /** What each operator should be paid for the day: own-card tolls and confirmed visiting tolls. */
  payouts(date: string): Map<string, bigint> {
    const d = this.day(date);
    const out = splitAll(d.own);
    for (const [op, v] of splitAll([...d.visiting.filter((t) => t.confirmed), ...d.disputesPaid]))
      out.set(op, (out.get(op) ?? 0n) + v);
    for (const [op, v] of out) if (v === 0n) out.delete(op);
    return out;
  }

  receivable(date: string): bigint {
    const d = this.day(date);
    return [...d.visiting.filter((t) => t.confirmed), ...d.disputesPaid].reduce((a, t) => a + t.amount, 0n);
  }

  /** A visiting transaction the issuer disputed, by its interchange id. */
  disputed(transId: string): DayTx | undefined {
    for (const d of this.days.values()) {
      const t = d.visiting.find((x) => x.transId === transId && !x.confirmed && !x.decided);
      if (t) return t;
    }
    return undefined;
  }

  payable(date: string): bigint {
    return this.day(date, true)
      .abroad.filter((t) => t.accept)
      .reduce((a, t) => a + t.amount, 0n);
  }
}

function splitAll(txs: DayTx[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const t of txs) {
    if (t.amount === 0n) continue;
    const parts = largestRemainder(
      t.amount,
      [...t.weights].map(([key, weight]) => ({ key, weight: BigInt(weight) })),
    );
    for (const [op, v] of parts) out.set(op, (out.get(op) ?? 0n) + v);
  }
  return out;
}

export function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
