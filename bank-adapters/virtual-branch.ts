// A bank branch terminal in software: it drives a virtual card through an online load the way a real
// one does (native init → card credit with MAC2 → native confirm with the TAC), talking to a bank
// adapter in the bank's own format. Tears can be injected at each step, and a native reversal sent
// with the card's evidence read afterwards, so that tests and benchmarks can exercise torn loads.
import { CardError, CardRemovedError, type LoadInit, type VirtualCard } from '../lanes-sim/card/virtual-card.ts';
import {
  DIALECTS,
  type BankName,
  type BranchIdentity,
  type BranchRequest,
  type Dialect,
  type JournalEntry,
  type NativeAnswer,
} from './branch-dialects.ts';
import type { ReversalReason } from './channel.ts';
import { beijingStamp } from './common.ts';

export type { BankName, JournalEntry, NativeAnswer } from './branch-dialects.ts';

/** Where the load is torn: before the card sees MAC2, as MAC2 is written, or after the write (TAC lost). */
export type TearPoint = 'after-init' | 'before-write' | 'after-write';

export type VirtualBranchOptions = {
  baseUrl: string;
  bank: BankName;
  terminalId?: string;
  identity?: Partial<BranchIdentity>;
  now?: () => number;
  fetch?: typeof fetch;
};

export type TopUpOptions = {
  tear?: TearPoint;
  /** After a tear or a card refusal, send a native reversal with what the card now shows. */
  reverse?: boolean;
  reason?: ReversalReason;
  /** Lets a test alter what the card answered (e.g. a tampered MAC1) before it is sent. */
  tamper?: (init: LoadInit) => LoadInit;
};

export type TopUpOutcome =
  | 'confirmed' // the card was credited and the centre confirmed the TAC
  | 'refused' // the native init was refused (see init.code)
  | 'card-refused' // the card refused MAC2 (9302) or its init failed
  | 'torn' // torn and left for the centre to resolve from evidence
  | 'reversed' // torn or refused, then reversed
  | 'reversal-refused' // the reversal was refused (e.g. the card was in fact credited)
  | 'confirm-refused'; // the centre refused the TAC

export type TopUpResult = {
  outcome: TopUpOutcome;
  loadId?: string;
  init?: NativeAnswer;
  cardInit?: LoadInit;
  tac?: string;
  cardError?: string;
  confirm?: NativeAnswer;
  reversal?: NativeAnswer;
};

const DEFAULT_IDENTITY: Record<BankName, BranchIdentity> = {
  icbc: {
    branchNo: '340101',
    branchName: '合肥长江中路支行',
    tellerNo: '000123',
    tellerName: '王小明',
    payAccount: '6222021302000123456',
    payerName: '张三',
  },
  cmb: {
    branchNo: '0551001',
    branchName: '合肥分行营业部',
    tellerNo: '000456',
    tellerName: '李明',
    payAccount: '6225880212345678',
    payerName: '张三',
  },
};

export class VirtualBranch {
  readonly bank: BankName;
  readonly terminalId: string;
  readonly journal: JournalEntry[] = [];
  readonly #base: string;
  readonly #dialect: Dialect;
  readonly #who: BranchIdentity;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;

  constructor(opts: VirtualBranchOptions) {
    this.bank = opts.bank;
    this.#dialect = DIALECTS[opts.bank];
    this.#base = opts.baseUrl.replace(/\/+$/, '');
    this.terminalId = (opts.terminalId ?? '0B0A0C0D0E0F').toUpperCase();
    this.#who = { ...DEFAULT_IDENTITY[opts.bank], ...opts.identity };
    this.#now = opts.now ?? Date.now;
    this.#fetch = opts.fetch ?? fetch;
  }

  newSerial(): string {
    return this.#dialect.newSerial(this.#now());
  }

  /** Sends one native message and reads the native answer. Exposed for tests of raw messages. */
  async send(req: BranchRequest): Promise<NativeAnswer> {
    const body = this.#dialect.encode(req, this.#now(), this.#who);
    return this.#dialect.decode(await this.sendRaw(body));
  }

