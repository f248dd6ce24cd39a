// The banks' native formats: every message round-trips, GBK widths are bytes, malformed messages get
// the bank's own refusal code without reaching the centre, and every centre error code has a native code.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import iconv from 'iconv-lite';
import { stringToSign } from '../../src/platform/http/auth.ts';
import { CENTRE_ERROR_CODES, CHANNEL_ERROR_CODES, nativeCodeFor } from '../../bank-adapters/centre-codes.ts';
import { CentreClient } from '../../bank-adapters/centre-client.ts';
import { CENTRE_TO_ICBC, ICBC_CODES } from '../../bank-adapters/icbc/codes.ts';
import { handleIcbcMessage, reconcileIcbcFile } from '../../bank-adapters/icbc/adapter.ts';
import * as icbc from '../../bank-adapters/icbc/messages.ts';
import { widthOf, FormatError } from '../../bank-adapters/icbc/fixed-width.ts';
import * as icbcFile from '../../bank-adapters/icbc/recon-file.ts';
import { CENTRE_TO_CMB, CMB_CODES } from '../../bank-adapters/cmb/codes.ts';
import { handleCmbMessage, reconcileCmbFile } from '../../bank-adapters/cmb/adapter.ts';
import * as cmb from '../../bank-adapters/cmb/messages.ts';
import * as cmbFile from '../../bank-adapters/cmb/recon-file.ts';

const NOW = Date.UTC(2026, 10, 22, 1, 30, 15); // 2026-11-22 09:30:15 Beijing
const LOAD_ID = '0b8e7a38-6f0d-4b39-9d4e-6a1c4e0e9b11';
const CARD = '34011901220111000001';
const GBK = 'text/plain; charset=GBK';
const XML = 'application/xml';

type Call = { url: string; method: string; headers: Record<string, string>; body: string };
// A centre stand-in: records what the adapter sent and answers with the given status and body.
function fakeCentre(answer: (call: Call) => { status: number; body: unknown } | 'network-error') {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body ? Buffer.from(init.body as Buffer).toString('utf8') : '',
    };
    calls.push(call);
    const a = answer(call);
    if (a === 'network-error') throw new TypeError('fetch failed');
    return new Response(typeof a.body === 'string' ? a.body : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'Content-Type': 'application/json' },
    });
  }) as typeof fetch;
  return {
    calls,
    client: new CentreClient({
      centreUrl: 'http://centre.test',
      clientId: 'ICBC01',
      secret: 's3cret',
      now: () => NOW,
      fetch: fetchImpl,
    }),
  };
}
// answers like a centre but the test checks afterwards that it was never called
const never = () =>
  fakeCentre(() => ({ status: 500, body: { error: { code: 'internal', message: 'must not be called' } } }));

const icbcHead = {
  serial: '20261122000000000017',
  trxDate: '20261122',
  trxTime: '093015',
  branchNo: '340101',
  branchName: '合肥长江中路支行',
  tellerNo: '000123',
  tellerName: '王小明',
};
const icbcApply: icbc.IcbcRequest = {
  trxCode: '1001',
  head: icbcHead,
  body: {
    cardNo: CARD,
    amount: 10_000,
    terminalId: '0B0A0C0D0E0F',
    cardBalance: 2500,
    onlineSeq: 7,
    keyVersion: 150,
    algId: 0,
    random: '1A2B3C4D',
    mac1: '8F00A1B2',
    payAccount: '6222021302000123456',
    payerName: '张三',
  },
};
const icbcRequests: icbc.IcbcRequest[] = [
  icbcApply,
  { trxCode: '1002', head: icbcHead, body: { loadId: LOAD_ID, tac: '422E9358' } },
  { trxCode: '1003', head: icbcHead, body: { loadId: LOAD_ID, reasonCode: '01', cardBalance: 2500, onlineSeq: 7 } },
  { trxCode: '1004', head: icbcHead, body: { loadId: LOAD_ID } },
];
const cmbHead = {
  serial: 'CMB2026112200000000000017',
  trxDate: '20261122',
  trxTime: '093015',
  branchNo: '0551001',
  operator: '李明',
};
const cmbApply: cmb.CmbRequest = {
  trxCode: 'ETCLoadApply',
  head: cmbHead,
  body: { ...icbcApply.body, payAccount: '6225880212345678', payerName: 'Tom & "Jerry" <张>' },
};
const cmbRequests: cmb.CmbRequest[] = [
  cmbApply,
  { trxCode: 'ETCLoadConfirm', head: cmbHead, body: { loadId: LOAD_ID, tac: '422E9358' } },
  {
    trxCode: 'ETCLoadReverse',
    head: cmbHead,
    body: { loadId: LOAD_ID, reason: 'CUSTOMER_CANCELLED', cardBalance: 2500, onlineSeq: 7 },
  },
  { trxCode: 'ETCLoadQuery', head: cmbHead, body: { loadId: LOAD_ID } },
];

