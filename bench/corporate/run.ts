// bench/corporate: a bulk allocation of 10,000 vehicles in one HTTP request, and the import and
// matching of a 100,000-line ICBC fixed-width statement (GBK) — time and peak memory of each, each
// against a bare INSERT of the same rows into a table of the same shape in the same run.
// Usage: npx tsx bench/corporate/run.ts [--vehicles 10000] [--lines 100000] [--customers 200]
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import { buildApp } from '../../src/app.ts';
import { bootstrap, shutdown } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { createUser } from '../../src/modules/access/index.ts';
import { ICBC_LAYOUT, importStatement } from '../../src/modules/corporate/index.ts';
import { withDatabase, writeResults } from '../lib.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '10000' },
    lines: { type: 'string', default: '100000' },
    customers: { type: 'string', default: '200' },
  },
});
const VEHICLES = Number(values.vehicles);
const LINES = Number(values.lines);
const CUSTOMERS = Number(values.customers);
const LOAD_AT_START = loadavg()[0].toFixed(1);

// peak RSS while fn runs (sampled every 10 ms), and its wall time
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = process.hrtime.bigint();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakRssMb: Math.round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

const pad = (s: string, w: number) => {
  const b = iconv.encode(s, 'gbk');
  return Buffer.concat([b, Buffer.alloc(w - b.length, 0x20)]);
};
const digits = (n: bigint | number, w: number) => Buffer.from(String(n).padStart(w, '0'));

function icbcFile(lines: Array<{ serial: string; amount: bigint; payer: string; purpose: string }>): Buffer {
  const d = ICBC_LAYOUT.detail;
  const parts: Buffer[] = [
    Buffer.concat([Buffer.from('H'), pad('1302010119200088888', 19), Buffer.from('20261203CNY')]),
  ];
  let total = 0n;
  for (const l of lines) {
    total += l.amount;
    parts.push(
      Buffer.concat([
        Buffer.from('D20261203093000'),
        Buffer.from('2'),
        digits(l.amount, d.amount),
        pad(l.serial, d.serial),
        pad('', d.businessReference),
        pad(l.payer, d.payerAccount),
        pad('某某运输有限公司', d.payerName),
        pad(l.purpose, d.purpose),
      ]),
    );
  }
  parts.push(Buffer.concat([Buffer.from('T'), digits(lines.length, 8), digits(total, 17), digits(0, 17)]));
  return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\r\n')]));
}

