// ICBC's native online-load messages: fixed-width GBK records (layouts in README.md). Both
// directions are here so that the adapter (decode request, encode response) and the virtual branch
// (encode request, decode response) cannot drift apart.
import { decodeRecord, encodeRecord, FormatError, gbkBytes, widthOf, type Field, type Values } from './fixed-width.ts';

export const TRX_CODES = ['1001', '1002', '1003', '1004'] as const;
export type TrxCode = (typeof TRX_CODES)[number];
export const isTrxCode = (s: string): s is TrxCode => (TRX_CODES as readonly string[]).includes(s);

const SERIAL = /^[0-9A-Za-z]{20}$/;
const LOAD_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const REQUEST_HEAD: readonly Field[] = [
  { name: 'trxCode', width: 4, kind: 'ascii', pattern: /^[0-9]{4}$/ },
  { name: 'serial', width: 20, kind: 'ascii', pattern: SERIAL },
  { name: 'trxDate', width: 8, kind: 'date' },
  { name: 'trxTime', width: 6, kind: 'time' },
  { name: 'branchNo', width: 6, kind: 'ascii', pattern: /^[0-9]{6}$/ },
  { name: 'branchName', width: 30, kind: 'text' },
  { name: 'tellerNo', width: 6, kind: 'ascii', pattern: /^[0-9]{6}$/ },
  { name: 'tellerName', width: 10, kind: 'text' },
];

const loadId: Field = { name: 'loadId', width: 36, kind: 'ascii', pattern: LOAD_ID };

export const REQUEST_BODY: Record<TrxCode, readonly Field[]> = {
  '1001': [
    { name: 'cardNo', width: 20, kind: 'ascii', pattern: /^[0-9]{20}$/ },
    { name: 'amount', width: 12, kind: 'num' },
    { name: 'terminalId', width: 12, kind: 'hex' },
    { name: 'cardBalance', width: 12, kind: 'num' },
    { name: 'onlineSeq', width: 5, kind: 'num' },
    { name: 'keyVersion', width: 3, kind: 'num' },
    { name: 'algId', width: 3, kind: 'num' },
    { name: 'random', width: 8, kind: 'hex' },
    { name: 'mac1', width: 8, kind: 'hex' },
    { name: 'payAccount', width: 19, kind: 'ascii', pattern: /^[0-9]{12,19}$/ },
    { name: 'payerName', width: 20, kind: 'text' },
  ],
  '1002': [loadId, { name: 'tac', width: 8, kind: 'hex' }],
  '1003': [
    loadId,
    { name: 'reasonCode', width: 2, kind: 'ascii', pattern: /^0[1-3]$/ },
    { name: 'cardBalance', width: 12, kind: 'num' },
    { name: 'onlineSeq', width: 5, kind: 'num' },
  ],
  '1004': [loadId],
};

// trxCode and serial are echoed as received, blank when the request was too broken to read them
export const RESPONSE_HEAD: readonly Field[] = [
  { name: 'trxCode', width: 4, kind: 'ascii', pattern: /^[0-9]{4}$/, optional: true },
  { name: 'serial', width: 20, kind: 'ascii', pattern: SERIAL, optional: true },
  { name: 'respCode', width: 4, kind: 'ascii', pattern: /^[0-9]{4}$/ },
  { name: 'respMsg', width: 40, kind: 'text' },
  { name: 'respDate', width: 8, kind: 'date' },
  { name: 'respTime', width: 6, kind: 'time' },
];

export const RESPONSE_BODY: Record<TrxCode, readonly Field[]> = {
  '1001': [
    loadId,
    { name: 'mac2', width: 8, kind: 'hex' },
    { name: 'hostDate', width: 8, kind: 'date' },
    { name: 'hostTime', width: 6, kind: 'time' },
  ],
  '1002': [loadId, { name: 'balance', width: 12, kind: 'num' }],
  '1003': [loadId, { name: 'status', width: 2, kind: 'ascii', pattern: /^03$/ }],
  '1004': [
    loadId,
    { name: 'status', width: 2, kind: 'ascii', pattern: /^(01|02|03|99)$/ },
    { name: 'cardNo', width: 20, kind: 'ascii', pattern: /^[0-9]{20}$/ },
    { name: 'amount', width: 12, kind: 'num' },
    { name: 'hostDate', width: 8, kind: 'date' },
    { name: 'hostTime', width: 6, kind: 'time' },
  ],
};

