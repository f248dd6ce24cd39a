// CMB adapter: XML messages over HTTP POST /trx, CSV day files over POST /reconciliation/{date}.
// A message that fails validation is answered in CMB's format with an E90xx code and never reaches
// the centre; everything the centre answers, including failures, becomes a CMB return code.
import express, { type Request, type Response } from 'express';
import { nativeCodeFor } from '../centre-codes.ts';
import { CentreClient, type CentreClientOptions, type ReconComparison } from '../centre-client.ts';
import { perform, type ChannelRequest, type ChannelResult, type ReversalReason } from '../channel.ts';
import { beijingStamp, isIsoDate, reconKey } from '../common.ts';
import { CENTRE_TO_CMB, CMB_CODES, type CmbCode } from './codes.ts';
import {
  CmbFormatError,
  decodeRequest,
  echoOf,
  encodeResponse,
  SUCCESS,
  type CmbRequest,
  type CmbResponse,
  type Problem,
  type QueryStatus,
  type ResponseBody,
  type ReverseReason,
} from './messages.ts';
import { CsvError, parseDayFile, BANK_REFERENCE_PREFIX } from './recon-file.ts';

export type CmbAdapterOptions = CentreClientOptions & { maxMessageBytes?: number; maxFileBytes?: number };

export const CONTENT_TYPE = 'application/xml; charset=UTF-8';

const PROBLEM_CODE: Record<Problem, CmbCode> = {
  xml: 'E9001',
  'trx-code': 'E9002',
  'unknown-element': 'E9003',
  'missing-element': 'E9004',
  'bad-value': 'E9005',
};
const REASONS: Record<ReverseReason, ReversalReason> = {
  CARD_WRITE_FAILED: 'card-write-failed',
  CUSTOMER_CANCELLED: 'customer-cancelled',
  TERMINAL_TIMEOUT: 'terminal-timeout',
};
const QUERY_STATUS = {
  authorised: 'AUTHORISED',
  confirmed: 'CONFIRMED',
  reversed: 'REVERSED',
  unknown: 'UNKNOWN',
} as const satisfies Record<string, QueryStatus>;

function isXml(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  return (type === 'application/xml' || type === 'text/xml') && (charset === undefined || charset === 'utf-8');
}

export function toChannel(req: CmbRequest): ChannelRequest {
  const serial = req.head.serial;
  switch (req.trxCode) {
    case 'ETCLoadApply': {
      const b = req.body;
      return {
        op: 'apply',
        serial,
        reference: BANK_REFERENCE_PREFIX + serial,
        cardNo: b.cardNo,
        amount: b.amount,
        terminalId: b.terminalId,
        card: {
          balance: b.cardBalance,
          onlineSeq: b.onlineSeq,
          keyVersion: b.keyVersion,
          algId: b.algId,
          random: b.random,
          mac1: b.mac1,
        },
      };
    }
    case 'ETCLoadConfirm':
      return { op: 'confirm', serial, loadId: req.body.loadId, tac: req.body.tac };
    case 'ETCLoadReverse':
      return {
        op: 'reverse',
        serial,
        loadId: req.body.loadId,
        reason: REASONS[req.body.reason],
        card: { balance: req.body.cardBalance, onlineSeq: req.body.onlineSeq },
      };
    case 'ETCLoadQuery':
      return { op: 'query', serial, loadId: req.body.loadId };
  }
}

function successBody(r: ChannelResult & { ok: true }): ResponseBody[keyof ResponseBody] {
  switch (r.op) {
    case 'apply':
      return { loadId: r.loadId, mac2: r.mac2, hostDate: r.hostDate, hostTime: r.hostTime };
    case 'confirm':
      return { loadId: r.loadId, balance: r.balance };
    case 'reverse':
      return { loadId: r.loadId, status: 'REVERSED' };
    case 'query':
      return {
        loadId: r.loadId,
        status: QUERY_STATUS[r.status],
        cardNo: r.cardNo,
        amount: r.amount,
        hostDate: r.hostDate,
        hostTime: r.hostTime,
      };
  }
}

