// The virtual reader's model: the media it holds (taken from the demo card stock), the one in the
// slot, and the card and OBU commands of the protocol. The HTTP face is server.ts.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { CardError, ReaderCard, ReaderObu, type CardState, type Medium, type ObuState } from './media.ts';
import type {
  CardFiles,
  InsertRequest,
  LoadCreditRequest,
  LoadCreditResponse,
  LoadInitRequest,
  LoadInitResponse,
  MediaList,
  MediumSummary,
  ObuFiles,
  ReaderErrorCode,
  ReaderStatus,
  WritableFile,
  WriteCommand,
  WriteResponse,
} from './protocol.ts';
import { READER_PROTOCOL_VERSION } from './protocol.ts';
import type { Stock } from './stock.ts';

/** A refusal of the reader, mapped to HTTP by server.ts. */
export class ReaderFault extends Error {
  readonly code: ReaderErrorCode;
  readonly status: number;
  readonly sw: string | undefined;
  constructor(status: number, code: ReaderErrorCode, message: string, sw?: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.sw = sw;
  }
}

type SavedState = { cards: Record<string, CardState>; obus: Record<string, ObuState>; slot: string | null };

export type VirtualReaderOptions = { stock: Stock; terminalId?: string; statePath?: string; name?: string };

export class VirtualReader {
  readonly terminalId: string;
  readonly name: string;
  readonly #stock: Stock;
  readonly #statePath: string | undefined;
  readonly #media = new Map<string, Medium>();
  #slot: Medium | null = null;

  constructor(opts: VirtualReaderOptions) {
    this.#stock = opts.stock;
    // the counter terminal's id, sent with each load (6 bytes): network id ‖ 8 digits of the counter
    this.terminalId = (opts.terminalId ?? `${opts.stock.network}00000001`).toUpperCase();
    if (!/^[0-9A-F]{12}$/.test(this.terminalId)) throw new Error('terminal id must be 12 hex characters');
    this.name = opts.name ?? 'virtual reader';
    this.#statePath = opts.statePath;
    if (this.#statePath && existsSync(this.#statePath))
      this.#restore(JSON.parse(readFileSync(this.#statePath, 'utf8')));
  }

  #restore(saved: SavedState): void {
    for (const [cardNo, state] of Object.entries(saved.cards ?? {})) {
      const s = this.#stock.cards.find((c) => c.cardNo === cardNo);
      if (s) this.#media.set(cardNo, new ReaderCard(s, state));
    }
    for (const [obuNo, state] of Object.entries(saved.obus ?? {})) {
      const s = this.#stock.obus.find((o) => o.obuNo === obuNo);
      if (s) this.#media.set(obuNo, new ReaderObu(s, state));
    }
    this.#slot = (saved.slot && this.#media.get(saved.slot)) || null;
  }

  // Written after every change (write to a temporary file, then rename), so a restart of the demo
  // reader keeps the purses and files the centre knows about.
  #save(): void {
    if (!this.#statePath) return;
    const saved: SavedState = { cards: {}, obus: {}, slot: null };
    for (const m of this.#media.values()) {
      if (m.kind === 'card') saved.cards[m.cardNo] = m.state();
      else saved.obus[m.obuNo] = m.state();
    }
    saved.slot = this.#slot ? idOf(this.#slot) : null;
    const tmp = `${this.#statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(saved, null, 1), { mode: 0o600 });
    renameSync(tmp, this.#statePath);
  }

  status(): ReaderStatus {
    return {
      protocol: READER_PROTOCOL_VERSION,
      reader: { name: this.name, terminalId: this.terminalId },
      medium: this.#slot ? this.#slot.summary() : null,
    };
  }

  media(): MediaList {
    return { media: [...this.#media.values()].map((m) => m.summary()), inSlot: this.#slot?.summary() ?? null };
  }

  insert(req: InsertRequest): MediumSummary {
    let m: Medium | undefined;
    if (req.kind === 'blank-card') {
      const s = this.#stock.cards.find((c) => c.cardType === req.cardType && !this.#media.has(c.cardNo));
      if (!s) throw new ReaderFault(409, 'stock-exhausted', `no blank type ${req.cardType} card left in the stock`);
      m = new ReaderCard(s);
    } else if (req.kind === 'blank-obu') {
      const s = this.#stock.obus.find((o) => !this.#media.has(o.obuNo));
      if (!s) throw new ReaderFault(409, 'stock-exhausted', 'no blank OBU left in the stock');
      m = new ReaderObu(s);
    } else {
      const id = req.kind === 'card' ? req.cardNo : req.obuNo;
      m = this.#media.get(id);
      if (!m || m.kind !== req.kind)
        throw new ReaderFault(404, 'medium-unknown', `the reader holds no ${req.kind} ${id}`);
    }
    this.#media.set(idOf(m), m);
    this.#slot = m;
    this.#save();
    return m.summary();
  }

  remove(): void {
    this.#slot = null;
    this.#save();
  }

  #card(): ReaderCard {
    if (!this.#slot) throw new ReaderFault(409, 'no-medium', 'no card on the reader');
    if (this.#slot.kind !== 'card') throw new ReaderFault(409, 'wrong-medium', 'an OBU is on the reader, not a card');
    return this.#slot;
  }

  #obu(): ReaderObu {
    if (!this.#slot) throw new ReaderFault(409, 'no-medium', 'no OBU on the reader');
    if (this.#slot.kind !== 'obu') throw new ReaderFault(409, 'wrong-medium', 'a card is on the reader, not an OBU');
    return this.#slot;
  }

  #medium(file: WritableFile): Medium {
    return file === '0015' || file === '0016' ? this.#card() : this.#obu();
  }

  readCard(): CardFiles {
    return this.#card().files();
  }

  readObu(): ObuFiles {
    return this.#obu().files();
  }

  challenge(file: WritableFile): string {
    return cardCall(() => this.#medium(file).challenge(file))
      .toString('hex')
      .toUpperCase();
  }

  write(writes: WriteCommand[]): WriteResponse {
    const results: WriteResponse['results'] = [];
    try {
      for (const w of writes) {
        cardCall(() => this.#medium(w.file).write(w.file, w.command));
        results.push({ file: w.file, sw: '9000' });
      }
    } finally {
      if (results.length) this.#save();
    }
    return { results };
  }

  loadInit(req: LoadInitRequest): LoadInitResponse {
    const card = this.#card();
    const terminalId = (req.terminalId ?? this.terminalId).toUpperCase();
    const init = cardCall(() => card.purse.initializeForLoad(req.amount, terminalId));
    return { cardNo: card.cardNo, amount: req.amount, terminalId, card: init };
  }

  loadCredit(req: LoadCreditRequest): LoadCreditResponse {
    const card = this.#card();
    const { tac } = cardCall(() => card.purse.creditForLoad(req.hostDate, req.hostTime, req.mac2));
    this.#save();
    return { tac, balance: card.purse.balance, onlineSeq: card.purse.onlineSeq };
  }
}

const idOf = (m: Medium) => (m.kind === 'card' ? m.cardNo : m.obuNo);

// A card's status word other than 9000 becomes a 422 carrying it.
function cardCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CardError) throw new ReaderFault(422, 'card-refused', err.message, err.sw);
    throw err;
  }
}
