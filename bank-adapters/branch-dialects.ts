// How a branch terminal of each bank writes its native messages and day files, and reads the answers
// back into one neutral shape. The virtual branch is written once against this interface.
import { randomInt } from 'node:crypto';
import type { LoadInit } from '../lanes-sim/card/virtual-card.ts';
import type { CardEvidence, LoadStatus, ReversalReason } from './channel.ts';
import { beijingStamp } from './common.ts';
import * as cmb from './cmb/messages.ts';
import { encodeDayFile as cmbDayFile } from './cmb/recon-file.ts';
import * as icbc from './icbc/messages.ts';
import { encodeDayFile as icbcDayFile } from './icbc/recon-file.ts';

export type BankName = 'icbc' | 'cmb';

export type BranchRequest =
  | { op: 'apply'; serial: string; cardNo: string; amount: number; terminalId: string; init: LoadInit }
  | { op: 'confirm'; serial: string; loadId: string; tac: string }
  | { op: 'reverse'; serial: string; loadId: string; reason: ReversalReason; card: CardEvidence }
  | { op: 'query'; serial: string; loadId: string };

/** A native answer read back: `ok` is the bank's success code; body fields keep their native names. */
export type NativeAnswer = {
  ok: boolean;
  code: string;
  message: string;
  serial: string;
  body: {
    loadId?: string;
    mac2?: string;
    hostDate?: string;
    hostTime?: string;
    balance?: number;
    status?: LoadStatus;
    cardNo?: string;
    amount?: number;
  };
};

/** A branch's own record of a finished load, for its day file. */
export type JournalEntry = {
  serial: string;
  loadId?: string;
  cardNo: string;
  amount: number;
  status: 'confirmed' | 'reversed';
  date: string;
  time: string;
};

export type BranchIdentity = {
  branchNo: string;
  branchName: string;
  tellerNo: string;
  tellerName: string;
  payAccount: string;
  payerName: string;
};

export type Dialect = {
  bank: BankName;
  contentType: string;
  fileContentType: string;
  newSerial(now: number): string;
  encode(req: BranchRequest, now: number, who: BranchIdentity): Buffer;
  decode(raw: Buffer): NativeAnswer;
  dayFile(date: string, entries: JournalEntry[], who: BranchIdentity): Buffer;
};

const digits = (n: number): string => Array.from({ length: n }, () => String(randomInt(10))).join('');

const ICBC_REASON = { 'card-write-failed': '01', 'customer-cancelled': '02', 'terminal-timeout': '03' } as const;
const ICBC_STATUS: Record<string, LoadStatus> = {
  '01': 'authorised',
  '02': 'confirmed',
  '03': 'reversed',
  '99': 'unknown',
};

const icbcDialect: Dialect = {
  bank: 'icbc',
  contentType: 'text/plain; charset=GBK',
  fileContentType: 'text/plain; charset=GBK',
  newSerial: (now) => beijingStamp(now).date + digits(12),
  encode(req, now, who) {
    const { date, time } = beijingStamp(now);
    const head = {
      serial: req.serial,
      trxDate: date,
      trxTime: time,
      branchNo: who.branchNo,
      branchName: who.branchName,
      tellerNo: who.tellerNo,
      tellerName: who.tellerName,
    };
    switch (req.op) {
      case 'apply': {
        const c = req.init;
        return icbc.encodeRequest({
          trxCode: '1001',
          head,
          body: {
            cardNo: req.cardNo,
            amount: req.amount,
            terminalId: req.terminalId,
            cardBalance: c.balance,
            onlineSeq: c.onlineSeq,
            keyVersion: c.keyVersion,
            algId: c.algId,
            random: c.random,
            mac1: c.mac1,
            payAccount: who.payAccount,
            payerName: who.payerName,
          },
        });
      }
      case 'confirm':
        return icbc.encodeRequest({ trxCode: '1002', head, body: { loadId: req.loadId, tac: req.tac } });
      case 'reverse':
        return icbc.encodeRequest({
          trxCode: '1003',
          head,
          body: {
            loadId: req.loadId,
            reasonCode: ICBC_REASON[req.reason],
            cardBalance: req.card.balance,
            onlineSeq: req.card.onlineSeq,
          },
        });
      case 'query':
        return icbc.encodeRequest({ trxCode: '1004', head, body: { loadId: req.loadId } });
    }
  },
  decode(raw) {
    const r = icbc.decodeResponse(raw);
    const b = { ...(r.body ?? {}) } as NativeAnswer['body'] & { status?: string };
    if (b.status !== undefined) b.status = ICBC_STATUS[b.status] ?? 'unknown';
    return {
      ok: r.head.respCode === icbc.SUCCESS,
      code: r.head.respCode,
      message: r.head.respMsg,
      serial: r.head.serial ?? '',
      body: b as NativeAnswer['body'],
    };
  },
  dayFile(date, entries, who) {
    return icbcDayFile(
      date,
      entries.map((e) => ({
        serial: e.serial,
        ...(e.loadId ? { loadId: e.loadId } : {}),
        cardNo: e.cardNo,
        amount: e.amount,
        status: e.status,
        trxDate: e.date,
        trxTime: e.time,
        branchName: who.branchName,
      })),
    );
  },
};

