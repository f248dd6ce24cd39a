// Card-key operations of the key service for the online load (ETC-REFERENCE §2) and purchase
// verification (§3). Inputs are card data; outputs are verdicts and MACs. The session key and the
// card keys are derived inside, used and wiped here.
import { timingSafeEqual } from 'node:crypto';
import {
  encodeUint,
  loadMac1Input,
  loadMac2Input,
  loadSessionKey,
  loadTacInput,
  mac8,
  purchaseTacInput,
  tacKey,
} from '../../platform/crypto/pboc.ts';

export const LOAD_TRANS_TYPE = 0x02; // electronic purse load

export type LoadSession = {
  serial8: Buffer;
  keyVersion: number;
  random: string;
  onlineSeq: number;
  amount: bigint;
  terminalId: string;
};

// The key primitives the operations need from the key service (implemented by KeyService).
export type DerivedKeyRunner = <T>(
  purpose: 'load' | 'tac' | 'purchase',
  version: number,
  serial8: Buffer,
  fn: (cardKey: Buffer) => T,
) => T;

const sameMac = (a: Buffer, hex: string) => hex.length === 8 && timingSafeEqual(a, Buffer.from(hex, 'hex'));

function withSession<T>(run: DerivedKeyRunner, s: LoadSession, fn: (seslk: Buffer) => T): T {
  return run('load', s.keyVersion, s.serial8, (dlk) => {
    const seslk = loadSessionKey(dlk, Buffer.from(s.random, 'hex'), encodeUint(s.onlineSeq, 2, 'onlineSeq'));
    try {
      return fn(seslk);
    } finally {
      seslk.fill(0);
    }
  });
}

// MAC1 as the card computes it, and MAC2 as the centre makes it, under a load session key
const mac1Under = (k: Buffer, s: LoadSession & { balance: bigint }) =>
  mac8(
    k,
    loadMac1Input({ balance: s.balance, amount: s.amount, transType: LOAD_TRANS_TYPE, terminalId: s.terminalId }),
  );
const mac2Under = (k: Buffer, s: LoadSession & { hostDate: string; hostTime: string }) =>
  mac8(
    k,
    loadMac2Input({
      amount: s.amount,
      transType: LOAD_TRANS_TYPE,
      terminalId: s.terminalId,
      hostDate: s.hostDate,
      hostTime: s.hostTime,
    }),
  )
    .toString('hex')
    .toUpperCase();

export function verifyLoadMac1(run: DerivedKeyRunner, s: LoadSession & { balance: bigint; mac1: string }): boolean {
  return withSession(run, s, (k) => sameMac(mac1Under(k, s), s.mac1));
}

export function issueLoadMac2(run: DerivedKeyRunner, s: LoadSession & { hostDate: string; hostTime: string }): string {
  return withSession(run, s, (k) => mac2Under(k, s));
}

// The common case of a load's init: MAC1 checked and, when it verifies, MAC2 made under the same
// session key, so the card's load key and the session key are derived once instead of twice.
// Null when MAC1 does not verify.
export function authoriseLoadMacs(
  run: DerivedKeyRunner,
  s: LoadSession & { balance: bigint; mac1: string; hostDate: string; hostTime: string },
): string | null {
  return withSession(run, s, (k) => (sameMac(mac1Under(k, s), s.mac1) ? mac2Under(k, s) : null));
}

export type LoadTacInput = {
  serial8: Buffer;
  keyVersion: number;
  newBalance: bigint;
  onlineSeq: number;
  amount: bigint;
  terminalId: string;
  hostDate: string;
  hostTime: string;
};

export function loadTac(run: DerivedKeyRunner, t: LoadTacInput): Buffer {
  return run('tac', t.keyVersion, t.serial8, (dtk) => {
    const k = tacKey(dtk);
    try {
      return mac8(
        k,
        loadTacInput({
          newBalance: t.newBalance,
          onlineSeq: t.onlineSeq,
          amount: t.amount,
          transType: LOAD_TRANS_TYPE,
          terminalId: t.terminalId,
          hostDate: t.hostDate,
          hostTime: t.hostTime,
        }),
      );
    } finally {
      k.fill(0);
    }
  });
}

export function verifyLoadTac(run: DerivedKeyRunner, t: LoadTacInput & { tac: string }): boolean {
  return sameMac(loadTac(run, t), t.tac);
}

export type PurchaseTacInput = {
  serial8: Buffer;
  keyVersion: number;
  amount: bigint;
  transType: number;
  terminalId: string;
  terminalSeq: number;
  date: string;
  time: string;
  tac: string;
};

// The issuer verifies every lane transaction of its own cards by recomputing the TAC.
export function verifyPurchaseTac(run: DerivedKeyRunner, p: PurchaseTacInput): boolean {
  return run('tac', p.keyVersion, p.serial8, (dtk) => {
    const k = tacKey(dtk);
    try {
      return sameMac(
        mac8(
          k,
          purchaseTacInput({
            amount: p.amount,
            transType: p.transType,
            terminalId: p.terminalId,
            terminalSeq: p.terminalSeq,
            date: p.date,
            time: p.time,
          }),
        ),
        p.tac,
      );
    } finally {
      k.fill(0);
    }
  });
}
