// A stored-value ETC user card (electronic purse, ETC-REFERENCE §2–3) simulated in memory, for
// bank branches and lanes. It holds only its own diversified keys, as a real card does: the
// masters it is built from are not kept, so a test cannot accidentally "cheat" through the card.
import { randomBytes } from 'node:crypto';
import {
  cardKey,
  encodeUint,
  loadMac1Input,
  loadMac2Input,
  loadSessionKey,
  loadTacInput,
  mac8,
  purchaseMac1Input,
  purchaseMac2Input,
  purchaseSessionKey,
  purchaseTacInput,
  tacKey,
} from '../../src/platform/crypto/pboc.ts';
import {
  MAX_BALANCE,
  MAX_SEQ,
  TRANS_TYPE_CAPP_PURCHASE,
  TRANS_TYPE_LOAD,
  TRANS_TYPE_PURCHASE,
  cardSerial8,
  upperHex as hex,
} from './card-basics.ts';

export { TRANS_TYPE_CAPP_PURCHASE, TRANS_TYPE_LOAD, TRANS_TYPE_PURCHASE, cardSerial8 } from './card-basics.ts';
export { VirtualPsam, type PurchaseMac1Request } from './virtual-psam.ts';

/** A refusal the card answers with a status word (ISO 7816), e.g. 9302 for a wrong MAC. */
export class CardError extends Error {
  readonly sw: string;
  constructor(sw: string, message: string) {
    super(`${message} (SW ${sw})`);
    this.name = 'CardError';
    this.sw = sw;
  }
}

/** The card left the field: no status word came back, so the terminal cannot know the outcome. */
export class CardRemovedError extends Error {
  readonly step: FaultStep;
  constructor(step: FaultStep) {
    super(`card removed during ${step}`);
    this.name = 'CardRemovedError';
    this.step = step;
  }
}

export type FaultStep = 'init' | 'credit-before-write' | 'credit-after-write';

export type MasterKeys = { load: Buffer; tac: Buffer; purchase: Buffer };

export type VirtualCardOptions = {
  cardNo: string;
  /** Either the masters the card's keys are diversified from, or the card's own keys (a card stock). */
  masters?: MasterKeys;
  cardKeys?: MasterKeys;
  keyVersion?: number;
  balance?: number;
  onlineSeq?: number;
  offlineSeq?: number;
  /** Source of the 4-byte card challenge; tests may fix it. */
  random?: () => Buffer;
};

export type LoadInit = {
  balance: number;
  onlineSeq: number;
  keyVersion: number;
  algId: number;
  random: string;
  mac1: string;
};
export type PurchaseInit = {
  balance: number;
  offlineSeq: number;
  overdraftLimit: number;
  keyVersion: number;
  algId: number;
  random: string;
};

type LoadSession = { amount: number; terminalId: string; balance: number; onlineSeq: number; random: Buffer };
type PurchaseSession = { amount: number; terminalId: string; transType: number; offlineSeq: number; random: Buffer };

function terminalIdOf(terminalId: string): string {
  if (!/^[0-9A-Fa-f]{12}$/.test(terminalId)) throw new CardError('6A80', 'terminal id must be 6 bytes');
  return terminalId.toUpperCase();
}

function amountOf(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_BALANCE)
    throw new CardError('6A80', 'amount must fit 4 bytes unsigned');
  return amount;
}

function macHex(value: string, what: string): Buffer {
  if (!/^[0-9A-Fa-f]{8}$/.test(value)) throw new CardError('6A80', `${what} must be 4 bytes`);
  return Buffer.from(value, 'hex');
}

export class VirtualCard {
  readonly cardNo: string;
  readonly keyVersion: number;
  readonly #dlk: Buffer;
  readonly #dtk: Buffer;
  readonly #dpk: Buffer;
  readonly #random: () => Buffer;
  #balance: number;
  #onlineSeq: number;
  #offlineSeq: number;
  #load: LoadSession | null = null;
  #purchase: PurchaseSession | null = null;
  #fault: FaultStep | null = null;
  #cappRecord: Buffer | null = null;