const CMB_REASON = {
  'card-write-failed': 'CARD_WRITE_FAILED',
  'customer-cancelled': 'CUSTOMER_CANCELLED',
  'terminal-timeout': 'TERMINAL_TIMEOUT',
} as const;
const CMB_STATUS: Record<string, LoadStatus> = {
  AUTHORISED: 'authorised',
  CONFIRMED: 'confirmed',
  REVERSED: 'reversed',
  UNKNOWN: 'unknown',
};

const cmbDialect: Dialect = {
  bank: 'cmb',
  contentType: 'application/xml; charset=UTF-8',
  fileContentType: 'text/csv; charset=UTF-8',
  newSerial: (now) => `CMB${beijingStamp(now).date}${digits(16)}`,
  encode(req, now, who) {
    const { date, time } = beijingStamp(now);
    const head = { serial: req.serial, trxDate: date, trxTime: time, branchNo: who.branchNo, operator: who.tellerName };
    switch (req.op) {
      case 'apply': {
        const c = req.init;
        return cmb.encodeRequest({
          trxCode: 'ETCLoadApply',
          head,
          body: {
            cardNo: req.cardNo,
            amount: req.amount,
            terminalId: req.terminalId,
            cardBalance: c.balance,
            onlineSeq: c.onlineSeq,
            keyVersion: c.keyVersion,
            algId: c.algId,
            random: c.random,
            mac1: c.mac1,
            payAccount: who.payAccount,
            payerName: who.payerName,
          },
        });
      }
      case 'confirm':
        return cmb.encodeRequest({ trxCode: 'ETCLoadConfirm', head, body: { loadId: req.loadId, tac: req.tac } });
      case 'reverse':
        return cmb.encodeRequest({
          trxCode: 'ETCLoadReverse',
          head,
          body: {
            loadId: req.loadId,
            reason: CMB_REASON[req.reason],
            cardBalance: req.card.balance,
            onlineSeq: req.card.onlineSeq,
          },
        });
      case 'query':
        return cmb.encodeRequest({ trxCode: 'ETCLoadQuery', head, body: { loadId: req.loadId } });
    }
  },
  decode(raw) {
    const r = cmb.decodeResponse(raw);
    const b = { ...(r.body ?? {}) } as NativeAnswer['body'] & { status?: string };
    if (b.status !== undefined) b.status = CMB_STATUS[b.status] ?? 'unknown';
    return {
      ok: r.head.retCode === cmb.SUCCESS,
      code: r.head.retCode,
      message: r.head.retMsg,
      serial: r.head.serial ?? '',
      body: b as NativeAnswer['body'],
    };
  },
  dayFile(_date, entries) {
    const tradeTime = (d: string, t: string) =>
      `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`;
    return cmbDayFile(
      entries.map((e) => ({
        serial: e.serial,
        ...(e.loadId ? { loadId: e.loadId } : {}),
        cardNo: e.cardNo,
        amount: e.amount,
        status: e.status,
        tradeTime: tradeTime(e.date, e.time),
        remark: '网点圈存',
      })),
    );
  },
};

export const DIALECTS: Record<BankName, Dialect> = { icbc: icbcDialect, cmb: cmbDialect };