  async sendRaw(body: Buffer, contentType = this.#dialect.contentType): Promise<Buffer> {
    const res = await this.#fetch(`${this.#base}/trx`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body,
    });
    return Buffer.from(await res.arrayBuffer());
  }

  /** Card INITIALIZE FOR LOAD, then the native init. */
  async init(
    card: VirtualCard,
    amount: number,
    tamper?: (init: LoadInit) => LoadInit,
  ): Promise<{ cardInit: LoadInit; answer: NativeAnswer; serial: string }> {
    const cardInit = card.initializeForLoad(amount, this.terminalId);
    const sent = tamper ? tamper({ ...cardInit }) : cardInit;
    const serial = this.newSerial();
    const answer = await this.send({
      op: 'apply',
      serial,
      cardNo: card.cardNo,
      amount,
      terminalId: this.terminalId,
      init: sent,
    });
    return { cardInit, answer, serial };
  }

  confirm(loadId: string, tac: string): Promise<NativeAnswer> {
    return this.send({ op: 'confirm', serial: this.newSerial(), loadId, tac });
  }

  /** A native reversal (冲正) with the card's current balance and online sequence as evidence. */
  reverse(loadId: string, card: VirtualCard, reason: ReversalReason = 'card-write-failed'): Promise<NativeAnswer> {
    return this.send({
      op: 'reverse',
      serial: this.newSerial(),
      loadId,
      reason,
      card: { balance: card.balance, onlineSeq: card.onlineSeq },
    });
  }

  query(loadId: string): Promise<NativeAnswer> {
    return this.send({ op: 'query', serial: this.newSerial(), loadId });
  }

  /** A whole top-up as the branch terminal runs it. */
  async topUp(card: VirtualCard, amount: number, opts: TopUpOptions = {}): Promise<TopUpResult> {
    let started: Awaited<ReturnType<VirtualBranch['init']>>;
    try {
      started = await this.init(card, amount, opts.tamper);
    } catch (e) {
      if (e instanceof CardError || e instanceof CardRemovedError)
        return { outcome: 'card-refused', cardError: e.message };
      throw e;
    }
    const { cardInit, answer: init, serial } = started;
    const stamp = beijingStamp(this.#now());
    const record = (loadId: string, status: JournalEntry['status']) =>
      this.journal.push({ serial, loadId, cardNo: card.cardNo, amount, status, date: stamp.date, time: stamp.time });
    const b = init.body;
    if (!init.ok || !b.loadId || !b.mac2 || !b.hostDate || !b.hostTime) return { outcome: 'refused', init, cardInit };
    const loadId = b.loadId;
    const base = { loadId, init, cardInit };

    const reverseNow = async (cardError?: string): Promise<TopUpResult> => {
      if (!opts.reverse)
        return {
          ...base,
          outcome: cardError && !opts.tear ? 'card-refused' : 'torn',
          ...(cardError ? { cardError } : {}),
        };
      const reversal = await this.reverse(loadId, card, opts.reason);
      if (reversal.ok) record(loadId, 'reversed');
      return {
        ...base,
        outcome: reversal.ok ? 'reversed' : 'reversal-refused',
        reversal,
        ...(cardError ? { cardError } : {}),
      };
    };

    if (opts.tear === 'after-init') return reverseNow();
    if (opts.tear === 'before-write') card.failNext('credit-before-write');
    if (opts.tear === 'after-write') card.failNext('credit-after-write');
    let tac: string;
    try {
      tac = card.creditForLoad(b.hostDate, b.hostTime, b.mac2).tac;
    } catch (e) {
      if (e instanceof CardError || e instanceof CardRemovedError) return reverseNow(e.message);
      throw e;
    }
    const confirm = await this.confirm(loadId, tac);
    if (confirm.ok) record(loadId, 'confirmed');
    return { ...base, tac, confirm, outcome: confirm.ok ? 'confirmed' : 'confirm-refused' };
  }

  /** This branch's day file in the bank's format, from its journal plus any extra lines. */
  dayFile(date: string, extra: JournalEntry[] = []): Buffer {
    const day = date.replace(/-/g, '');
    return this.#dialect.dayFile(date, [...this.journal.filter((e) => e.date === day), ...extra], this.#who);
  }

  /** Posts a day file to the adapter; answers the adapter's JSON (the centre's comparison, or an error). */
  async reconcile(date: string, file: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.#fetch(`${this.#base}/reconciliation/${date}`, {
      method: 'POST',
      headers: { 'Content-Type': this.#dialect.fileContentType },
      body: file,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}
