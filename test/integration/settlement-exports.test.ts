// The day's statements as files: the payout statement and the settlements of a date, as CSV and as
// XLSX, read back — rows, a totals row equal to the sum of the rows, fen as integers, yuan written
// from fen without floats.
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { harness, loginAs, unique } from '../helpers/harness.ts';
import { assertLedgerHolds } from '../helpers/ledger.ts';
import { download, freshDate, settlementDay, staffGet, type Day } from '../helpers/settlement.ts';
import { payoutStatement, toCsv } from '../../src/modules/settlement/index.ts';
import { yuan } from '../../src/platform/money.ts';

// RFC 4180, written here independently of the module
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the file ends with a line break');
  return rows;
}

async function readXlsx(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  assert.equal(wb.worksheets.length, 1);
  const rows: unknown[][] = [];
  wb.worksheets[0].eachRow((r) => {
    rows.push((r.values as unknown[]).slice(1));
  });
  return rows;
}

// a totals row equals the sum of the rows above it, column by column, for every integer column
function assertTotals(header: string[], rows: string[][]): void {
  const body = rows.slice(0, -1);
  const total = rows[rows.length - 1];
  header.forEach((h, i) => {
    if (!h.endsWith('_fen') && !h.endsWith('_count') && h !== 'transactions' && !h.startsWith('packages')) return;
    assert.equal(
      BigInt(total[i]),
      body.reduce((a, r) => a + BigInt(r[i]), 0n),
      `total of ${h}`,
    );
  });
}