describe('ICBC fixed-width GBK messages', () => {
  it('have the documented lengths and offsets', () => {
    assert.equal(widthOf(icbc.REQUEST_HEAD), 90);
    assert.deepEqual(
      icbc.TRX_CODES.map((c) => 90 + widthOf(icbc.REQUEST_BODY[c])),
      [212, 134, 145, 126],
    );
    assert.equal(widthOf(icbc.RESPONSE_HEAD), 82);
    assert.deepEqual(
      icbc.TRX_CODES.map((c) => 82 + widthOf(icbc.RESPONSE_BODY[c])),
      [140, 130, 120, 166],
    );
    assert.equal(widthOf(icbcFile.HEADER), 36);
    assert.equal(widthOf(icbcFile.DETAIL), 134);
    const raw = icbc.encodeRequest(icbcApply);
    assert.equal(raw.subarray(165, 173).toString('latin1'), '8F00A1B2');
    assert.equal(raw.subarray(110, 122).toString('latin1'), '000000010000');
  });

  it('round-trip every request and every response', () => {
    for (const req of icbcRequests) assert.deepEqual(icbc.decodeRequest(icbc.encodeRequest(req)), req);
    const head = {
      serial: icbcHead.serial,
      respCode: '0000',
      respMsg: '交易成功',
      respDate: '20261122',
      respTime: '093016',
    };
    const responses: icbc.IcbcResponse[] = [
      {
        head: { trxCode: '1001', ...head },
        body: { loadId: LOAD_ID, mac2: '3A845BF0', hostDate: '20261122', hostTime: '093015' },
      },
      { head: { trxCode: '1002', ...head }, body: { loadId: LOAD_ID, balance: 12_500 } },
      { head: { trxCode: '1003', ...head }, body: { loadId: LOAD_ID, status: '03' } },
      {
        head: { trxCode: '1004', ...head },
        body: { loadId: LOAD_ID, status: '02', cardNo: CARD, amount: 10_000, hostDate: '20261122', hostTime: '093015' },
      },
      { head: { trxCode: '1001', ...head, respCode: '1004', respMsg: 'MAC1校验失败' } },
      { head: { respCode: '9001', respMsg: '报文长度错误', respDate: '20261122', respTime: '093016' } },
    ];
    for (const res of responses) assert.deepEqual(icbc.decodeResponse(icbc.encodeResponse(res)), res);
  });

  it('count Chinese text in GBK bytes: two per character, space-padded', () => {
    const raw = icbc.encodeRequest(icbcApply);
    const name = raw.subarray(44, 74);
    assert.deepEqual(name.subarray(0, 16), iconv.encode('合肥长江中路支行', 'gbk'));
    assert.ok(name.subarray(16).every((b) => b === 0x20));
    assert.deepEqual(raw.subarray(80, 90), Buffer.concat([iconv.encode('王小明', 'gbk'), Buffer.from('    ')]));
    // 15 characters fit the 30-byte field, 16 do not; a character GBK lacks is refused, not replaced
    const withName = (branchName: string) => icbc.encodeRequest({ ...icbcApply, head: { ...icbcHead, branchName } });
    assert.equal(withName('一'.repeat(15)).length, 212);
    assert.throws(
      () => withName('一'.repeat(16)),
      (e: unknown) => e instanceof FormatError && e.field === 'branchName',
    );
    assert.throws(
      () => withName('支行😀'),
      (e: unknown) => e instanceof FormatError && e.problem === 'encoding',
    );
    assert.equal(icbc.fitGbk('中心系统异常，结果未知:someVeryLongFieldName', 30), '中心系统异常，结果未知:someVer');
  });

  it('refuse malformed messages with ICBC codes, never forwarding them', async () => {
    const good = icbc.encodeRequest(icbcApply);
    const patch = (at: number, text: string | Buffer) => {
      const b = Buffer.from(good);
      (typeof text === 'string' ? Buffer.from(text, 'latin1') : text).copy(b, at);
      return b;
    };
    const cases: Array<[string, Buffer, string, string]> = [
      ['too short', good.subarray(0, 211), GBK, '9001'],
      ['too long', Buffer.concat([good, Buffer.from(' ')]), GBK, '9001'],
      ['empty', Buffer.alloc(0), GBK, '9001'],
      ['unknown transaction code', patch(0, '1009'), GBK, '9002'],
      ['letters in the amount', patch(110, '00000001000A'), GBK, '9003'],
      ['lower-case MAC1', patch(165, '8f00a1b2'), GBK, '9003'],
      ['online sequence beyond 2 bytes', patch(146, '70000'), GBK, '9003'],
      ['impossible date', patch(24, '20260230'), GBK, '9003'],
      ['short serial', patch(4, '2026112200000000001 '), GBK, '9003'],
      ['a Chinese character cut by the field end', patch(73, iconv.encode('王', 'gbk')), GBK, '9004'],
      ['bytes that are not GBK', patch(44, Buffer.from([0x81, 0x20])), GBK, '9004'],
      ['UTF-8 content type', good, 'text/plain; charset=UTF-8', '9004'],
    ];
    const { client, calls } = never();
    for (const [what, raw, type, code] of cases) {
      const res = icbc.decodeResponse(await handleIcbcMessage(client, raw, type, () => NOW));
      assert.equal(res.head.respCode, code, what);
      assert.equal(res.body, undefined, what);
      assert.equal(calls.length, 0, `${what} reached the centre`);
    }
    const echoed = icbc.decodeResponse(await handleIcbcMessage(client, patch(110, 'x'), GBK, () => NOW));
    assert.deepEqual([echoed.head.trxCode, echoed.head.serial], ['1001', icbcHead.serial]);
  });

  it('forward a load init signed as ICD §0, with the serial as idempotency key', async () => {
    const { calls, client } = fakeCentre(() => ({
      status: 201,
      body: { loadId: LOAD_ID, status: 'authorised', mac2: '3A845BF0', hostDate: '20261122', hostTime: '093015' },
    }));
    const res = icbc.decodeResponse(await handleIcbcMessage(client, icbc.encodeRequest(icbcApply), GBK, () => NOW));
    assert.equal(res.head.respCode, '0000');
    assert.deepEqual(res.body, { loadId: LOAD_ID, mac2: '3A845BF0', hostDate: '20261122', hostTime: '093015' });
    const [call] = calls;
    assert.equal(call.url, 'http://centre.test/api/v1/channel/loads');
    assert.equal(call.headers['Idempotency-Key'], icbcHead.serial);
    assert.equal(call.headers['X-Timestamp'], String(NOW));
    const expected = createHmac('sha256', 's3cret')
      .update(stringToSign('POST', '/api/v1/channel/loads', String(NOW), Buffer.from(call.body)))
      .digest('hex');
    assert.equal(call.headers['X-Signature'], expected);
    assert.deepEqual(JSON.parse(call.body), {
      cardNo: CARD,
      amount: 10_000,
      terminalId: '0B0A0C0D0E0F',
      card: { balance: 2500, onlineSeq: 7, keyVersion: 150, algId: 0, random: '1A2B3C4D', mac1: '8F00A1B2' },
      payment: { method: 'bank-account', reference: `ICBC-${icbcHead.serial}` },
    });
  });

  it('reconciliation file: round trip, GBK branch names, header checks', () => {
    const entries: icbcFile.DayEntry[] = [
      {
        serial: '20261122000000000017',
        loadId: LOAD_ID,
        cardNo: CARD,
        amount: 10_000,
        status: 'confirmed',
        trxDate: '20261122',
        trxTime: '093015',
        branchName: '合肥长江中路支行',
      },
      {
        serial: '20261122000000000018',
        cardNo: CARD,
        amount: 500,
        status: 'reversed',
        trxDate: '20261122',
        trxTime: '235959',
        branchName: '芜湖分行',
      },
    ];
    const file = icbcFile.encodeDayFile('2026-11-22', entries);
    assert.equal(file.length, 36 + 2 + 2 * (134 + 2));
    assert.deepEqual(icbcFile.parseDayFile(file, '2026-11-22'), [
      {
        bankReference: 'ICBC-20261122000000000017',
        loadId: LOAD_ID,
        cardNo: CARD,
        amount: 10_000,
        status: 'confirmed',
        time: '2026-11-22T09:30:15+08:00',
      },
      {
        bankReference: 'ICBC-20261122000000000018',
        cardNo: CARD,
        amount: 500,
        status: 'reversed',
        time: '2026-11-22T23:59:59+08:00',
      },
    ]);
    assert.equal(
      icbcFile.parseDayFile(Buffer.from(file.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'), '2026-11-22').length,
      2,
    );
    assert.throws(() => icbcFile.parseDayFile(file, '2026-11-23'), /not 2026-11-23/);
    const lines = file.toString('latin1').split('\r\n');
    assert.throws(
      () => icbcFile.parseDayFile(Buffer.from([lines[0], lines[1], ''].join('\r\n'), 'latin1'), '2026-11-22'),
      /count 2 but 1/,
    );
    const badTotal = icbcFile
      .encodeDayFile('2026-11-22', entries)
      .toString('latin1')
      .replace('000000000010500', '000000000010501');
    assert.throws(() => icbcFile.parseDayFile(Buffer.from(badTotal, 'latin1'), '2026-11-22'), /total/);
    assert.throws(
      () =>
        icbcFile.parseDayFile(
          Buffer.from([lines[0], lines[1].slice(0, 100), lines[2]].join('\r\n'), 'latin1'),
          '2026-11-22',
        ),
      /line 2/,
    );
  });
});

describe('CMB XML messages', () => {
  it('round-trip every request and every response, escaping text', () => {
    for (const req of cmbRequests) assert.deepEqual(cmb.decodeRequest(cmb.encodeRequest(req)), req);
    assert.match(
      cmb.encodeRequest(cmbApply).toString('utf8'),
      /<PayerName>Tom &amp; &quot;Jerry&quot; &lt;张&gt;<\/PayerName>/,
    );
    const head = {
      serial: cmbHead.serial,
      retCode: 'CMB0000',
      retMsg: '交易成功',
      respDate: '20261122',
      respTime: '093016',
    };
    const responses: cmb.CmbResponse[] = [
      {
        head: { trxCode: 'ETCLoadApply', ...head },
        body: { loadId: LOAD_ID, mac2: '3A845BF0', hostDate: '20261122', hostTime: '093015' },
      },
      { head: { trxCode: 'ETCLoadConfirm', ...head }, body: { loadId: LOAD_ID, balance: 12_500 } },
      { head: { trxCode: 'ETCLoadReverse', ...head }, body: { loadId: LOAD_ID, status: 'REVERSED' } },
      {
        head: { trxCode: 'ETCLoadQuery', ...head },
        body: {
          loadId: LOAD_ID,
          status: 'AUTHORISED',
          cardNo: CARD,
          amount: 10_000,
          hostDate: '20261122',
          hostTime: '093015',
        },
      },
      { head: { trxCode: 'ETCLoadApply', ...head, retCode: 'E1004', retMsg: 'MAC1校验失败' } },
      { head: { retCode: 'E9001', retMsg: '报文不是合法的UTF-8 XML', respDate: '20261122', respTime: '093016' } },
    ];
    for (const res of responses) assert.deepEqual(cmb.decodeResponse(cmb.encodeResponse(res)), res);
    // whitespace between elements, a declaration and character references are fine
    const spaced = cmb
      .encodeRequest(cmbRequests[3])
      .toString('utf8')
      .replace(/></g, '>\n  <')
      .replace('李明', '&#x674E;&#26126;');
    assert.deepEqual(cmb.decodeRequest(spaced), cmbRequests[3]);
  });

  it('refuse malformed messages with CMB codes, never forwarding them', async () => {
    const good = cmb.encodeRequest(cmbApply).toString('utf8');
    const cases: Array<[string, string | Buffer, string, string]> = [
      ['not XML', 'hello', XML, 'E9001'],
      ['unclosed element', good.replace('</CMBMsg>', ''), XML, 'E9001'],
      ['a DOCTYPE', good.replace('<CMBMsg>', '<!DOCTYPE x [<!ENTITY a "b">]><CMBMsg>'), XML, 'E9001'],
      ['an attribute', good.replace('<Body>', '<Body id="1">'), XML, 'E9001'],
      ['a comment', good.replace('<Body>', '<Body><!-- hi -->'), XML, 'E9001'],
      ['an unknown entity', good.replace('&amp;', '&nbsp;'), XML, 'E9001'],
      ['a GBK declaration', good.replace('encoding="UTF-8"', 'encoding="GBK"'), XML, 'E9001'],
      [
        'bytes that are not UTF-8',
        Buffer.concat([Buffer.from(good.slice(0, 60)), Buffer.from([0xc3, 0x28]), Buffer.from(good.slice(60))]),
        XML,
        'E9001',
      ],
      ['JSON content type', good, 'application/json', 'E9001'],
      ['an unknown TrxCode', good.replace('ETCLoadApply', 'ETCLoadRefund'), XML, 'E9002'],
      ['an unknown element', good.replace('<Mac1>', '<Pin>123456</Pin><Mac1>'), XML, 'E9003'],
      ['a repeated element', good.replace('<Mac1>', '<Amount>1</Amount><Mac1>'), XML, 'E9003'],
      ['a nested element', good.replace('<AlgId>0</AlgId>', '<AlgId><X>0</X></AlgId>'), XML, 'E9003'],
      ['a missing element', good.replace(/<Random>.*<\/Random>/, ''), XML, 'E9004'],
      ['an empty element', good.replace(/<Random>.*<\/Random>/, '<Random/>'), XML, 'E9004'],
      ['a card number of 19 digits', good.replace(CARD, CARD.slice(1)), XML, 'E9005'],
      ['a leading zero', good.replace('<Amount>10000<', '<Amount>010000<'), XML, 'E9005'],
      ['an online sequence over 65535', good.replace('<OnlineSeq>7<', '<OnlineSeq>65536<'), XML, 'E9005'],
      ['an operator name too long', good.replace('李明', '李'.repeat(21)), XML, 'E9005'],
    ];
    const { client, calls } = never();
    for (const [what, raw, type, code] of cases) {
      const res = cmb.decodeResponse(await handleCmbMessage(client, Buffer.from(raw), type, () => NOW));
      assert.equal(res.head.retCode, code, what);
      assert.equal(res.body, undefined, what);
      assert.equal(calls.length, 0, `${what} reached the centre`);
    }
  });

  it('reconciliation CSV: round trip with quoting, yuan to fen without floats, strict rows', () => {
    const entries: cmbFile.DayEntry[] = [
      {
        serial: 'CMB1',
        loadId: LOAD_ID,
        cardNo: CARD,
        amount: 10_001,
        status: 'confirmed',
        tradeTime: '2026-11-22 09:30:15',
        remark: '网点圈存',
      },
      {
        serial: 'CMB2',
        cardNo: CARD,
        amount: 1,
        status: 'reversed',
        tradeTime: '2026-11-22 23:59:59',
        remark: '柜面冲正,客户"取消"',
      },
    ];
    const file = cmbFile.encodeDayFile(entries);
    assert.match(
      file.toString('utf8'),
      /,100\.01,CONFIRMED,.*\r\n.*,0\.01,REVERSED,2026-11-22 23:59:59,"柜面冲正,客户""取消"""\r\n$/,
    );
    assert.deepEqual(cmbFile.parseDayFile(file), [
      {
        bankReference: 'CMB-CMB1',
        loadId: LOAD_ID,
        cardNo: CARD,
        amount: 10_001,
        status: 'confirmed',
        time: '2026-11-22T09:30:15+08:00',
      },
      { bankReference: 'CMB-CMB2', cardNo: CARD, amount: 1, status: 'reversed', time: '2026-11-22T23:59:59+08:00' },
    ]);
    assert.deepEqual(
      ['0.01', '123.45', '90071992547409.91'].map(cmbFile.yuanToFen),
      [1, 12_345, 9_007_199_254_740_991],
    );
    for (const bad of ['1.5', '1', '1e3', '-1.00', '01.00', '1.005', ' 1.00'])
      assert.throws(() => cmbFile.yuanToFen(bad), cmbFile.CsvError, bad);
    const header = cmbFile.COLUMNS.join(',');
    const row = `CMB3,,${CARD},1.00,CONFIRMED,2026-11-22 10:00:00,`;
    assert.equal(cmbFile.parseDayFile(Buffer.from(`\uFEFF${header}\n${row}`)).length, 1);
    const refused: Array<[string, RegExp]> = [
      [`serial,card_no\n${row}`, /header/],
      [`${header}\n${row},extra`, /line 2: 8 fields/],
      [`${header}\n${row.replace('1.00', '0.00')}`, /positive/],
      [`${header}\n${row.replace('CONFIRMED', 'confirmed')}`, /status/],
      [`${header}\n${row.replace('10:00:00', '24:00:00')}`, /trade_time/],
      [`${header}\n${row}\n\n`, /line 3/],
      [`${header}\n${row.replace(',,', ',"x"y,')}`, /closing quote/],
      ['', /empty/],
    ];
    for (const [text, re] of refused) assert.throws(() => cmbFile.parseDayFile(Buffer.from(text)), re);
  });
});

describe('centre error codes → native codes', () => {
  const cases = [
    { bank: 'ICBC', table: CENTRE_TO_ICBC, codes: ICBC_CODES as Record<string, string>, success: '0000' },
    { bank: 'CMB', table: CENTRE_TO_CMB, codes: CMB_CODES as Record<string, string>, success: 'CMB0000' },
  ];

  it('name a documented native code for every centre code, including transport failures', () => {
    assert.ok(CHANNEL_ERROR_CODES.every((c) => (CENTRE_ERROR_CODES as readonly string[]).includes(c)));
    for (const { bank, table, codes, success } of cases) {
      for (const code of CENTRE_ERROR_CODES) {
        assert.ok(Object.hasOwn(table.table, code), `${bank} has no entry for ${code}`);
        const native = table.table[code];
        assert.ok(native in codes && native !== success, `${bank} maps ${code} to undocumented ${native}`);
      }
      // codes the centre may add later still get a refusal or an outcome-unknown code, never success
      assert.equal(
        nativeCodeFor(table, { ok: false, status: 409, code: 'some-new-code', message: '' }),
        table.otherRefusal,
      );
      assert.equal(
        nativeCodeFor(table, { ok: false, status: 503, code: 'some-new-code', message: '' }),
        table.otherFailure,
      );
    }
  });

  it('reach the branch through each adapter for every centre answer', async () => {
    const statusOf = (code: string) =>
      code === 'internal'
        ? 500
        : code === 'unavailable'
          ? 503
          : code.startsWith('card-not-f') || code.endsWith('not-found')
            ? 404
            : code === 'bad-signature' ||
                code === 'stale-timestamp' ||
                code === 'unknown-client' ||
                code === 'unauthenticated'
              ? 401
              : code === 'forbidden'
                ? 403
                : 409;
    for (const code of CENTRE_ERROR_CODES) {
      const answer = () =>
        code === 'network-error'
          ? ('network-error' as const)
          : code === 'bad-response'
            ? { status: 201, body: '<html>' }
            : { status: statusOf(code), body: { error: { code, message: 'x' } } };
      const i = icbc.decodeResponse(
        await handleIcbcMessage(fakeCentre(answer).client, icbc.encodeRequest(icbcApply), GBK, () => NOW),
      );
      assert.equal(i.head.respCode, CENTRE_TO_ICBC.table[code], `ICBC ${code}`);
      const c = cmb.decodeResponse(
        await handleCmbMessage(fakeCentre(answer).client, cmb.encodeRequest(cmbRequests[1]), XML, () => NOW),
      );
      assert.equal(c.head.retCode, CENTRE_TO_CMB.table[code], `CMB ${code}`);
    }
    // day files: the lines go to the centre under a key derived from the file; refusals are native codes
    const icbcDay = icbcFile.encodeDayFile('2026-11-22', [
      {
        serial: icbcHead.serial,
        cardNo: CARD,
        amount: 100,
        status: 'confirmed',
        trxDate: '20261122',
        trxTime: '093015',
        branchName: '芜湖分行',
      },
    ]);
    const ok = fakeCentre(() => ({
      status: 200,
      body: {
        date: '2026-11-22',
        matched: 1,
        centreOnly: [],
        bankOnly: [],
        amountMismatch: [],
        statusMismatch: [],
        exceptions: 0,
      },
    }));
    assert.deepEqual(await reconcileIcbcFile(ok.client, '2026-11-22', icbcDay), {
      ok: true,
      comparison: {
        date: '2026-11-22',
        matched: 1,
        centreOnly: [],
        bankOnly: [],
        amountMismatch: [],
        statusMismatch: [],
        exceptions: 0,
      },
    });
    assert.equal(ok.calls[0].url, 'http://centre.test/api/v1/channel/reconciliation/2026-11-22');
    assert.match(ok.calls[0].headers['Idempotency-Key'], /^ICBC-RECON-2026-11-22-[0-9a-f]{32}$/);
    assert.deepEqual(JSON.parse(ok.calls[0].body), {
      lines: [
        {
          bankReference: `ICBC-${icbcHead.serial}`,
          cardNo: CARD,
          amount: 100,
          status: 'confirmed',
          time: '2026-11-22T09:30:15+08:00',
        },
      ],
    });
    const refused = fakeCentre(() => ({ status: 401, body: { error: { code: 'bad-signature', message: 'x' } } }));
    assert.deepEqual(await reconcileIcbcFile(refused.client, '2026-11-22', icbcDay), {
      ok: false,
      status: 502,
      code: '8002',
      message: ICBC_CODES['8002'],
      centreCode: 'bad-signature',
    });
    const down = fakeCentre(() => 'network-error');
    const unreachable = await reconcileCmbFile(down.client, '2026-11-22', cmbFile.encodeDayFile([]));
    assert.ok(!unreachable.ok && unreachable.code === 'E9802' && unreachable.status === 502);
    const { client, calls } = never();
    assert.equal((await reconcileCmbFile(client, '2026-11-31', cmbFile.encodeDayFile([]))).ok, false);
    assert.equal((await reconcileIcbcFile(client, '2026-11-22', icbcDay.subarray(1))).ok, false);
    assert.equal(calls.length, 0);
    // a 201 whose body lacks MAC2 is not passed on as a success
    const missing = fakeCentre(() => ({ status: 201, body: { loadId: LOAD_ID, status: 'authorised' } }));
    assert.equal(
      icbc.decodeResponse(await handleIcbcMessage(missing.client, icbc.encodeRequest(icbcApply), GBK, () => NOW)).head
        .respCode,
      '9803',
    );
  });
});
