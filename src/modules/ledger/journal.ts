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

// Returns the entry id, or null when nothing moves (all postings net to zero). One statement: the
// entry and its postings go in together (a load posts twice per card, so round trips matter). A code
// with no account writes no posting at all, so that the clear error below is the one raised, not the
// database's unbalanced-entry check on the postings that did resolve.
export async function postEntry(trx: Knex.Transaction, input: EntryInput): Promise<bigint | null> {
  const postings = netPostings(input.postings);
  if (postings.length === 0) return null;
  assertBalanced(postings);
  const values = postings.map(() => '(?::text, ?::bigint)').join(', ');
  let rows: Array<{ id: bigint; n: string | number }>;
  try {
    ({ rows } = await trx.raw(
      `with e as (insert into journal_entries (kind, reference, memo, actor) values (?, ?, ?, ?) returning id),
            v (code, amount) as (values ${values}),
            p as (insert into postings (entry_id, account_id, amount)
                  select e.id, a.id, v.amount from e cross join v join ledger_accounts a on a.code = v.code
                   where not exists (select from v left join ledger_accounts k on k.code = v.code where k.id is null)
                  returning 1)
       select e.id, (select count(*) from p) as n from e`,
      [
        input.kind,
        input.reference,
        input.memo ?? null,
        input.actor,
        ...postings.flatMap((p) => [p.account, p.amount.toString()]),
      ],
    ));
  } catch (err) {
    if (isUniqueViolation(err)) throw new LedgerError(`${input.kind} ${input.reference} was already posted`);
    throw err;
  }
  if (Number(rows[0].n) !== postings.length) {
    const known = await accountIdsByCode(
      trx,
      postings.map((p) => p.account),
    );
    const missing = postings.find((p) => !known.has(p.account));
    throw new LedgerError(`unknown ledger account ${missing?.account ?? '?'}`);
  }
  return rows[0].id;
}

export async function entriesFor(
  db: Knex,
  kind: string,
  reference: string,
): Promise<Array<{ account: string; amount: bigint }>> {
  return db('journal_entries as e')
    .join('postings as p', 'p.entry_id', 'e.id')
    .join('ledger_accounts as a', 'a.id', 'p.account_id')
    .where({ 'e.kind': kind, 'e.reference': reference })
    .select('a.code as account', 'p.amount')
    .orderBy('p.id');
}

export type AccountPosting = {
  postingId: bigint;
  entryId: bigint;
  at: Date;
  kind: string;
  reference: string;
  memo: string | null;
  // signed as in the ledger (debit positive), and the account's balance after this posting
  amount: bigint;
  balance: bigint;
};

/** An account's postings in posting order after `afterPostingId`, each with the running balance,
 *  a page at a time (statements). An unknown code has none. */
export async function accountPostings(
  db: Knex,
  code: string,
  afterPostingId: bigint,
  limit: number,
): Promise<AccountPosting[]> {
  const { rows } = await db.raw(
    `select * from (
       select p.id as posting_id, e.id as entry_id, e.created_at as at, e.kind, e.reference, e.memo, p.amount,
              sum(p.amount) over (order by p.id) as balance
         from postings p
         join journal_entries e on e.id = p.entry_id
         join ledger_accounts a on a.id = p.account_id
        where a.code = ?) s
      where posting_id > ? order by posting_id limit ?`,
    [code, String(afterPostingId), limit],
  );
  return rows.map((r: Record<string, any>) => ({
    postingId: BigInt(r.posting_id),
    entryId: BigInt(r.entry_id),
    at: r.at,
    kind: r.kind,
    reference: r.reference,
    memo: r.memo,
    amount: BigInt(r.amount),
    balance: BigInt(r.balance),
  }));
}

/** Many entries in a few statements (a statement import credits thousands of transfers, a bulk
 *  allocation thousands of vehicles): each entry is still one balanced entry of its own, checked
 *  here and by the database at commit. Returns how many entries were written. */
export async function postEntries(trx: Knex.Transaction, inputs: EntryInput[], chunk = 2000): Promise<number> {
  let written = 0;
  for (let i = 0; i < inputs.length; i += chunk) {
    const part = inputs.slice(i, i + chunk).map((e) => ({ ...e, postings: netPostings(e.postings) }));
    const live = part.filter((e) => e.postings.length > 0);
    for (const e of live) assertBalanced(e.postings);
    if (live.length === 0) continue;
    const pk: string[] = [];
    const pr: string[] = [];
    const pc: string[] = [];
    const pa: string[] = [];
    for (const e of live)
      for (const p of e.postings) {
        pk.push(e.kind);
        pr.push(e.reference);
        pc.push(p.account);
        pa.push(p.amount.toString());
      }
    let rows: Array<{ ne: string | number; np: string | number }>;
    try {
      ({ rows } = await trx.raw(
        `with v as (select * from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as v(kind, reference, memo, actor)),
              e as (insert into journal_entries (kind, reference, memo, actor)
                    select kind, reference, memo, actor from v returning id, kind, reference),
              w as (select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) as w(kind, reference, code, amount)),
              p as (insert into postings (entry_id, account_id, amount)
                    select e.id, a.id, w.amount from w join e using (kind, reference)
                      join ledger_accounts a on a.code = w.code
                     where not exists (select from w left join ledger_accounts k on k.code = w.code where k.id is null)
                    returning 1)
         select (select count(*) from e) as ne, (select count(*) from p) as np`,
        [
          live.map((e) => e.kind),
          live.map((e) => e.reference),
          live.map((e) => e.memo ?? null) as string[],
          live.map((e) => e.actor),
          pk,
          pr,
          pc,
          pa,
        ],
      ));
    } catch (err) {
      if (isUniqueViolation(err)) throw new LedgerError(`an entry of this batch was already posted`);
      throw err;
    }
    if (Number(rows[0].np) !== pc.length) {
      const known = await accountIdsByCode(trx, pc);
      throw new LedgerError(`unknown ledger account ${pc.find((c) => !known.has(c)) ?? '?'}`);
    }
    written += Number(rows[0].ne);
  }
  return written;
}
