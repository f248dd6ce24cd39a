// ICBC adapter: fixed-width GBK messages over HTTP POST /trx, day files over POST /reconciliation/{date}.
// A message the adapter cannot read is answered in ICBC's format with a 9xxx code and never reaches
// the centre; everything the centre answers, including failures, becomes an ICBC response code.
import express, { type Request, type Response } from 'express';
import { nativeCodeFor } from '../centre-codes.ts';
import { CentreClient, type CentreClientOptions, type ReconComparison } from '../centre-client.ts';
import { perform, REVERSAL_REASONS, type ChannelRequest, type ChannelResult } from '../channel.ts';
import { beijingStamp, isIsoDate, reconKey } from '../common.ts';
import { CENTRE_TO_ICBC, ICBC_CODES, type IcbcCode } from './codes.ts';
import { FormatError, type FormatProblem } from './fixed-width.ts';
import {
  decodeRequest,
  encodeResponse,
  fitGbk,
  SUCCESS,
  type IcbcRequest,
  type IcbcResponse,
  type QueryStatus,
  type ResponseBody,
} from './messages.ts';
import { BANK_REFERENCE_PREFIX, parseDayFile } from './recon-file.ts';

export type IcbcAdapterOptions = CentreClientOptions & { maxMessageBytes?: number; maxFileBytes?: number };

export const CONTENT_TYPE = 'text/plain; charset=GBK';

const PROBLEM_CODE: Record<FormatProblem, IcbcCode> = {
  length: '9001',
  'trx-code': '9002',
  field: '9003',
  encoding: '9004',
};
const QUERY_STATUS = { authorised: '01', confirmed: '02', reversed: '03', unknown: '99' } as const satisfies Record<
  string,
  QueryStatus
>;
const REASONS = { '01': REVERSAL_REASONS[0], '02': REVERSAL_REASONS[1], '03': REVERSAL_REASONS[2] } as const;
const MAX = { balance: 0xffff_ffff, seq: 0xffff, byte: 0xff };

function isGbkText(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  return type === 'text/plain' && params.some((p) => p === 'charset=gbk' || p === 'charset="gbk"');
}

// Ranges the fixed widths alone do not enforce (5 digits hold 99999, a card register only 65535).
function rangeProblem(req: IcbcRequest): string | null {
  if (req.trxCode === '1001') {
    const b = req.body;
    if (b.cardBalance > MAX.balance) return 'cardBalance';
    if (b.onlineSeq > MAX.seq) return 'onlineSeq';
    if (b.keyVersion > MAX.byte) return 'keyVersion';
    if (b.algId > MAX.byte) return 'algId';
  }
  if (req.trxCode === '1003') {
    if (req.body.cardBalance > MAX.balance) return 'cardBalance';
    if (req.body.onlineSeq > MAX.seq) return 'onlineSeq';
  }
  return null;
}

