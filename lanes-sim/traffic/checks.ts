// What a simulated day of traffic must show, as a list of named checks: the command prints each and
// exits 0 exactly when every one holds.
import type { DayReport } from './day.ts';

export type Check = { name: string; ok: boolean; detail: string };

// Operator totals compared as data: the same operators with the same amounts, whatever order either
// side lists them in (an operator absent on one side counts as 0 fen there).
export function sameTotals(
  actual: ReadonlyArray<{ operatorId: string; amount: number }>,
  expected: Readonly<Record<string, number>>,
): boolean {
  const got = new Map<string, number>();
  for (const o of actual) got.set(o.operatorId, (got.get(o.operatorId) ?? 0) + o.amount);
  const ids = new Set([...got.keys(), ...Object.keys(expected)]);
  return [...ids].every((id) => (got.get(id) ?? 0) === (expected[id] ?? 0));
}

export function trafficChecks(r: DayReport, ledgerFailures: ReadonlyArray<{ check: string; detail: string }>): Check[] {
  return [
    {
      name: 'every transaction got the disposition its fault implies',
      ok: r.mismatches.length === 0,
      detail: `${r.mismatches.length} mismatches`,
    },
    {
      name: "the day's own-card clearing matches the expected split per operator",
      ok: sameTotals(r.clearing.operators, r.clearing.expected),
      detail: `cleared ${JSON.stringify(Object.fromEntries(r.clearing.operators.map((o) => [o.operatorId, o.amount])))}, expected ${JSON.stringify(r.clearing.expected)}`,
    },
    {
      name: 'ledger invariants hold',
      ok: ledgerFailures.length === 0,
      detail: ledgerFailures.map((f) => `${f.check}: ${f.detail}`).join('; '),
    },
  ];
}

export function formatChecks(checks: ReadonlyArray<Check>): string {
  return checks.map((c) => (c.ok ? `ok   ${c.name}` : `FAIL ${c.name}: ${c.detail}`)).join('\n');
}