await withDatabase(`etc_bench_corporate_${process.pid}`, async (url) => {
  const config = loadConfig({
    DATABASE_URL: url,
    ETC_KEK: randomBytes(32).toString('hex'),
    ETC_DATA_DIR: mkdtempSync(join(tmpdir(), 'etc-bench-corporate-')),
    LOG_LEVEL: 'warn',
  });
  const app = await bootstrap(config, { generateKeys: true });
  const server = buildApp(app).express.listen(0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const session = async (role: 'account-manager' | 'clerk') => {
      const { password } = await createUser(app.db, null, { username: `bench-${role}`, displayName: role, role });
      const r = await fetch(`${base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `bench-${role}`, password }),
      });
      return `Bearer ${((await r.json()) as { token: string }).token}`;
    };
    const clerk = await session('clerk');
    const am = await session('account-manager');
    const call = async (auth: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: auth,
          'idempotency-key': randomBytes(8).toString('hex'),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await r.json()) as any;
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    // customers through the API; the big fleet's vehicles in SQL (set-up, not measured)
    const customers: Array<{ id: number; reference: string }> = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const c = await call(clerk, '/api/v1/customers', {
        kind: 'corporate',
        name: `物流公司${i}`,
        registrationNumber: `91340100MA${String(i).padStart(8, '0')}`,
        contactPerson: '王五',
        contactPhone: `139${String(i).padStart(8, '0')}`,
      });
      const ref = await call(clerk, `/api/v1/corporate/customers/${c.customer.id}/payment-reference`, {});
      customers.push({ id: c.customer.id, reference: ref.reference });
    }
    const fleet = customers[0].id;
    await app.db.raw(
      `insert into vehicles (customer_id, plate, plate_color, vehicle_class)
       select ?, '皖B' || lpad(g::text, 5, '0'), 0, 1 from generate_series(1, ?) g`,
      [fleet, VEHICLES],
    );
    const vehicleIds = (await app.db('vehicles').where({ customer_id: fleet }).orderBy('id').pluck('id')).map(Number);
    // the fleet's pool: one transfer with its reference
    await importStatement(
      app.db,
      new Date(),
      { label: 'bench' },
      {
        format: 'icbc-fixed',
        fileName: 'pool.txt',
        content: icbcFile([
          { serial: 'POOL1', amount: BigInt(VEHICLES) * 10000n, payer: '1', purpose: customers[0].reference },
        ]),
      },
    );

    // 1. one request allocating 100.00 yuan to each of the fleet's vehicles
    const alloc = await measured(() =>
      call(am, `/api/v1/corporate/customers/${fleet}/allocations`, { vehicleIds, amount: 10000 }),
    );
    if (alloc.result.vehicles !== VEHICLES) throw new Error('allocation incomplete');
    await app.db.raw(
      `create table bench_allocations (id bigserial primary key, batch_id bigint, vehicle_id bigint, amount bigint)`,
    );
    const allocFloor = await measured(() =>
      app.db.raw(
        `insert into bench_allocations (batch_id, vehicle_id, amount) select 1, v, 10000 from unnest(?::bigint[]) v`,
        [vehicleIds],
      ),
    );

    // 2. a 100,000-line statement: 60 % with a customer's reference, 20 % from learned payers, 20 % unmatched
    const learned = customers.slice(1, 51);
    const seed = icbcFile(
      learned.map((c, i) => ({ serial: `SEED${i}`, amount: 100n, payer: `62258800${i}`, purpose: '货款' })),
    );
    await importStatement(
      app.db,
      new Date(),
      { label: 'bench' },
      { format: 'icbc-fixed', fileName: 'seed.txt', content: seed },
    );
    const seedLines = await app.db('corporate_statement_lines').where('serial', 'like', 'SEED%').orderBy('id');
    const finance = await (async () => {
      const { password } = await createUser(app.db, null, {
        username: 'bench-finance',
        displayName: 'f',
        role: 'finance',
      });
      const r = await fetch(`${base}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench-finance', password }),
      });
      return `Bearer ${((await r.json()) as { token: string }).token}`;
    })();
    for (const [i, l] of seedLines.entries())
      await call(finance, `/api/v1/corporate/statement-lines/${l.id}/assignment`, {
        customerId: learned[i].id,
        note: '确认',
      });
    const lines = Array.from({ length: LINES }, (_, i) => {
      const kind = i % 5;
      const c = customers[i % customers.length];
      return {
        serial: `B${String(i).padStart(12, '0')}`,
        amount: BigInt(1000 + (i % 9000)) * 100n,
        payer: kind === 3 ? `62258800${i % learned.length}` : `70000${i}`,
        purpose: kind < 3 ? `${c.reference}通行费` : '运费',
      };
    });
    const file = icbcFile(lines);
    const imported = await measured(() =>
      importStatement(
        app.db,
        new Date(),
        { label: 'bench' },
        { format: 'icbc-fixed', fileName: 'big.txt', content: file },
      ),
    );
    const s = imported.result.byStatus;
    await app.db.raw(`create table bench_lines (like corporate_statement_lines including defaults)`);
    const importFloor = await measured(async () => {
      for (let i = 0; i < lines.length; i += 5000) {
        const part = lines.slice(i, i + 5000);
        await app.db.raw(
          `insert into bench_lines (id, bank, serial, import_id, line_no, booked_at, direction, amount, purpose, payer_account, payer_name, status)
           select row_number() over () + ?, 'ICBC', s, 1, 1, now(), 'credit', a, p, pa, '某某运输有限公司', 'suspense'
             from unnest(?::text[], ?::bigint[], ?::text[], ?::text[]) as t(s, a, p, pa)`,
          [
            i,
            part.map((l) => l.serial),
            part.map((l) => l.amount.toString()),
            part.map((l) => l.purpose),
            part.map((l) => l.payer),
          ],
        );
      }
    });
    const { checkLedger } = await import('../../src/modules/ledger/index.ts');
    const ledger = await checkLedger(app.db);
    if (!ledger.ok) throw new Error(`ledger: ${JSON.stringify(ledger.failures)}`);
    writeResults(
      'corporate',
      {
        allocationSeconds: alloc.seconds,
        allocationPeakRssMb: alloc.peakRssMb,
        allocationBareInsertSeconds: allocFloor.seconds,
        allocationRatioToBare: alloc.seconds / allocFloor.seconds,
        importSeconds: imported.seconds,
        importPeakRssMb: imported.peakRssMb,
        importBareInsertSeconds: importFloor.seconds,
        importRatioToBare: imported.seconds / importFloor.seconds,
        importLinesPerSecond: Math.round(LINES / imported.seconds),
        matched: s.matched,
        suspense: s.suspense,
        fileMb: Math.round((file.length / 2 ** 20) * 10) / 10,
      },
      `${VEHICLES} vehicles allocated 100.00 each in one HTTP request (each one balanced entry) vs one INSERT of ${VEHICLES} rows; ${LINES}-line ICBC GBK statement (${CUSTOMERS} customers: 60 % by reference, 20 % by 50 learned payers, 20 % to suspense, each line one entry, suspense lines raised as exceptions) imported in one transaction vs a bare INSERT of the same rows in chunks of 5000; peak RSS of the process (service and bench in one); ledger checked after; PostgreSQL on the same cores; load average ${LOAD_AT_START} at start, ${loadavg()[0].toFixed(1)} at the end`,
    );
    console.log(
      JSON.stringify({
        alloc: alloc.seconds,
        allocFloor: allocFloor.seconds,
        import: imported.seconds,
        importFloor: importFloor.seconds,
        s,
      }),
    );
  } finally {
    server.close();
    await shutdown(app);
  }
});
