// CMB's native online-load messages: <CMBMsg><Head>…</Head><Body>…</Body></CMBMsg> in UTF-8 (README.md).
// Each section has a fixed list of elements; unknown, repeated or nested ones are refused, missing
// ones are refused, and every value is checked against its format and length.
import { parseXml, writeXml, XmlError, type XmlElement, type XmlNode } from './xml.ts';

export const TRX_CODES = ['ETCLoadApply', 'ETCLoadConfirm', 'ETCLoadReverse', 'ETCLoadQuery'] as const;
export type TrxCode = (typeof TRX_CODES)[number];
const isTrxCode = (s: string): s is TrxCode => (TRX_CODES as readonly string[]).includes(s);

export type Problem = 'xml' | 'trx-code' | 'unknown-element' | 'missing-element' | 'bad-value';

export class CmbFormatError extends Error {
  readonly problem: Problem;
  readonly element: string | undefined;
  constructor(problem: Problem, message: string, element?: string) {
    super(element ? `${element}: ${message}` : message);
    this.name = 'CmbFormatError';
    this.problem = problem;
    this.element = element;
  }
}

type Spec = { tag: string; key: string; re: RegExp; max?: number; optional?: boolean };

const uint = (digits: number) => new RegExp(`^(0|[1-9][0-9]{0,${digits - 1}})$`);
const TEXT = (max: number) =>
  new RegExp(
    `^[^\\s\\u0000-\\u001f\\u007f](?:[^\\u0000-\\u001f\\u007f]{0,${max - 2}}[^\\s\\u0000-\\u001f\\u007f])?$`,
    'u',
  );