describe('settlement statements (exports)', () => {
  let finance: string;
  let day: Day;
  before(async () => {
    finance = (await loginAs('finance')).auth;
    // payouts 1234.56 and 1.05; nets −765.39, +1.00 and −0.05
    day = await settlementDay(
      [
        { network: '3201', receivable: 123461n, payable: 200000n },
        { network: '3601', receivable: 100n, payable: 0n },
        { network: '4101', receivable: 0n, payable: 5n },
      ],
      [{ '3201': 123456n }, { '3201': 5n, '3601': 100n }],
    );
  });
  afterEach(assertLedgerHolds);

  it('formats yuan from fen by string arithmetic', () => {
    const cases: Array<[bigint, string]> = [
      [123456n, '1234.56'],
      [-123456n, '-1234.56'],
      [0n, '0.00'],
      [1n, '0.01'],
      [-5n, '-0.05'],
      [100n, '1.00'],
      [-76539n, '-765.39'],
      [9007199254740991n, '90071992547409.91'],
    ];
    for (const [fen, text] of cases) assert.equal(yuan(fen), text, String(fen));
  });

  it('exports the payout statement as CSV: a row per operator, per-province columns, a totals row', async () => {
    const res = await staffGet(finance, `/api/v1/payouts/${day.date}/export?format=csv`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['content-disposition'], `attachment; filename="payouts-${day.date}.csv"`);
    const [header, ...rows] = parseCsv(res.text);
    assert.deepEqual(header, [
      'clearing_date',
      'operator_id',
      'operator_name',
      'state',
      'transactions',
      'amount_fen',
      'amount_yuan',
      'own_card_fen',
      'interchange_fen',
      'province_3201_fen',
      'province_3601_fen',
      'bank_reference',
    ]);
    const [a, b] = day.operators;
    const byOp = new Map(rows.map((r) => [r[1], r]));
    assert.deepEqual(byOp.get(a.id)!.slice(1, 11), [
      a.id,
      a.name,
      'draft',
      '5',
      '123456',
      '1234.56',
      '0',
      '123456',
      '123456',
      '0',
    ]);
    assert.deepEqual(byOp.get(b.id)!.slice(4, 11), ['9', '105', '1.05', '0', '105', '5', '100']);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2].slice(0, 2), [day.date, 'TOTAL']);
    assert.equal(rows[2][6], '1235.61');
    assertTotals(header, rows);
  });

  it('exports the payout statement as XLSX with the same cells, integers as numbers', async () => {
    const csv = parseCsv((await staffGet(finance, `/api/v1/payouts/${day.date}/export?format=csv`)).text);
    const res = await download(finance, `/api/v1/payouts/${day.date}/export?format=xlsx`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(res.headers['content-disposition'], `attachment; filename="payouts-${day.date}.xlsx"`);
    const sheet = await readXlsx(res.body as Buffer);
    assert.deepEqual(sheet[0], csv[0]);
    assert.equal(sheet.length, csv.length);
    const amount = csv[0].indexOf('amount_fen');
    for (const row of sheet.slice(1))
      assert.ok(typeof row[amount] === 'number' && Number.isInteger(row[amount]), `amount ${row[amount]}`);
    // every cell reads back as the CSV has it (empty cells are absent in XLSX)
    sheet
      .slice(1)
      .forEach((row, r) =>
        csv[r + 1].forEach((cell, c) =>
          assert.equal(
            row[c] === undefined || row[c] === null ? '' : String(row[c]),
            cell,
            `row ${r + 1} ${csv[0][c]}`,
          ),
        ),
      );
  });

  it('exports the settlements of a date as CSV and XLSX, negative nets in yuan, a totals row', async () => {
    const res = await staffGet(finance, `/api/v1/settlements/${day.date}/export`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['content-disposition'], `attachment; filename="settlements-${day.date}.csv"`);
    const [header, ...rows] = parseCsv(res.text);
    const col = (name: string) => header.indexOf(name);
    assert.deepEqual(
      rows.map((r) => [
        r[col('network')],
        r[col('receivable_fen')],
        r[col('payable_fen')],
        r[col('net_fen')],
        r[col('net_yuan')],
      ]),
      [
        ['3201', '123461', '200000', '-76539', '-765.39'],
        ['3601', '100', '0', '100', '1.00'],
        ['4101', '0', '5', '-5', '-0.05'],
        ['TOTAL', '123561', '200005', '-76444', '-764.44'],
      ],
    );
    assertTotals(header, rows);
    const xlsx = await readXlsx(
      (await download(finance, `/api/v1/settlements/${day.date}/export?format=xlsx`)).body as Buffer,
    );
    assert.deepEqual(xlsx[0], header);
    assert.deepEqual(xlsx.map((r) => r[col('net_fen')]).slice(1), [-76539, 100, -5, -76444]);
    assert.deepEqual(xlsx.map((r) => r[col('net_yuan')]).slice(1), ['-765.39', '1.00', '-0.05', '-764.44']);
  });

  it('a date with nothing gives the header and a zero totals row; a bad format is 400; clerks may not export', async () => {
    const empty = await freshDate();
    const [header, ...rows] = parseCsv((await staffGet(finance, `/api/v1/payouts/${empty}/export?format=csv`)).text);
    assert.equal(header[0], 'clearing_date');
    assert.deepEqual(rows, [[empty, 'TOTAL', '', '', '0', '0', '0.00', '0', '0', '']]);
    assert.equal((await staffGet(finance, `/api/v1/settlements/${day.date}/export?format=pdf`)).status, 400);
    assert.equal(
      (await staffGet((await loginAs('auditor')).auth, `/api/v1/settlements/${day.date}/export?format=xlsx`)).status,
      200,
    );
    assert.equal((await staffGet((await loginAs('clerk')).auth, `/api/v1/payouts/${day.date}/export`)).status, 403);
  });

  it('carries own-card money in its own column and quotes names with commas (statement built in a transaction left undone)', async () => {
    const h = await harness();
    const date = await freshDate();
    const undo = new Error('undo');
    await h.app.db
      .transaction(async (trx) => {
        const op = `OP-Q${unique('').toUpperCase()}`;
        await trx('operators').insert({ id: op, name: '=Road, "Quoted" Co' });
        await trx('clearing_days').insert({ clearing_date: date, opened_at: h.clock.now() });
        await trx('clearing_operator_totals').insert([
          { clearing_date: date, operator_id: op, source: 'own-card', transactions: 4, amount: 700 },
          { clearing_date: date, operator_id: op, source: 'province:3201', transactions: 1, amount: 50 },
        ]);
        await trx('operator_payouts').insert({
          clearing_date: date,
          operator_id: op,
          transactions: 5,
          amount: 750,
          own_amount: 700,
          interchange_amount: 50,
          created_at: h.clock.now(),
        });
        const sheet = await payoutStatement(trx, date);
        const [header, row, total] = parseCsv(toCsv(sheet));
        assert.deepEqual(row.slice(1, 10), [
          op,
          '\'=Road, "Quoted" Co',
          'draft',
          '5',
          '750',
          '7.50',
          '700',
          '50',
          '50',
        ]);
        assert.deepEqual(total.slice(4, 10), ['5', '750', '7.50', '700', '50', '50']);
        assert.equal(header[9], 'province_3201_fen');
        throw undo;
      })
      .catch((err) => {
        if (err !== undo) throw err;
      });
  });
});
