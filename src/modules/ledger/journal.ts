// Posting to the journal. One business event = one balanced entry, in the caller's transaction.
// Balance is checked here (a clear error at the call site) and again by the database at commit.
import type { Knex } from 'knex';
import { isUniqueViolation } from '../../platform/db/transaction.ts';
import { accountIdsByCode } from './accounts.ts';

export type Posting = { account: string; amount: bigint };
export type EntryInput = { kind: string; reference: string; memo?: string; actor: string; postings: Posting[] };

export class LedgerError extends Error {}

export function assertBalanced(postings: Posting[]): void {
  if (postings.length < 2) throw new LedgerError('a journal entry needs at least two postings');
  let sum = 0n;
  for (const p of postings) {
    if (typeof p.amount !== 'bigint') throw new LedgerError(`posting to ${p.account} is not an integer fen amount`);
    if (p.amount === 0n) throw new LedgerError(`posting to ${p.account} is zero`);
    sum += p.amount;
  }
  if (sum !== 0n) throw new LedgerError(`journal entry does not balance (off by ${sum} fen)`);
}

// Merges postings to the same account and drops those that net to zero, so callers can describe
// an event naturally (e.g. a fee with a full discount) without producing zero postings.
export function netPostings(postings: Posting[]): Posting[] {
  for (const p of postings) {
    if (typeof p.amount !== 'bigint') throw new LedgerError(`posting to ${p.account} is not an integer fen amount`);
  }
  const by = new Map<string, bigint>();
  for (const p of postings) by.set(p.account, (by.get(p.account) ?? 0n) + p.amount);
  return [...by].filter(([, a]) => a !== 0n).map(([account, amount]) => ({ account, amount }));
}

// Returns the entry id, or null when nothing moves (all postings net to zero).
export async function postEntry(trx: Knex.Transaction, input: EntryInput): Promise<bigint | null> {
  const postings = netPostings(input.postings);
  if (postings.length === 0) return null;
  assertBalanced(postings);
  const ids = await accountIdsByCode(trx, postings.map((p) => p.account));
  const missing = postings.find((p) => !ids.has(p.account));
  if (missing) throw new LedgerError(`unknown ledger account ${missing.account}`);
  let entryId: bigint;
  try {
    const [row] = await trx('journal_entries')
      .insert({ kind: input.kind, reference: input.reference, memo: input.memo ?? null, actor: input.actor })
      .returning('id');
    entryId = row.id;
  } catch (err) {
    if (isUniqueViolation(err)) throw new LedgerError(`${input.kind} ${input.reference} was already posted`);
    throw err;
  }
  await trx('postings').insert(postings.map((p) => ({ entry_id: entryId, account_id: ids.get(p.account), amount: p.amount })));
  return entryId;
}

export async function entriesFor(db: Knex, kind: string, reference: string): Promise<Array<{ account: string; amount: bigint }>> {
  return db('journal_entries as e')
    .join('postings as p', 'p.entry_id', 'e.id')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where({ 'e.kind': kind, 'e.reference': reference })
    .select('a.code as account', 'p.amount')
    .orderBy('p.id');
}