const DATE = /^(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/;
const TIME = /^([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/;
const HEX8 = /^[0-9A-F]{8}$/;
const LOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NUMERIC_KEYS = new Set(['amount', 'cardBalance', 'onlineSeq', 'keyVersion', 'algId', 'balance']);

export const REQUEST_HEAD: readonly Spec[] = [
  { tag: 'TrxCode', key: 'trxCode', re: /^[A-Za-z]{1,32}$/ },
  { tag: 'Serial', key: 'serial', re: /^[0-9A-Za-z]{1,32}$/ },
  { tag: 'TrxDate', key: 'trxDate', re: DATE },
  { tag: 'TrxTime', key: 'trxTime', re: TIME },
  { tag: 'BranchNo', key: 'branchNo', re: /^[0-9]{4,10}$/ },
  { tag: 'Operator', key: 'operator', re: TEXT(20) },
];

const loadId: Spec = { tag: 'LoadId', key: 'loadId', re: LOAD_ID };
const cardNo: Spec = { tag: 'CardNo', key: 'cardNo', re: /^[0-9]{20}$/ };
const amount: Spec = { tag: 'Amount', key: 'amount', re: uint(12) };
const cardBalance: Spec = { tag: 'CardBalance', key: 'cardBalance', re: uint(10), max: 0xffff_ffff };
const onlineSeq: Spec = { tag: 'OnlineSeq', key: 'onlineSeq', re: uint(5), max: 0xffff };
const hostDate: Spec = { tag: 'HostDate', key: 'hostDate', re: DATE };
const hostTime: Spec = { tag: 'HostTime', key: 'hostTime', re: TIME };

export const REQUEST_BODY: Record<TrxCode, readonly Spec[]> = {
  ETCLoadApply: [
    cardNo,
    amount,
    { tag: 'TerminalId', key: 'terminalId', re: /^[0-9A-F]{12}$/ },
    cardBalance,
    onlineSeq,
    { tag: 'KeyVersion', key: 'keyVersion', re: uint(3), max: 0xff },
    { tag: 'AlgId', key: 'algId', re: uint(3), max: 0xff },
    { tag: 'Random', key: 'random', re: HEX8 },
    { tag: 'Mac1', key: 'mac1', re: HEX8 },
    { tag: 'PayAccount', key: 'payAccount', re: /^[0-9]{12,19}$/ },
    { tag: 'PayerName', key: 'payerName', re: TEXT(30) },
  ],
  ETCLoadConfirm: [loadId, { tag: 'Tac', key: 'tac', re: HEX8 }],
  ETCLoadReverse: [
    loadId,
    { tag: 'Reason', key: 'reason', re: /^(CARD_WRITE_FAILED|CUSTOMER_CANCELLED|TERMINAL_TIMEOUT)$/ },
    cardBalance,
    onlineSeq,
  ],
  ETCLoadQuery: [loadId],
};

export const RESPONSE_HEAD: readonly Spec[] = [
  { tag: 'TrxCode', key: 'trxCode', re: /^[A-Za-z]{1,32}$/, optional: true },
  { tag: 'Serial', key: 'serial', re: /^[0-9A-Za-z]{1,32}$/, optional: true },
  { tag: 'RetCode', key: 'retCode', re: /^(CMB0000|E[0-9]{4})$/ },
  { tag: 'RetMsg', key: 'retMsg', re: TEXT(100) },
  { tag: 'RespDate', key: 'respDate', re: DATE },
  { tag: 'RespTime', key: 'respTime', re: TIME },
];

export const RESPONSE_BODY: Record<TrxCode, readonly Spec[]> = {
  ETCLoadApply: [loadId, { tag: 'Mac2', key: 'mac2', re: HEX8 }, hostDate, hostTime],
  ETCLoadConfirm: [loadId, { tag: 'Balance', key: 'balance', re: uint(10), max: 0xffff_ffff }],
  ETCLoadReverse: [loadId, { tag: 'Status', key: 'status', re: /^REVERSED$/ }],
  ETCLoadQuery: [
    loadId,
    { tag: 'Status', key: 'status', re: /^(AUTHORISED|CONFIRMED|REVERSED|UNKNOWN)$/ },
    cardNo,
    amount,
    hostDate,
    hostTime,
  ],
};

export type RequestHead = { serial: string; trxDate: string; trxTime: string; branchNo: string; operator: string };
export type ReverseReason = 'CARD_WRITE_FAILED' | 'CUSTOMER_CANCELLED' | 'TERMINAL_TIMEOUT';
export type RequestBody = {
  ETCLoadApply: {
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
  ETCLoadConfirm: { loadId: string; tac: string };
  ETCLoadReverse: { loadId: string; reason: ReverseReason; cardBalance: number; onlineSeq: number };
  ETCLoadQuery: { loadId: string };
};
export type CmbRequest = { [K in TrxCode]: { trxCode: K; head: RequestHead; body: RequestBody[K] } }[TrxCode];

export type ResponseHead = {
  trxCode?: string;
  serial?: string;
  retCode: string;
  retMsg: string;
  respDate: string;
  respTime: string;
};
export type QueryStatus = 'AUTHORISED' | 'CONFIRMED' | 'REVERSED' | 'UNKNOWN';
export type ResponseBody = {
  ETCLoadApply: { loadId: string; mac2: string; hostDate: string; hostTime: string };
  ETCLoadConfirm: { loadId: string; balance: number };
  ETCLoadReverse: { loadId: string; status: 'REVERSED' };
  ETCLoadQuery: {
    loadId: string;
    status: QueryStatus;
    cardNo: string;
    amount: number;
    hostDate: string;
    hostTime: string;
  };
};
export type CmbResponse = { head: ResponseHead; body?: ResponseBody[TrxCode] };

export const SUCCESS = 'CMB0000';

type Values = Record<string, string | number>;

function readSection(el: XmlElement, specs: readonly Spec[]): Values {
  if (el.text !== '') throw new CmbFormatError('bad-value', 'must contain elements, not text', el.name);
  const out: Values = {};
  for (const child of el.children) {
    const spec = specs.find((s) => s.tag === child.name);
    if (!spec) throw new CmbFormatError('unknown-element', `not allowed in ${el.name}`, child.name);
    if (spec.key in out) throw new CmbFormatError('unknown-element', 'appears more than once', child.name);
    if (child.children.length > 0) throw new CmbFormatError('unknown-element', 'must not contain elements', child.name);
    if (child.text === '' && spec.optional) continue;
    if (child.text === '') throw new CmbFormatError('missing-element', 'is empty', child.name);
    if (!spec.re.test(child.text)) throw new CmbFormatError('bad-value', 'has the wrong format or length', child.name);
    const value = NUMERIC_KEYS.has(spec.key) ? Number(child.text) : child.text;
    if (typeof value === 'number' && (!Number.isSafeInteger(value) || (spec.max !== undefined && value > spec.max))) {
      throw new CmbFormatError('bad-value', 'is out of range', child.name);
    }
    out[spec.key] = value;
  }
  const missing = specs.find((s) => !s.optional && !(s.key in out));
  if (missing) throw new CmbFormatError('missing-element', `is required in ${el.name}`, missing.tag);
  return out;
}

function writeSection(name: string, specs: readonly Spec[], values: Record<string, unknown>): XmlNode {
  const children: XmlNode[] = [];
  for (const s of specs) {
    const v = values[s.key];
    if (v === undefined || v === '') {
      if (s.optional) continue;
      throw new CmbFormatError('missing-element', 'is required', s.tag);
    }
    const text = String(v);
    if (!s.re.test(text)) throw new CmbFormatError('bad-value', 'has the wrong format or length', s.tag);
    children.push({ name: s.tag, value: text });
  }
  return { name, value: children };
}

function envelope(xml: Buffer | string): { head: XmlElement; body: XmlElement } {
  let root: XmlElement;
  try {
    const text = typeof xml === 'string' ? xml : new TextDecoder('utf-8', { fatal: true }).decode(xml);
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlError) throw new CmbFormatError('xml', e.message);
    if (e instanceof TypeError) throw new CmbFormatError('xml', 'the message is not valid UTF-8');
    throw e;
  }
  if (root.name !== 'CMBMsg') throw new CmbFormatError('unknown-element', 'the root element must be CMBMsg', root.name);
  const [head, body, ...rest] = root.children;
  if (head?.name !== 'Head')
    throw new CmbFormatError(
      head ? 'unknown-element' : 'missing-element',
      'CMBMsg must start with Head',
      head?.name ?? 'Head',
    );
  if (body?.name !== 'Body')
    throw new CmbFormatError(
      body ? 'unknown-element' : 'missing-element',
      'Head must be followed by Body',
      body?.name ?? 'Body',
    );
  if (rest.length) throw new CmbFormatError('unknown-element', 'nothing may follow Body', rest[0].name);
  return { head, body };
}

/** Best effort: TrxCode and Serial of a message that fails validation, for the echo in the refusal. */
export function echoOf(xml: Buffer | string): { trxCode?: string; serial?: string } {
  try {
    const { head } = envelope(xml);
    const pick = (tag: string, re: RegExp) => head.children.find((c) => c.name === tag && re.test(c.text))?.text;
    const trxCode = pick('TrxCode', /^[A-Za-z]{1,32}$/);
    const serial = pick('Serial', /^[0-9A-Za-z]{1,32}$/);
    return { ...(trxCode ? { trxCode } : {}), ...(serial ? { serial } : {}) };
  } catch {
    return {};
  }
}

export function decodeRequest(xml: Buffer | string): CmbRequest {
  const { head, body } = envelope(xml);
  const h = readSection(head, REQUEST_HEAD);
  const code = String(h.trxCode);
  if (!isTrxCode(code)) throw new CmbFormatError('trx-code', `unknown transaction code ${code}`, 'TrxCode');
  const { trxCode: _c, ...rest } = h;
  return {
    trxCode: code,
    head: rest as RequestHead,
    body: readSection(body, REQUEST_BODY[code]),
  } as unknown as CmbRequest;
}

export function encodeRequest(req: CmbRequest): Buffer {
  const head = writeSection('Head', REQUEST_HEAD, { trxCode: req.trxCode, ...req.head });
  const body = writeSection('Body', REQUEST_BODY[req.trxCode], req.body);
  return Buffer.from(writeXml({ name: 'CMBMsg', value: [head, body] }), 'utf8');
}

export function encodeResponse(res: CmbResponse): Buffer {
  const head = writeSection('Head', RESPONSE_HEAD, res.head);
  let body: XmlNode = { name: 'Body', value: [] };
  if (res.head.retCode === SUCCESS) {
    const code = res.head.trxCode;
    if (!code || !isTrxCode(code) || !res.body)
      throw new CmbFormatError('missing-element', 'a successful response needs a known TrxCode and a body', 'Body');
    body = writeSection('Body', RESPONSE_BODY[code], res.body);
  }
  return Buffer.from(writeXml({ name: 'CMBMsg', value: [head, body] }), 'utf8');
}

export function decodeResponse(xml: Buffer | string): CmbResponse {
  const { head, body } = envelope(xml);
  const h = readSection(head, RESPONSE_HEAD) as unknown as ResponseHead;
  if (h.retCode !== SUCCESS) {
    if (body.children.length || body.text)
      throw new CmbFormatError('unknown-element', 'a refusal carries an empty Body', 'Body');
    return { head: h };
  }
  const code = h.trxCode;
  if (!code || !isTrxCode(code)) throw new CmbFormatError('trx-code', 'success without a known TrxCode', 'TrxCode');
  return { head: h, body: readSection(body, RESPONSE_BODY[code]) as unknown as ResponseBody[TrxCode] };
}