function response(
  now: number,
  echo: { trxCode?: string; serial?: string },
  code: CmbCode,
  detail?: string,
  body?: CmbResponse['body'],
): Buffer {
  const { date, time } = beijingStamp(now);
  const retMsg = detail ? `${CMB_CODES[code]}: ${detail}` : CMB_CODES[code];
  return encodeResponse({
    head: { ...echo, retCode: code, retMsg, respDate: date, respTime: time },
    ...(body ? { body } : {}),
  });
}

/** One native message in, one native message out. Exported for tests that bypass HTTP. */
export async function handleCmbMessage(
  client: CentreClient,
  raw: Buffer,
  contentType: string | undefined,
  now: () => number,
): Promise<Buffer> {
  if (!isXml(contentType)) return response(now(), echoOf(raw), 'E9001', 'Content-Type');
  let req: CmbRequest;
  try {
    req = decodeRequest(raw);
  } catch (e) {
    if (!(e instanceof CmbFormatError)) throw e;
    // the element name helps the bank find its bug; the XML parser's own text could echo input, so not that
    return response(now(), echoOf(raw), PROBLEM_CODE[e.problem], e.element);
  }
  const echo = { trxCode: req.trxCode, serial: req.head.serial };
  const result = await perform(client, toChannel(req));
  if (!result.ok) return response(now(), echo, nativeCodeFor(CENTRE_TO_CMB, result));
  return response(now(), echo, SUCCESS, undefined, successBody(result));
}

export type ReconResult =
  | { ok: true; comparison: ReconComparison }
  | { ok: false; status: number; code: CmbCode; message: string; centreCode?: string };

/** Converts CMB's day file to the channel's lines and posts them; 400 for a refused file, 502 when the centre refuses or fails. */
export async function reconcileCmbFile(client: CentreClient, date: string, file: Buffer): Promise<ReconResult> {
  if (!isIsoDate(date)) return { ok: false, status: 400, code: 'E9006', message: 'the date must be YYYY-MM-DD' };
  let lines;
  try {
    lines = parseDayFile(file);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return { ok: false, status: 400, code: 'E9006', message: e.message };
  }
  const r = await client.postReconciliation(reconKey('CMB', date, file), date, lines);
  if (r.ok) return { ok: true, comparison: r.body };
  const code = nativeCodeFor(CENTRE_TO_CMB, r);
  return { ok: false, status: 502, code, message: CMB_CODES[code], centreCode: r.code };
}

export function createCmbAdapter(opts: CmbAdapterOptions): express.Express {
  const client = new CentreClient(opts);
  const now = opts.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  const raw = (limit: number) => express.raw({ type: () => true, limit });

  app.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok', bank: 'CMB' });
  });

  app.post('/trx', raw(opts.maxMessageBytes ?? 16 * 1024), async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let out: Buffer;
    try {
      out = await handleCmbMessage(client, body, req.get('content-type'), now);
    } catch {
      out = response(now(), echoOf(body), 'E9801'); // a bug here must still answer in CMB's format
    }
    res.status(200).type(CONTENT_TYPE).send(out);
  });

  app.post('/reconciliation/:date', raw(opts.maxFileBytes ?? 50 * 1024 * 1024), async (req: Request, res: Response) => {
    const r = await reconcileCmbFile(
      client,
      String(req.params.date),
      Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    );
    if (r.ok) return void res.status(200).json(r.comparison);
    res
      .status(r.status)
      .json({ error: { code: r.code, message: r.message, ...(r.centreCode ? { centreCode: r.centreCode } : {}) } });
  });

  app.use((err: { type?: string }, req: Request, res: Response, _next: () => void) => {
    if (req.path === '/trx')
      return void res
        .status(200)
        .type(CONTENT_TYPE)
        .send(response(now(), {}, err?.type === 'entity.too.large' ? 'E9005' : 'E9001', 'body'));
    if (err?.type === 'entity.too.large')
      return void res.status(413).json({ error: { code: 'E9006', message: 'file too large' } });
    res.status(500).json({ error: { code: 'E9801', message: CMB_CODES.E9801 } });
  });
  return app;
}
