// The checks of a lane transaction that need no database: time against the centre's clock,
// transaction and card type, the tariff, and the purse arithmetic of one purchase. Each failing
// check adds its result code (ETC-REFERENCE §7); the disposition takes the first code in PRIORITY.
import { hostDateTime, localDate } from '../../platform/clock/clock.ts';
import { CARD_TYPE, isVehicleClass } from '../codes.ts';
import type { LaneTransaction } from './ingest-schema.ts';
import { priceTrip, type Priced, type TariffBook } from './pricing.ts';

/** The issuer's result codes for a lane transaction (ETC-REFERENCE §7). */
export const LANE_RESULT = {
  tac: 1,
  duplicate: 2,
  transType: 4,
  tooOld: 5,
  fieldError: 6,
  aboveTariff: 7,
  unknownCard: 8,
  notNormal: 9,
  expired: 10,
  balance: 14,
  cardType: 15,
  laneClock: 16,
} as const;

// Which refusal wins when a transaction fails several checks: a duplicate is not judged again; a
// lane clock or age problem makes every other field doubtful; then whether the card is ours and
// genuine (unknown, wrong type, TAC); then the charge; then the card's state at the time.
export const PRIORITY = [
  LANE_RESULT.duplicate,
  LANE_RESULT.laneClock,
  LANE_RESULT.tooOld,
  LANE_RESULT.transType,
  LANE_RESULT.unknownCard,
  LANE_RESULT.cardType,
  LANE_RESULT.tac,
  LANE_RESULT.fieldError,
  LANE_RESULT.aboveTariff,
  LANE_RESULT.notNormal,
  LANE_RESULT.expired,
  LANE_RESULT.balance,
] as const;
export const COMPOUND_PURCHASE = '09';
export const SIMPLE_PURCHASE = '06';

export type Work = {
  index: number;
  tx: LaneTransaction;
  issuer: string;
  own: boolean;
  txDate: string; // the trip's local day: tariff and card validity are judged on it
  codes: Set<number>;
  priced: Priced | null;
  resent: boolean; // same terminal key earlier in this batch or already stored: not stored again
  cardSeqDuplicate: boolean; // (card, offline seq) already accepted under another terminal key
  clearingDate?: string;
  id?: bigint;
  accountId?: bigint | null;
};

// ourRoad: a lane upload (our tariff prices the trip); false for a peer's package of our cards on
// its roads, where only the card side can be judged and every card must be ours.
export type CheckSettings = {
  network: string;
  now: Date;
  clockToleranceMs: number;
  maxAgeMs: number;
  ourRoad: boolean;
};

// Nearly every transaction has no code: both answer that without walking PRIORITY.
export function firstCode(codes: Set<number>): number | undefined {
  return codes.size === 0 ? undefined : PRIORITY.find((c) => codes.has(c));
}

// Codes a later check cannot override: once one of these is set, the costly checks are skipped.
export function decidedBefore(w: Work, code: number): boolean {
  if (w.codes.size === 0) return false;
  const rank = PRIORITY.indexOf(code as (typeof PRIORITY)[number]);
  return [...w.codes].some((c) => PRIORITY.indexOf(c as (typeof PRIORITY)[number]) < rank);
}

export function prepare(txs: LaneTransaction[], s: CheckSettings): Work[] {
  return txs.map((tx, index) => {
    const issuer = tx.cardNo.slice(0, 4);
    return {
      index,
      tx,
      issuer,
      own: issuer === s.network,
      txDate: localDate(tx.time),
      codes: new Set<number>(),
      priced: null,
      resent: false,
      cardSeqDuplicate: false,
    };
  });
}

/** The lane's clock: a time ahead of the centre's, or an entry after the exit, cannot be right; a
 *  time older than the centre takes is too old. Judged first: the rest needs the tariff of the day. */
export function checkTimes(w: Work, s: CheckSettings): void {
  const { tx, codes } = w;
  const t = tx.time.getTime();
  if (t > s.now.getTime() + s.clockToleranceMs) codes.add(LANE_RESULT.laneClock);
  if (tx.entry && tx.exit && tx.entry.time.getTime() > tx.exit.time.getTime()) codes.add(LANE_RESULT.laneClock);
  if (tx.entry && tx.entry.time.getTime() > t + s.clockToleranceMs) codes.add(LANE_RESULT.laneClock);
  if (t < s.now.getTime() - s.maxAgeMs) codes.add(LANE_RESULT.tooOld);
}

/** Refused for its time: only a duplicate's code ranks above, so its day's tariff is not needed,
 *  and the day its time names is not where it is filed. */
export const refusedForTime = (w: Work) => w.codes.has(LANE_RESULT.laneClock) || w.codes.has(LANE_RESULT.tooOld);

/** The rest of the checks that need no database (after checkTimes). */
export function checkWithoutDb(w: Work, s: CheckSettings, book: TariffBook | undefined): void {
  const { tx, codes } = w;
  if (tx.transType !== COMPOUND_PURCHASE && tx.transType !== SIMPLE_PURCHASE) codes.add(LANE_RESULT.transType);
  if (tx.cardType !== CARD_TYPE.storedValue && tx.cardType !== CARD_TYPE.debit) codes.add(LANE_RESULT.cardType);
  if (!s.ourRoad) {
    if (!w.own) codes.add(LANE_RESULT.unknownCard); // a peer may only send us our own cards
    if (tx.amount > tx.fee) codes.add(LANE_RESULT.aboveTariff); // their discounts may lower the fee, never raise it
    if (!isVehicleClass(tx.vehicleClass)) codes.add(LANE_RESULT.fieldError);
  } else if (!isVehicleClass(tx.vehicleClass)) {
    codes.add(LANE_RESULT.fieldError);
  } else if (!book) {
    codes.add(LANE_RESULT.fieldError);
  } else {
    w.priced = priceTrip(book, tx, w.own, s.network);
    if (!w.priced.ok) codes.add(w.priced.code);
  }
  if (w.own && tx.cardType === CARD_TYPE.storedValue) {
    // a stored-value purchase carries the purse before and after it
    if (tx.balanceBefore === undefined || tx.balanceAfter === undefined) codes.add(LANE_RESULT.fieldError);
    else if (tx.balanceAfter !== tx.balanceBefore - tx.amount) codes.add(LANE_RESULT.balance);
  }
}

/** The card's date and time as the PSAM wrote them into the TAC: the lane's local (CST) time. */
export function tacDateTime(time: Date): { date: string; time: string } {
  const { hostDate, hostTime } = hostDateTime(time);
  return { date: hostDate, time: hostTime };
}