  constructor(opts: VirtualCardOptions) {
    const serial = cardSerial8(opts.cardNo);
    const version = opts.keyVersion ?? 1;
    if (!Number.isInteger(version) || version < 0 || version > 0xff) throw new Error('key version must be one byte');
    this.cardNo = opts.cardNo;
    this.keyVersion = version;
    if (opts.cardKeys) {
      this.#dlk = Buffer.from(opts.cardKeys.load);
      this.#dtk = Buffer.from(opts.cardKeys.tac);
      this.#dpk = Buffer.from(opts.cardKeys.purchase);
    } else if (opts.masters) {
      this.#dlk = cardKey(opts.masters.load, serial);
      this.#dtk = cardKey(opts.masters.tac, serial);
      this.#dpk = cardKey(opts.masters.purchase, serial);
    } else throw new Error('a virtual card needs its masters or its own card keys');
    this.#random = opts.random ?? (() => randomBytes(4));
    this.#balance = register(opts.balance ?? 0, MAX_BALANCE, 'balance');
    this.#onlineSeq = register(opts.onlineSeq ?? 0, MAX_SEQ, 'onlineSeq');
    this.#offlineSeq = register(opts.offlineSeq ?? 0, MAX_SEQ, 'offlineSeq');
  }

  get balance(): number {
    return this.#balance;
  }
  get onlineSeq(): number {
    return this.#onlineSeq;
  }
  get offlineSeq(): number {
    return this.#offlineSeq;
  }
  /** The last entry/exit record written by UPDATE CAPP DATA CACHE (file 0019), if any. */
  get cappRecord(): Buffer | null {
    return this.#cappRecord ? Buffer.from(this.#cappRecord) : null;
  }

  /** Arms one fault for the next matching command; it fires once. */
  failNext(step: FaultStep): void {
    this.#fault = step;
  }

  #takeFault(step: FaultStep): boolean {
    if (this.#fault !== step) return false;
    this.#fault = null;
    return true;
  }

