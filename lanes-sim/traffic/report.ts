// The summary of a simulated day, as the traffic command prints it.
import type { DayReport } from './day.ts';

export function formatReport(
  r: DayReport,
  ledgerFailures: Array<{ check: string; detail: string }>,
  seconds: number,
): string {
  const lines = [
    `day ${r.date}: ${r.vehicles} vehicles, ${r.trips} trips, ${r.transactions} transactions (${seconds.toFixed(1)} s)`,
    `uploads ${r.uploads} (+${r.replays} replays under the same key): received ${r.received} = accepted ${r.accepted} + duplicate ${r.duplicate} + rejected ${r.rejected}`,
    'by fault (transactions answered as the fault implies / carrying it):',
    ...Object.entries(r.byFault)
      .sort()
      .map(([f, c]) => `  ${f.padEnd(10)} ${c.asExpected}/${c.transactions}`),
    `late: ${r.lateTransactions.length} transactions uploaded after the day was cleared`,
    `clearing ${r.clearing.date}: ${r.clearing.steps.join(', ') || 'already done'}`,
    ...r.clearing.operators.map(
      (o) =>
        `  ${o.operatorId.padEnd(10)} ${String(o.amount).padStart(10)} fen (expected ${r.clearing.expected[o.operatorId] ?? 0})`,
    ),
    r.mismatches.length
      ? `MISMATCHES (${r.mismatches.length}):`
      : 'every transaction got the disposition its fault implies',
    ...r.mismatches
      .slice(0, 20)
      .map(
        (m) =>
          `  ${m.laneId} ${m.terminalId}/${m.terminalSeq} [${m.fault}] expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.got)}`,
      ),
    ledgerFailures.length
      ? `LEDGER INVARIANTS FAILED: ${ledgerFailures.map((f) => `${f.check}: ${f.detail}`).join('; ')}`
      : 'ledger invariants hold',
  ];
  return lines.join('\n');
}