export type RequestHead = {
  serial: string;
  trxDate: string;
  trxTime: string;
  branchNo: string;
  branchName: string;
  tellerNo: string;
  tellerName: string;
};
export type LoadInitBody = {
  cardNo: string;
  amount: number;
  terminalId: string;
  cardBalance: number;
  onlineSeq: number;
  keyVersion: number;
  algId: number;
  random: string;
  mac1: string;
  payAccount: string;
  payerName: string;
};
export type ConfirmBody = { loadId: string; tac: string };
export type ReversalBody = { loadId: string; reasonCode: '01' | '02' | '03'; cardBalance: number; onlineSeq: number };
export type QueryBody = { loadId: string };

export type IcbcRequest =
  | { trxCode: '1001'; head: RequestHead; body: LoadInitBody }
  | { trxCode: '1002'; head: RequestHead; body: ConfirmBody }
  | { trxCode: '1003'; head: RequestHead; body: ReversalBody }
  | { trxCode: '1004'; head: RequestHead; body: QueryBody };

export type ResponseHead = {
  trxCode?: string;
  serial?: string;
  respCode: string;
  respMsg: string;
  respDate: string;
  respTime: string;
};
export type QueryStatus = '01' | '02' | '03' | '99';
export type ResponseBody = {
  '1001': { loadId: string; mac2: string; hostDate: string; hostTime: string };
  '1002': { loadId: string; balance: number };
  '1003': { loadId: string; status: '03' };
  '1004': { loadId: string; status: QueryStatus; cardNo: string; amount: number; hostDate: string; hostTime: string };
};
/** A body is present only on success (respCode 0000), in the layout of the echoed trxCode. */
export type IcbcResponse = { head: ResponseHead; body?: ResponseBody[TrxCode] };

export const SUCCESS = '0000';

export function encodeRequest(req: IcbcRequest): Buffer {
  return Buffer.concat([
    encodeRecord(REQUEST_HEAD, { trxCode: req.trxCode, ...req.head }),
    encodeRecord(REQUEST_BODY[req.trxCode], req.body as Values),
  ]);
}

/** Throws FormatError; an unknown transaction code is its own problem ('trx-code'). */
export function decodeRequest(buf: Buffer): IcbcRequest {
  const headWidth = widthOf(REQUEST_HEAD);
  const code = buf.subarray(0, 4).toString('latin1');
  if (buf.length >= 4 && /^[0-9]{4}$/.test(code) && !isTrxCode(code))
    throw new FormatError('trx-code', `unknown transaction code ${code}`, 'trxCode');
  if (!isTrxCode(code))
    throw new FormatError(buf.length < headWidth ? 'length' : 'field', 'transaction code must be 4 digits', 'trxCode');
  const layout = REQUEST_BODY[code];
  if (buf.length !== headWidth + widthOf(layout))
    throw new FormatError('length', `a ${code} message is ${headWidth + widthOf(layout)} bytes, got ${buf.length}`);
  const { trxCode: _code, ...head } = decodeRecord(REQUEST_HEAD, buf.subarray(0, headWidth));
  const body = decodeRecord(layout, buf.subarray(headWidth));
  return { trxCode: code, head: head as RequestHead, body } as unknown as IcbcRequest;
}

export function encodeResponse(res: IcbcResponse): Buffer {
  const head = encodeRecord(RESPONSE_HEAD, res.head as Values);
  if (res.head.respCode !== SUCCESS) return head;
  const code = res.head.trxCode;
  if (!code || !isTrxCode(code) || !res.body)
    throw new FormatError('field', 'a successful response needs a known trxCode and a body', 'body');
  return Buffer.concat([head, encodeRecord(RESPONSE_BODY[code], res.body as Values)]);
}

export function decodeResponse(buf: Buffer): IcbcResponse {
  const headWidth = widthOf(RESPONSE_HEAD);
  if (buf.length < headWidth)
    throw new FormatError('length', `a response is at least ${headWidth} bytes, got ${buf.length}`);
  const head = decodeRecord(RESPONSE_HEAD, buf.subarray(0, headWidth)) as unknown as ResponseHead;
  if (head.respCode !== SUCCESS) {
    if (buf.length !== headWidth) throw new FormatError('length', 'a refusal carries no body');
    return { head };
  }
  const code = head.trxCode;
  if (!code || !isTrxCode(code)) throw new FormatError('field', 'success without a known transaction code', 'trxCode');
  const body = decodeRecord(RESPONSE_BODY[code], buf.subarray(headWidth));
  return { head, body: body as unknown as ResponseBody[TrxCode] };
}

/** Cuts text to at most `width` GBK bytes without splitting a character. */
export function fitGbk(text: string, width: number): string {
  let out = '';
  for (const ch of text) {
    if (gbkBytes(out + ch).length > width) break;
    out += ch;
  }
  return out.trim();
}