export function toChannel(req: IcbcRequest): ChannelRequest {
  const serial = req.head.serial;
  switch (req.trxCode) {
    case '1001': {
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
    case '1002':
      return { op: 'confirm', serial, loadId: req.body.loadId.toLowerCase(), tac: req.body.tac };
    case '1003':
      return {
        op: 'reverse',
        serial,
        loadId: req.body.loadId.toLowerCase(),
        reason: REASONS[req.body.reasonCode],
        card: { balance: req.body.cardBalance, onlineSeq: req.body.onlineSeq },
      };
    case '1004':
      return { op: 'query', serial, loadId: req.body.loadId.toLowerCase() };
  }
}

function successBody(r: ChannelResult & { ok: true }): ResponseBody[keyof ResponseBody] {
  switch (r.op) {
    case 'apply':
      return { loadId: r.loadId, mac2: r.mac2, hostDate: r.hostDate, hostTime: r.hostTime };
    case 'confirm':
      return { loadId: r.loadId, balance: r.balance };
    case 'reverse':
      return { loadId: r.loadId, status: '03' };
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

/** Reads what can be echoed from a message too broken to decode. */
function echoOf(buf: Buffer): { trxCode?: string; serial?: string } {
  const code = buf.subarray(0, 4).toString('latin1');
  const serial = buf.subarray(4, 24).toString('latin1');
  return {
    ...(/^[0-9]{4}$/.test(code) ? { trxCode: code } : {}),
    ...(/^[0-9A-Za-z]{20}$/.test(serial) ? { serial } : {}),
  };
}

function response(
  now: number,
  echo: { trxCode?: string; serial?: string },
  code: IcbcCode,
  detail?: string,
  body?: IcbcResponse['body'],
): Buffer {
  const { date, time } = beijingStamp(now);
  const respMsg = fitGbk(detail ? `${ICBC_CODES[code]}:${detail}` : ICBC_CODES[code], 40);
  return encodeResponse({
    head: { ...echo, respCode: code, respMsg, respDate: date, respTime: time },
    ...(body ? { body } : {}),
  });
}

/** One native message in, one native message out. Exported for tests that bypass HTTP. */
export async function handleIcbcMessage(
  client: CentreClient,
  raw: Buffer,
  contentType: string | undefined,
  now: () => number,
): Promise<Buffer> {
  if (!isGbkText(contentType)) return response(now(), echoOf(raw), '9004', 'Content-Type');
  let req: IcbcRequest;
  try {
    req = decodeRequest(raw);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return response(now(), echoOf(raw), PROBLEM_CODE[e.problem], e.field);
  }
  const echo = { trxCode: req.trxCode, serial: req.head.serial };
  const bad = rangeProblem(req);
  if (bad) return response(now(), echo, '9003', bad);
  const result = await perform(client, toChannel(req));
  if (!result.ok) return response(now(), echo, nativeCodeFor(CENTRE_TO_ICBC, result));
  return response(now(), echo, SUCCESS, undefined, successBody(result));
}

export type ReconResult =
  | { ok: true; comparison: ReconComparison }
  | { ok: false; status: number; code: IcbcCode; message: string; centreCode?: string };

/** Converts ICBC's day file to the channel's lines and posts them; 400 for a refused file, 502 when the centre refuses or fails. */
export async function reconcileIcbcFile(client: CentreClient, date: string, file: Buffer): Promise<ReconResult> {
  if (!isIsoDate(date)) return { ok: false, status: 400, code: '9005', message: 'the date must be YYYY-MM-DD' };
  let lines;
  try {
    lines = parseDayFile(file, date);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return { ok: false, status: 400, code: '9005', message: e.message };
  }
  const r = await client.postReconciliation(reconKey('ICBC', date, file), date, lines);
  if (r.ok) return { ok: true, comparison: r.body };
  const code = nativeCodeFor(CENTRE_TO_ICBC, r);
  return { ok: false, status: 502, code, message: ICBC_CODES[code], centreCode: r.code };
}

export function createIcbcAdapter(opts: IcbcAdapterOptions): express.Express {
  const client = new CentreClient(opts);
  const now = opts.now ?? Date.now;
  const app = express();
  app.disable('x-powered-by');
  const raw = (limit: number) => express.raw({ type: () => true, limit });

  app.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok', bank: 'ICBC' });
  });

  app.post('/trx', raw(opts.maxMessageBytes ?? 4096), async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let out: Buffer;
    try {
      out = await handleIcbcMessage(client, body, req.get('content-type'), now);
    } catch {
      out = response(now(), echoOf(body), '9801'); // a bug here must still answer in ICBC's format
    }
    res.status(200).type(CONTENT_TYPE).send(out);
  });

  app.post('/reconciliation/:date', raw(opts.maxFileBytes ?? 50 * 1024 * 1024), async (req: Request, res: Response) => {
    const r = await reconcileIcbcFile(
      client,
      String(req.params.date),
      Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    );
    if (r.ok) return void res.status(200).json(r.comparison);
    res
      .status(r.status)
      .json({ error: { code: r.code, message: r.message, ...(r.centreCode ? { centreCode: r.centreCode } : {}) } });
  });

  // body too large or a fault: on /trx still an ICBC answer
  app.use((err: { type?: string }, req: Request, res: Response, _next: () => void) => {
    if (req.path === '/trx')
      return void res
        .status(200)
        .type(CONTENT_TYPE)
        .send(response(now(), {}, err?.type === 'entity.too.large' ? '9001' : '9004'));
    if (err?.type === 'entity.too.large')
      return void res.status(413).json({ error: { code: '9005', message: 'file too large' } });
    res.status(500).json({ error: { code: '9801', message: ICBC_CODES['9801'] } });
  });
  return app;
}
