// Yuan from fen for people, and CSV cells a spreadsheet cannot run: the shared helpers every file
// export uses (statements, bills, settlement and report sheets).
import assert from 'node:assert/strict';
import { statementCsv, type AccountStatement } from '../../src/modules/customers/statement.ts';
import { csvCell } from '../../src/platform/http/csv.ts';
import { yuan } from '../../src/platform/money.ts';

describe('yuan from fen', () => {
  it('writes two decimals by integer arithmetic, negatives included', () => {
    const cases: Array<[bigint, string]> = [
      [0n, '0.00'],
      [5n, '0.05'],
      [-5n, '-0.05'],
      [-100n, '-1.00'],
      [123456n, '1234.56'],
      [-123456n, '-1234.56'],
      [9_007_199_254_740_993n, '90071992547409.93'], // beyond a double's integers
    ];
    for (const [fen, text] of cases) assert.equal(yuan(fen), text, String(fen));
  });
});

describe('CSV cells', () => {
  it('write a text a spreadsheet would take for a formula with a leading apostrophe', () => {
    for (const c of ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\tx', '\rx'])
      assert.ok(csvCell(c).replace(/^"/, '').startsWith("'"), JSON.stringify(c));
    // numbers written as text stay numbers
    for (const c of ['-5', '-0.05', '12.30']) assert.equal(csvCell(c), c);
    assert.equal(csvCell('皖A12345'), '皖A12345');
  });

  it('quote a cell with a comma, quote or line break, doubling its quotes; null is empty', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('a\r\nb'), '"a\r\nb"');
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(-5n), '-5');
  });

  it("keep a customer's own words in a statement from running as a formula", () => {
    const statement = {
      account: { id: 7n },
      customer: { name: '=HYPERLINK("http://example.invalid","点此")' },
      from: '2026-12-01',
      to: '2026-12-06',
      openingBalance: 1500n,
      closingBalance: -5n,
      movements: [
        {
          at: new Date('2026-12-02T01:00:00Z'),
          kind: 'load',
          reference: '+86 load',
          memo: '@memo',
          amount: -1505n,
          balance: -5n,
        },
      ],
    } as unknown as AccountStatement;
    const lines = statementCsv(statement)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    assert.equal(lines[1], `customer,"'=HYPERLINK(""http://example.invalid"",""点此"")"`);
    assert.equal(lines[5], 'closing balance (yuan),-0.05');
    assert.equal(lines[8], `2026-12-02T01:00:00.000Z,load,'+86 load,'@memo,-15.05,-0.05,-1505,-5`);
  });
});
