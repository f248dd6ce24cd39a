// The banks' statement pull against a fake bank over real HTTP (a server started here) and the real
// database: the previous day's CMB file imported and matched (a payment reference) and the same day
// again changing nothing; a malformed file refused whole with its reason; the bank down → an
// exception and a log line, then asked again and imported at the next run; the token in no log line,
// record, exception or configuration error.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { registerBankStatementSources } from '../../src/modules/banks/index.ts';
import { fetchStatements } from '../../src/modules/corporate/index.ts';
import { balanceOf, customerFundsCode } from '../../src/modules/ledger/index.ts';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { mobile } from '../helpers/generators.ts';
import { testCa } from '../helpers/tls-certs.ts';

type Line = { serial: string; yuan: string; purpose: string; payer: string };
// a CMB account-transactions file as the bank writes it (GBK), with its trailer
function cmbFile(day: string, lines: Line[], count = lines.length): Buffer {
  const d = day.replace(/-/g, '');
  const total = lines.reduce((s, l) => s + BigInt(l.yuan.replace('.', '')), 0n);
  const body = lines
    .map(
      (l, i) => `  <NTQTSINFZ>
    <ETYDAT>${d}</ETYDAT><ETYTIM>0930${String(10 + i)}</ETYTIM><VLTDAT>${d}</VLTDAT><TRSCOD>CPAA</TRSCOD>
    <AMTCDR>C</AMTCDR><TRSAMT>${l.yuan}</TRSAMT><TRSBAL>0.00</TRSBAL><REFNBR>${l.serial}</REFNBR>
    <YURREF></YURREF><BUSNAM>汇入汇款</BUSNAM><NUSAGE>${l.purpose}</NUSAGE>
    <RPYACC>${l.payer}</RPYACC><RPYNAM>安徽江淮客运有限公司</RPYNAM>
  </NTQTSINFZ>`,
    )
    .join('\n');
  const yuan = `${total / 100n}.${String(total % 100n).padStart(2, '0')}`;
  return iconv.encode(
    `<?xml version="1.0" encoding="GBK"?>
<CMBSDKPGK>
  <INFO><FUNNAM>GetTransInfo</FUNNAM><DATTYP>2</DATTYP><RETCOD>0</RETCOD><ERRMSG></ERRMSG><LGNNAM>ETCCENTRE</LGNNAM></INFO>
${body}
  <SUMINFO><TOTCNT>${count}</TOTCNT><CRDAMT>${yuan}</CRDAMT><DBTAMT>0.00</DBTAMT></SUMINFO>
</CMBSDKPGK>
`,
    'gbk',
  );
}

// The bank's statement service: files by account and day, behind a bearer token (over HTTP) or a
// client certificate its CA signed (over HTTPS, mutual TLS); `down` drops every connection. Every
// request is kept, with the client certificate's subject when there is one.
class FakeBank {
  files = new Map<string, Buffer>();
  down = false;
  requests: Array<{ url: string; auth: string | undefined; client?: string }> = [];
  private server!: Server;
  readonly token: string | undefined;
  readonly tls: { cert: string; key: string; ca: string } | undefined;
  constructor(auth: { token?: string; tls?: { cert: string; key: string; ca: string } }) {
    this.token = auth.token;
    this.tls = auth.tls;
  }
  async start(): Promise<string> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (this.down) return req.socket.destroy();
      const cn = this.tls ? (req.socket as TLSSocket).getPeerCertificate().subject?.CN : undefined;
      const client = cn === undefined ? undefined : String(cn);
      this.requests.push({ url: req.url ?? '', auth: req.headers.authorization, ...(client ? { client } : {}) });
      if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return res.writeHead(401).end();
      const m = /^\/statements\/([^/]+)\/(\d{4}-\d{2}-\d{2})\?format=cmb-xml$/.exec(req.url ?? '');
      const file = m && this.files.get(`${m[1]}/${m[2]}`);
      if (!file) return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(file);
    };
    this.server = this.tls
      ? createTlsServer({ ...this.tls, requestCert: true, rejectUnauthorized: true }, handle)
      : createServer(handle);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop = () => new Promise<void>((r) => this.server.close(() => r()));
}

