// What every bank adapter does once its native message is decoded: the four channel operations in
// a bank-neutral form, with the centre's answers checked before anything reaches a branch. A
// malformed success answer is treated as a failure of unknown outcome (bad-response), never passed on.
import type { CentreFailure } from './centre-codes.ts';
import type { CentreClient, CentreResult } from './centre-client.ts';

export type CardEvidence = { balance: number; onlineSeq: number };

export type ReversalReason = 'card-write-failed' | 'customer-cancelled' | 'terminal-timeout';
export const REVERSAL_REASONS: readonly ReversalReason[] = [
  'card-write-failed',
  'customer-cancelled',
  'terminal-timeout',
];

export type LoadStatus = 'authorised' | 'confirmed' | 'reversed' | 'unknown';

export type ChannelRequest =
  | {
      op: 'apply';
      serial: string;
      reference: string;
      cardNo: string;
      amount: number;
      terminalId: string;
      card: CardEvidence & { keyVersion: number; algId: number; random: string; mac1: string };
    }
  | { op: 'confirm'; serial: string; loadId: string; tac: string }
  | { op: 'reverse'; serial: string; loadId: string; reason: ReversalReason; card: CardEvidence }
  | { op: 'query'; serial: string; loadId: string };

export type Applied = { op: 'apply'; loadId: string; mac2: string; hostDate: string; hostTime: string };
export type Confirmed = { op: 'confirm'; loadId: string; balance: number };
export type Reversed = { op: 'reverse'; loadId: string };
export type Queried = {
  op: 'query';
  loadId: string;
  status: LoadStatus;
  cardNo: string;
  amount: number;
  hostDate: string;
  hostTime: string;
  bankReference: string | undefined;
};
export type ChannelAnswer = Applied | Confirmed | Reversed | Queried;
export type ChannelResult = ({ ok: true } & ChannelAnswer) | CentreFailure;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: unknown, re: RegExp): string | undefined => (typeof v === 'string' && re.test(v) ? v : undefined);
// amounts may come back as JSON numbers or, from a bigint column, as digit strings
const fen = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

function badResponse(status: number, what: string): CentreFailure {
  return { ok: false, status, code: 'bad-response', message: `centre answer not understood: ${what}` };
}

const STATUSES: readonly LoadStatus[] = ['authorised', 'confirmed', 'reversed'];

export async function perform(client: CentreClient, req: ChannelRequest): Promise<ChannelResult> {
  switch (req.op) {
    case 'apply': {
      const r = await client.createLoad(req.serial, {
        cardNo: req.cardNo,
        amount: req.amount,
        terminalId: req.terminalId,
        card: {
          balance: req.card.balance,
          onlineSeq: req.card.onlineSeq,
          keyVersion: req.card.keyVersion,
          algId: req.card.algId,
          random: req.card.random,
          mac1: req.card.mac1,
        },
        payment: { method: 'bank-account', reference: req.reference },
      });
      if (!r.ok) return r;
      const b = r.body;
      const loadId = str(b.loadId, UUID);
      const mac2 = str(b.mac2, /^[0-9A-F]{8}$/);
      const hostDate = str(b.hostDate, /^[0-9]{8}$/);
      const hostTime = str(b.hostTime, /^[0-9]{6}$/);
      if (!loadId || !mac2 || !hostDate || !hostTime || b.status !== 'authorised')
        return badResponse(r.status, 'load authorisation');
      return { ok: true, op: 'apply', loadId, mac2, hostDate, hostTime };
    }
    case 'confirm': {
      const r = await client.confirmLoad(req.serial, req.loadId, req.tac);
      if (!r.ok) return r;
      const balance = fen(r.body.balance);
      if (balance === undefined || r.body.status !== 'confirmed') return badResponse(r.status, 'confirmation');
      return { ok: true, op: 'confirm', loadId: req.loadId, balance };
    }
    case 'reverse': {
      const r = await client.reverseLoad(req.serial, req.loadId, {
        reason: req.reason,
        card: { balance: req.card.balance, onlineSeq: req.card.onlineSeq },
      });
      if (!r.ok) return r;
      if (r.body.status !== 'reversed') return badResponse(r.status, 'reversal');
      return { ok: true, op: 'reverse', loadId: req.loadId };
    }
    case 'query':
      return summarise(req.loadId, await client.getLoad(req.loadId));
  }
}

function summarise(loadId: string, r: CentreResult<{ load: Record<string, unknown> }>): ChannelResult {
  if (!r.ok) return r;
  const l = r.body.load;
  if (typeof l !== 'object' || l === null) return badResponse(r.status, 'load');
  const cardNo = str(l.cardNo, /^[0-9]{20}$/);
  const amount = fen(l.amount);
  const hostDate = str(l.hostDate, /^[0-9]{8}$/);
  const hostTime = str(l.hostTime, /^[0-9]{6}$/);
  if (!cardNo || amount === undefined || !hostDate || !hostTime) return badResponse(r.status, 'load');
  // a status the centre adds later is shown as unknown rather than mistaken for a known one
  const status = STATUSES.find((s) => s === l.status) ?? 'unknown';
  const bankReference = typeof l.bankReference === 'string' ? l.bankReference : undefined;
  return { ok: true, op: 'query', loadId, status, cardNo, amount, hostDate, hostTime, bankReference };
}

export const isUuid = (s: string): boolean => UUID.test(s);