  // Any new command ends a pending session, as on a real card: a MAC2 or MAC1 can only ever
  // answer the INITIALIZE that directly preceded it.
  #endSessions(): void {
    this.#load = null;
    this.#purchase = null;
  }

  #challenge(): Buffer {
    const r = this.#random();
    if (!Buffer.isBuffer(r) || r.length !== 4) throw new Error('card random must be 4 bytes');
    return Buffer.from(r);
  }

  /** INITIALIZE FOR LOAD (80 50 00 02): returns the card's state and MAC1 under a fresh session key. */
  initializeForLoad(amount: number, terminalId: string): LoadInit {
    this.#endSessions();
    if (this.#takeFault('init')) throw new CardRemovedError('init');
    const amt = amountOf(amount);
    const term = terminalIdOf(terminalId);
    if (amt === 0) throw new CardError('6A80', 'load amount must be positive');
    if (this.#balance + amt > MAX_BALANCE) throw new CardError('6A80', 'balance would overflow the purse');
    if (this.#onlineSeq >= MAX_SEQ) throw new CardError('9402', 'online sequence at its maximum');
    const random = this.#challenge();
    const seslk = loadSessionKey(this.#dlk, random, encodeUint(this.#onlineSeq, 2, 'onlineSeq'));
    const mac1 = mac8(
      seslk,
      loadMac1Input({ balance: this.#balance, amount: amt, transType: TRANS_TYPE_LOAD, terminalId: term }),
    );
    seslk.fill(0);
    this.#load = { amount: amt, terminalId: term, balance: this.#balance, onlineSeq: this.#onlineSeq, random };
    return {
      balance: this.#balance,
      onlineSeq: this.#onlineSeq,
      keyVersion: this.keyVersion,
      algId: 0,
      random: hex(random),
      mac1: hex(mac1),
    };
  }

  /** CREDIT FOR LOAD (80 52): checks MAC2, credits the purse, returns the TAC. */
  creditForLoad(hostDate: string, hostTime: string, mac2: string): { tac: string } {
    const s = this.#load;
    this.#endSessions();
    if (!s) throw new CardError('6985', 'no load session: INITIALIZE FOR LOAD first');
    if (this.#takeFault('credit-before-write')) throw new CardRemovedError('credit-before-write');
    const given = macHex(mac2, 'MAC2');
    const seslk = loadSessionKey(this.#dlk, s.random, encodeUint(s.onlineSeq, 2, 'onlineSeq'));
    let expected: Buffer;
    try {
      expected = mac8(
        seslk,
        loadMac2Input({ amount: s.amount, transType: TRANS_TYPE_LOAD, terminalId: s.terminalId, hostDate, hostTime }),
      );
    } catch {
      throw new CardError('6A80', 'host date or time is not valid BCD');
    } finally {
      seslk.fill(0);
    }
    if (!expected.equals(given)) throw new CardError('9302', 'MAC2 does not verify');
    const newBalance = s.balance + s.amount;
    if (newBalance > MAX_BALANCE) throw new CardError('6A80', 'balance would overflow the purse');
    const tac = this.#tac(
      loadTacInput({
        newBalance,
        onlineSeq: s.onlineSeq,
        amount: s.amount,
        transType: TRANS_TYPE_LOAD,
        terminalId: s.terminalId,
        hostDate,
        hostTime,
      }),
    );
    this.#balance = newBalance;
    this.#onlineSeq = s.onlineSeq + 1;
    if (this.#takeFault('credit-after-write')) throw new CardRemovedError('credit-after-write');
    return { tac };
  }

  /** INITIALIZE FOR (CAPP) PURCHASE (80 50 03 02 compound / 80 50 01 02 simple). */
  initializeForPurchase(amount: number, terminalId: string, compound = true): PurchaseInit {
    this.#endSessions();
    const amt = amountOf(amount);
    const term = terminalIdOf(terminalId);
    // amount 0 is how a compound purchase writes the entry record without charging
    if (amt === 0 && !compound) throw new CardError('6A80', 'a simple purchase must have a positive amount');
    if (amt > this.#balance) throw new CardError('9401', 'insufficient balance');
    if (this.#offlineSeq >= MAX_SEQ) throw new CardError('9402', 'offline sequence at its maximum');
    const random = this.#challenge();
    const transType = compound ? TRANS_TYPE_CAPP_PURCHASE : TRANS_TYPE_PURCHASE;
    this.#purchase = { amount: amt, terminalId: term, transType, offlineSeq: this.#offlineSeq, random };
    return {
      balance: this.#balance,
      offlineSeq: this.#offlineSeq,
      overdraftLimit: 0,
      keyVersion: this.keyVersion,
      algId: 0,
      random: hex(random),
    };
  }

  /** UPDATE CAPP DATA CACHE (80 DC): compound purchases only, inside the purchase session. */
  updateCappDataCache(record: Buffer): void {
    const s = this.#purchase;
    if (!s || s.transType !== TRANS_TYPE_CAPP_PURCHASE) {
      this.#endSessions();
      throw new CardError('6985', 'no compound purchase session');
    }
    if (!Buffer.isBuffer(record) || record.length !== 43)
      throw new CardError('6700', 'the cache record is 43 bytes (AA 29 00 + 40)');
    this.#cappRecord = Buffer.from(record);
  }

  /** DEBIT FOR PURCHASE (80 54 01 00): checks the PSAM's MAC1, debits, returns TAC and MAC2. */
  debitForPurchase(terminalSeq: number, date: string, time: string, mac1: string): { tac: string; mac2: string } {
    const s = this.#purchase;
    this.#endSessions();
    if (!s) throw new CardError('6985', 'no purchase session: INITIALIZE FOR PURCHASE first');
    const given = macHex(mac1, 'MAC1');
    let seq: Buffer;
    try {
      seq = encodeUint(terminalSeq, 4, 'terminalSeq');
    } catch {
      throw new CardError('6A80', 'terminal sequence must fit 4 bytes');
    }
    const sespk = purchaseSessionKey(this.#dpk, s.random, encodeUint(s.offlineSeq, 2, 'offlineSeq'), seq);
    try {
      let expected: Buffer;
      try {
        expected = mac8(
          sespk,
          purchaseMac1Input({ amount: s.amount, transType: s.transType, terminalId: s.terminalId, date, time }),
        );
      } catch {
        throw new CardError('6A80', 'date or time is not valid BCD');
      }
      if (!expected.equals(given)) throw new CardError('9302', 'MAC1 does not verify');
      const tac = this.#tac(
        purchaseTacInput({
          amount: s.amount,
          transType: s.transType,
          terminalId: s.terminalId,
          terminalSeq,
          date,
          time,
        }),
      );
      const mac2 = hex(mac8(sespk, purchaseMac2Input({ amount: s.amount })));
      this.#balance -= s.amount;
      this.#offlineSeq = s.offlineSeq + 1;
      return { tac, mac2 };
    } finally {
      sespk.fill(0);
    }
  }

  #tac(input: Buffer): string {
    const k = tacKey(this.#dtk);
    try {
      return hex(mac8(k, input));
    } finally {
      k.fill(0);
    }
  }
}

function register(value: number, max: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw new Error(`${what} must be 0..${max}`);
  return value;
}
