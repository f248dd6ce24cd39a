// After every scenario the ledger invariants must hold.
import assert from 'node:assert/strict';
import { checkLedger } from '../../src/modules/ledger/index.ts';
import { harness } from './harness.ts';

export async function assertLedgerHolds(): Promise<void> {
  const h = await harness();
  const r = await checkLedger(h.app.db);
  assert.deepEqual(r.failures, [], 'ledger invariants');
}

export async function journal(kind: string, reference: string): Promise<Record<string, bigint>> {
  const h = await harness();
  const rows = await h.app
    .db('journal_entries as e')
    .join('postings as p', 'p.entry_id', 'e.id')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where({ 'e.kind': kind, 'e.reference': reference })
    .select('a.code', 'p.amount');
  return Object.fromEntries(rows.map((r) => [r.code, r.amount]));
}
