// The lane's secure module (PSAM) for purchases (ETC-REFERENCE §3): it holds the purchase master,
// derives each card's DPK on the spot, computes MAC1 and checks the card's MAC2. It owns the
// terminal id and the terminal sequence, which is what makes (terminalId, terminalSeq) unique.
import { timingSafeEqual } from 'node:crypto';
import {
  cardKey,
  encodeUint,
  mac8,
  purchaseMac1Input,
  purchaseMac2Input,
  purchaseSessionKey,
} from '../../src/platform/crypto/pboc.ts';
import { TRANS_TYPE_CAPP_PURCHASE, TRANS_TYPE_PURCHASE, cardSerial8, upperHex } from './card-basics.ts';

export type PurchaseMac1Request = {
  cardNo: string;
  /** From INITIALIZE FOR PURCHASE: the card challenge (8 hex) and its offline sequence. */
  random: string;
  offlineSeq: number;
  amount: number;
  date: string; // YYYYMMDD
  time: string; // hhmmss
  compound?: boolean; // default true: ETC lanes use the compound (CAPP) purchase
  /** Normally taken from the PSAM's own counter; given explicitly only to replay a transaction. */
  terminalSeq?: number;
};

export type PurchaseMac2Check = {
  cardNo: string;
  random: string;
  offlineSeq: number;
  terminalSeq: number;
  amount: number;
  mac2: string;
};

function challenge(random: string): Buffer {
  if (!/^[0-9A-Fa-f]{8}$/.test(random)) throw new Error('card random must be 8 hex digits');
  return Buffer.from(random, 'hex');
}

export class VirtualPsam {
  readonly terminalId: string;
  readonly #master: Buffer;
  #terminalSeq: number;

  constructor(purchaseMaster: Buffer, opts: { terminalId: string; terminalSeq?: number }) {
    if (!Buffer.isBuffer(purchaseMaster) || purchaseMaster.length !== 16)
      throw new Error('purchase master must be 16 bytes');
    if (!/^[0-9A-Fa-f]{12}$/.test(opts.terminalId)) throw new Error('terminal id must be 12 hex digits');
    const seq = opts.terminalSeq ?? 1;
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > 0xffff_ffff)
      throw new Error('terminal sequence must fit 4 bytes');
    this.#master = Buffer.from(purchaseMaster);
    this.terminalId = opts.terminalId.toUpperCase();
    this.#terminalSeq = seq;
  }

  get terminalSeq(): number {
    return this.#terminalSeq;
  }

  #sessionKey(cardNo: string, random: string, offlineSeq: number, terminalSeq: number): Buffer {
    const dpk = cardKey(this.#master, cardSerial8(cardNo));
    try {
      return purchaseSessionKey(
        dpk,
        challenge(random),
        encodeUint(offlineSeq, 2, 'offlineSeq'),
        encodeUint(terminalSeq, 4, 'terminalSeq'),
      );
    } finally {
      dpk.fill(0);
    }
  }

  /** MAC1 for DEBIT FOR PURCHASE; advances the terminal sequence unless one was given. */
  computeMac1(req: PurchaseMac1Request): { terminalSeq: number; mac1: string } {
    const terminalSeq = req.terminalSeq ?? this.#terminalSeq;
    const transType = req.compound === false ? TRANS_TYPE_PURCHASE : TRANS_TYPE_CAPP_PURCHASE;
    const k = this.#sessionKey(req.cardNo, req.random, req.offlineSeq, terminalSeq);
    try {
      const mac1 = mac8(
        k,
        purchaseMac1Input({
          amount: req.amount,
          transType,
          terminalId: this.terminalId,
          date: req.date,
          time: req.time,
        }),
      );
      if (req.terminalSeq === undefined) this.#terminalSeq = (this.#terminalSeq + 1) % 0x1_0000_0000;
      return { terminalSeq, mac1: upperHex(mac1) };
    } finally {
      k.fill(0);
    }
  }

  /** True when the card's MAC2 proves it debited exactly this amount in this session. */
  verifyMac2(check: PurchaseMac2Check): boolean {
    if (!/^[0-9A-Fa-f]{8}$/.test(check.mac2)) return false;
    const k = this.#sessionKey(check.cardNo, check.random, check.offlineSeq, check.terminalSeq);
    try {
      return timingSafeEqual(mac8(k, purchaseMac2Input({ amount: check.amount })), Buffer.from(check.mac2, 'hex'));
    } finally {
      k.fill(0);
    }
  }
}