const localDay = (at: Date, back: number) =>
  new Date(at.getTime() + 8 * 3600_000 - back * 86_400_000).toISOString().slice(0, 10);
const serial = () => `K${randomBytes(7).toString('hex').toUpperCase().slice(0, 13)}`;

describe('bank statement fetch over HTTP(S)', () => {
  const token = `tok-${randomBytes(24).toString('hex')}`;
  const bank = new FakeBank({ token });
  const dir = mkdtempSync(join(tmpdir(), 'etc-bank-fetch-'));
  let url: string;
  let t0: Date;
  const offs: Array<() => void> = [];
  before(async () => {
    url = await bank.start();
    t0 = (await harness()).clock.now();
    writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
  });
  // each test's bank is asked by its own runs only
  afterEach(() => offs.splice(0).forEach((f) => f()));
  after(async () => {
    (await harness()).clock.set(t0);
    await bank.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(assertLedgerHolds);

  // a bank as the environment configures it (a code of its own per test, so days do not collide)
  async function configured() {
    const h = await harness();
    const code = `CMB${randomBytes(3).toString('hex').toUpperCase()}`;
    const account = `7559${randomBytes(5).toString('hex').replace(/[a-f]/g, '1')}`;
    const config = loadConfig({
      ETC_DATA_DIR: dir,
      ETC_BANK_STATEMENT_BANKS: code,
      [`ETC_BANK_STATEMENT_${code}_URL`]: url,
      [`ETC_BANK_STATEMENT_${code}_ACCOUNT`]: account,
      [`ETC_BANK_STATEMENT_${code}_FORMAT`]: 'cmb-xml',
      [`ETC_BANK_STATEMENT_${code}_TOKEN_FILE`]: join(dir, 'token'),
    });
    assert.equal(config.bankStatements.banks[0]!.token, token, 'read from the file');
    offs.push(registerBankStatementSources(h.app, config.bankStatements));
    return { code, account };
  }
  async function corporateCustomer() {
    const h = await harness();
    const auth = (await loginAs('clerk')).auth;
    const c = await request(h.http)
      .post('/api/v1/customers')
      .set('Authorization', auth)
      .send({
        kind: 'corporate',
        name: unique('江淮客运 '),
        registrationNumber: `91340100${randomBytes(5).toString('hex').toUpperCase()}`,
        contactPerson: '李四',
        contactPhone: mobile(),
      });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    const ref = await request(h.http)
      .post(`/api/v1/corporate/customers/${c.body.customer.id}/payment-reference`)
      .set('Authorization', auth)
      .expect(200);
    return { accountId: BigInt(c.body.account.id), reference: ref.body.reference as string };
  }
  const fetchRow = async (code: string, day: string) =>
    (await harness()).app
      .db('bank_statement_fetches')
      .where({ bank: code })
      .whereRaw(`statement_date = ?::date`, [day])
      .first();
  const lines = async (serials: string[]) =>
    (await harness()).app
      .db('corporate_statement_lines')
      .where('bank', 'CMB')
      .whereIn('serial', serials)
      .orderBy('serial');
  const openException = async (kind: string, code: string, day: string) =>
    (await harness()).app
      .db('finance_exceptions')
      .where({ kind, reference: `${code}:${day}`, status: 'open' })
      .first();
  function assertNoToken(where: string, text: string) {
    assert.ok(!text.includes(token), `no token in ${where}`);
  }

  it("imports the previous day's file and matches it by payment reference; the same day again changes nothing", async () => {
    const h = await harness();
    const { code, account } = await configured();
    const fleet = await corporateCustomer();
    const day = localDay(h.clock.now(), 1);
    const [a, b] = [serial(), serial()];
    // an amount no open bill of another test has (the open-bill matcher would take it)
    const strayFen = 700_000 + randomInt(100_000);
    const stray = `${Math.floor(strayFen / 100)}.${String(strayFen % 100).padStart(2, '0')}`;
    bank.files.set(
      `${account}/${day}`,
      cmbFile(day, [
        { serial: a, yuan: '12345.67', purpose: `ETC通行费预付 ${fleet.reference}`, payer: '755912345610801' },
        // a payer no other test's statement has (one finance assigned would be matched as learned)
        { serial: b, yuan: stray, purpose: '货款', payer: `62258802${randomInt(10_000_000, 99_999_999)}` },
      ]),
    );
    const before = await balanceOf(h.app.db, customerFundsCode(fleet.accountId));
    const asked = bank.requests.length;
    await fetchStatements(h.app);
    assert.deepEqual(bank.requests.slice(asked), [
      { url: `/statements/${account}/${day}?format=cmb-xml`, auth: `Bearer ${token}` },
    ]);
    const got = await lines([a, b]);
    assert.deepEqual(
      got.map((l) => [l.serial, l.status, l.matched_by, BigInt(l.amount)]),
      [
        [a, 'matched', 'reference', 1_234_567n],
        [b, 'suspense', null, BigInt(strayFen)],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    assert.equal(before - (await balanceOf(h.app.db, customerFundsCode(fleet.accountId))), 1_234_567n, 'credited');
    const row = await fetchRow(code, day);
    assert.deepEqual([row.state, row.attempts, row.detail], ['imported', 1, '2 new of 2 lines']);
    const imp = await h.app.db('corporate_statement_imports').where({ id: row.import_id }).first();
    assert.deepEqual(
      [imp.file_name, imp.imported_by],
      [`${code}-${account}-${day}.xml`, `system:banks.statement-fetch:${code}`],
    );

    // a second run the same day asks again and changes nothing
    const journalBefore = await h.app.db('journal_entries').count({ n: '*' }).first();
    await fetchStatements(h.app);
    assert.equal(bank.requests.length, asked + 2);
    assert.deepEqual(
      (await lines([a, b])).map((l) => [l.id, l.status]),
      got.map((l) => [l.id, l.status]),
    );
    assert.deepEqual(await h.app.db('journal_entries').count({ n: '*' }).first(), journalBefore);
    assert.equal(before - (await balanceOf(h.app.db, customerFundsCode(fleet.accountId))), 1_234_567n, 'credited');
    const again = await fetchRow(code, day);
    assert.deepEqual([again.state, again.attempts, again.import_id], ['imported', 2, row.import_id]);
    assert.equal(again.detail, 'the same file again (2 lines): nothing new');
  });

  it('refuses a malformed file whole, recording the reason with a finance exception', async () => {
    const h = await harness();
    const { code, account } = await configured();
    const fleet = await corporateCustomer();
    const day = localDay(h.clock.now(), 1);
    const [a, b] = [serial(), serial()];
    // the trailer counts three lines where there are two
    bank.files.set(
      `${account}/${day}`,
      cmbFile(
        day,
        [
          { serial: a, yuan: '100.00', purpose: `预付 ${fleet.reference}`, payer: '755912345610801' },
          { serial: b, yuan: '200.00', purpose: '货款', payer: '6225880212345678' },
        ],
        3,
      ),
    );
    const journalBefore = await h.app.db('journal_entries').count({ n: '*' }).first();
    await fetchStatements(h.app);
    assert.deepEqual(await lines([a, b]), [], 'nothing of it imported');
    assert.deepEqual(await h.app.db('journal_entries').count({ n: '*' }).first(), journalBefore);
    assert.equal(
      await h.app
        .db('corporate_statement_imports')
        .where({ file_name: `${code}-${account}-${day}.xml` })
        .first(),
      undefined,
    );
    const row = await fetchRow(code, day);
    assert.equal(row.state, 'refused');
    assert.match(row.detail, /^line \d+: .*3/, 'the line and the reason');
    const e = await openException('bank-statement-refused', code, day);
    assert.equal(e.detail.reason, row.detail);
    assert.ok(
      h.logLines.some((l) => l.includes('statement refused') && l.includes(`${code}-${account}-${day}.xml`)),
      'logged',
    );
  });

  it('records an unreachable bank with an exception and a log line, asks again at the next run and imports the day then', async () => {
    const h = await harness();
    const { code, account } = await configured();
    const fleet = await corporateCustomer();
    const day1 = localDay(h.clock.now(), 1);
    const s1 = serial();
    bank.files.set(
      `${account}/${day1}`,
      cmbFile(day1, [{ serial: s1, yuan: '800.00', purpose: `预付 ${fleet.reference}`, payer: '7559001' }]),
    );
    bank.down = true;
    const logged = h.logLines.length;
    try {
      await fetchStatements(h.app);
    } finally {
      bank.down = false;
    }
    const down = await fetchRow(code, day1);
    assert.deepEqual([down.state, down.attempts, down.import_id], ['unreachable', 1, null]);
    assert.match(down.detail, /ECONNRESET|socket hang up/);
    assert.ok(await openException('bank-statement-unreachable', code, day1), 'finance sees it');
    const lines1 = h.logLines.slice(logged).filter((l) => l.includes('unreachable') && l.includes(code));
    assert.equal(lines1.length, 1, 'one log line');
    assert.deepEqual(await lines([s1]), []);

    // the next day's run asks for the missed day first, then for its own previous day
    h.clock.set(new Date(h.clock.now().getTime() + 86_400_000));
    const day2 = localDay(h.clock.now(), 1);
    const s2 = serial();
    bank.files.set(
      `${account}/${day2}`,
      cmbFile(day2, [{ serial: s2, yuan: '900.00', purpose: `预付 ${fleet.reference}`, payer: '7559001' }]),
    );
    const asked = bank.requests.length;
    const before = await balanceOf(h.app.db, customerFundsCode(fleet.accountId));
    await fetchStatements(h.app);
    assert.deepEqual(
      bank.requests.slice(asked).map((r) => r.url),
      [`/statements/${account}/${day1}?format=cmb-xml`, `/statements/${account}/${day2}?format=cmb-xml`],
    );
    assert.deepEqual(
      [(await fetchRow(code, day1)).state, (await fetchRow(code, day1)).attempts, (await fetchRow(code, day2)).state],
      ['imported', 2, 'imported'],
    );
    assert.equal(before - (await balanceOf(h.app.db, customerFundsCode(fleet.accountId))), 170_000n, 'both credited');
    assert.equal(await openException('bank-statement-unreachable', code, day1), undefined, 'resolved by the import');
    // and a third run asks only for its previous day again (the imported ones are done)
    await fetchStatements(h.app);
    assert.deepEqual(
      bank.requests.slice(asked + 2).map((r) => r.url),
      [`/statements/${account}/${day2}?format=cmb-xml`],
    );
  });

  it('asks over HTTPS with a client certificate (mutual TLS); a centre without one is refused by the bank and asks again', async () => {
    const h = await harness();
    const ca = testCa('Test bank CA');
    const server = ca.server('127.0.0.1');
    const centre = ca.client('ETC centre 3401');
    const tlsBank = new FakeBank({ tls: { cert: server.certPem, key: server.keyPem, ca: ca.caPem } });
    const tlsUrl = await tlsBank.start();
    try {
      for (const [name, pem] of [
        ['ca.pem', ca.caPem],
        ['centre.pem', centre.certPem],
        ['centre.key', centre.keyPem],
      ])
        writeFileSync(join(dir, name), pem, { mode: 0o600 });
      const fleet = await corporateCustomer();
      const day = localDay(h.clock.now(), 1);
      const account = `7559${randomBytes(5).toString('hex').replace(/[a-f]/g, '2')}`;
      const s1 = serial();
      tlsBank.files.set(
        `${account}/${day}`,
        cmbFile(day, [{ serial: s1, yuan: '66.00', purpose: `预付 ${fleet.reference}`, payer: '7559002' }]),
      );
      const env = (code: string, withCert: boolean) => ({
        ETC_DATA_DIR: dir,
        ETC_BANK_STATEMENT_BANKS: code,
        [`ETC_BANK_STATEMENT_${code}_URL`]: tlsUrl,
        [`ETC_BANK_STATEMENT_${code}_ACCOUNT`]: account,
        [`ETC_BANK_STATEMENT_${code}_FORMAT`]: 'cmb-xml',
        [`ETC_BANK_STATEMENT_${code}_CA`]: join(dir, 'ca.pem'),
        ...(withCert
          ? {
              [`ETC_BANK_STATEMENT_${code}_CERT`]: join(dir, 'centre.pem'),
              [`ETC_BANK_STATEMENT_${code}_KEY`]: join(dir, 'centre.key'),
            }
          : { [`ETC_BANK_STATEMENT_${code}_TOKEN`]: token }),
      });
      // without the certificate: the handshake fails, the day is unreachable, asked again next run
      const bare = `CMB${randomBytes(3).toString('hex').toUpperCase()}`;
      offs.push(registerBankStatementSources(h.app, loadConfig(env(bare, false)).bankStatements));
      await fetchStatements(h.app);
      offs.splice(0).forEach((f) => f());
      const refused = await fetchRow(bare, day);
      assert.deepEqual([refused.state, tlsBank.requests.length], ['unreachable', 0]);
      assert.ok(refused.detail && !refused.detail.includes(token), refused.detail);
      // with it: imported and matched
      const code = `CMB${randomBytes(3).toString('hex').toUpperCase()}`;
      offs.push(registerBankStatementSources(h.app, loadConfig(env(code, true)).bankStatements));
      await fetchStatements(h.app);
      assert.deepEqual(tlsBank.requests, [
        { url: `/statements/${account}/${day}?format=cmb-xml`, auth: undefined, client: 'ETC centre 3401' },
      ]);
      assert.equal((await fetchRow(code, day)).state, 'imported');
      assert.deepEqual(
        (await lines([s1])).map((l) => [l.status, l.matched_by]),
        [['matched', 'reference']],
      );
    } finally {
      await tlsBank.stop();
    }
  });

  it('never writes the token: not in a log line, a fetch record, an exception or a response', async () => {
    const h = await harness();
    for (const l of h.logLines) assertNoToken('the log', l);
    for (const r of h.responses) assertNoToken('a response', r);
    const rows = await h.app.db('bank_statement_fetches').select('detail');
    assert.ok(rows.length >= 3);
    for (const r of rows) assertNoToken('a fetch record', r.detail);
    for (const e of await h.app.db('finance_exceptions').where('kind', 'like', 'bank-statement-%'))
      assertNoToken('an exception', JSON.stringify(e.detail));
  });

  it('refuses a configuration that would leak or send the token carelessly, naming the variable, not the token', () => {
    const base = {
      ETC_DATA_DIR: dir,
      ETC_BANK_STATEMENT_BANKS: 'CMB',
      ETC_BANK_STATEMENT_CMB_ACCOUNT: '755912345610801',
    };
    const refused = (env: Record<string, string>, variable: RegExp) => {
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (e: Error) => e instanceof ConfigError && variable.test(e.message) && !e.message.includes(token),
      );
    };
    refused(
      { ETC_BANK_STATEMENT_CMB_URL: 'http://bank.example.com', ETC_BANK_STATEMENT_CMB_TOKEN: token },
      /_CMB_URL must be https/,
    );
    refused(
      { ETC_BANK_STATEMENT_CMB_URL: `https://u:${token}@bank.example.com` },
      /_CMB_URL must not carry credentials/,
    );
    refused(
      { ETC_BANK_STATEMENT_CMB_URL: 'https://bank.example.com' },
      /_CMB_TOKEN_FILE or ETC_BANK_STATEMENT_CMB_CERT is required/,
    );
    refused(
      { ETC_BANK_STATEMENT_CMB_URL: 'https://bank.example.com', ETC_BANK_STATEMENT_CMB_TOKEN: `${token} x` },
      /_CMB_TOKEN must be printable/,
    );
    refused(
      {
        ETC_BANK_STATEMENT_CMB_URL: 'https://bank.example.com',
        ETC_BANK_STATEMENT_CMB_CERT: join(dir, 'missing.pem'),
        ETC_BANK_STATEMENT_CMB_KEY: join(dir, 'missing.key'),
      },
      /_CMB_CERT cannot be read \(ENOENT\)/,
    );
    const ok = loadConfig({
      ...base,
      ETC_BANK_STATEMENT_CMB_URL: 'https://bank.example.com/api/',
      ETC_BANK_STATEMENT_CMB_TOKEN: token,
    });
    assert.deepEqual(
      ok.bankStatements.banks.map((b) => [b.bank, b.url, b.format]),
      [['CMB', 'https://bank.example.com/api', 'cmb-xml']],
    );
    assert.deepEqual(loadConfig({ ETC_DATA_DIR: dir }).bankStatements.banks, [], 'none by default');
  });
});
