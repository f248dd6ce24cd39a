// Statements and tills read straight from the postings, so they cannot disagree with balances:
// an account's movements in a period with the opening balance (Σ postings before the period) and a
// running balance (a window sum), and a counter user's till (what went into and out of the counter
// cash and card-terminal accounts under their name). Set-based: one statement per figure.
// Times are the journal's (journal_entries.created_at).
import type { Knex } from 'knex';

export type Movement = {
  entryId: bigint;
  at: Date;
  kind: string;
  reference: string;
  memo: string | null;
  actor: string;
  // signed from the chosen side: positive adds to the balance
  amount: bigint;
  balance: bigint;
};

export type Statement = {
  openingBalance: bigint;
  closingBalance: bigint;
  totalIn: bigint;
  totalOut: bigint;
  count: number;
  movements: Movement[];
};

// side 'credit': a liability seen from its holder's side (a customer's funds: a credit posting is
// money in, so amounts and balances are negated); 'debit': as posted.
export async function statementOf(
  db: Knex,
  code: string,
  from: Date,
  to: Date,
  page: { limit: number; offset: number } | null,
  side: 'debit' | 'credit' = 'debit',
): Promise<Statement> {
  const sign = side === 'credit' ? -1 : 1;
  // one movement per journal entry: an entry may post to the account more than once
  const moves = `
    with acct as (select id from ledger_accounts where code = :code),
    opening as (
      select cast(coalesce(sum(p.amount), 0) as bigint) * :sign as s
        from postings p join journal_entries e on e.id = p.entry_id
       where p.account_id = (select id from acct) and e.created_at < :from),
    moves as (
      select e.id as entry_id, e.created_at as at, e.kind, e.reference, e.memo, e.actor,
             cast(sum(p.amount) as bigint) * :sign as amount
        from postings p join journal_entries e on e.id = p.entry_id
       where p.account_id = (select id from acct) and e.created_at >= :from and e.created_at < :to
       group by e.id)`;
  const bind = { code, sign, from, to };
  const totals = (
    await db.raw(
      `${moves}
       select (select s from opening) as opening,
              cast(coalesce(sum(amount) filter (where amount > 0), 0) as bigint) as total_in,
              cast(coalesce(-sum(amount) filter (where amount < 0), 0) as bigint) as total_out,
              cast(count(*) as int) as n
         from moves`,
      bind,
    )
  ).rows[0];
  const rows = (
    await db.raw(
      `${moves}
       select m.*, (select s from opening) + sum(m.amount) over (order by m.at, m.entry_id rows unbounded preceding)
              as balance
         from moves m order by m.at, m.entry_id
       ${page ? 'limit :limit offset :offset' : ''}`,
      page ? { ...bind, limit: page.limit, offset: page.offset } : bind,
    )
  ).rows;
  const opening = BigInt(totals.opening);
  const totalIn = BigInt(totals.total_in);
  const totalOut = BigInt(totals.total_out);
  return {
    openingBalance: opening,
    closingBalance: opening + totalIn - totalOut,
    totalIn,
    totalOut,
    count: totals.n,
    movements: rows.map((r: Record<string, any>) => ({
      entryId: r.entry_id,
      at: r.at,
      kind: r.kind,
      reference: r.reference,
      memo: r.memo,
      actor: r.actor,
      amount: BigInt(r.amount),
      balance: BigInt(r.balance),
    })),
  };
}

// The counter's money accounts and the payment method each stands for.
export const TILL_ACCOUNTS = { 'counter-cash': 'cash', 'counter-pos': 'pos' } as const;
export type TillMethod = (typeof TILL_ACCOUNTS)[keyof typeof TILL_ACCOUNTS];

export type TillOperation = {
  entryId: bigint;
  at: Date;
  kind: string;
  reference: string;
  memo: string | null;
  method: TillMethod;
  // positive: taken into the counter; negative: paid out of it
  amount: bigint;
};

export type Till = {
  takenByMethod: Record<TillMethod, bigint>;
  paidOutByMethod: Record<TillMethod, bigint>;
  taken: bigint;
  paidOut: bigint;
  net: bigint;
  operationCount: number;
  operations: TillOperation[];
  hasMore: boolean;
};

// What the journal entries made under `actor` in [from, to) moved into and out of the counter's
// money accounts, by method, and the operations themselves (one row per entry and method).
export async function tillOf(
  db: Knex,
  actor: string,
  from: Date,
  to: Date,
  page: { limit: number; offset: number },
): Promise<Till> {
  const base = `
    with moves as (
      select e.id as entry_id, e.created_at as at, e.kind, e.reference, e.memo,
             case a.code when 'counter-cash' then 'cash' else 'pos' end as method, cast(sum(p.amount) as bigint) as amount
        from journal_entries e
        join postings p on p.entry_id = e.id
        join ledger_accounts a on a.id = p.account_id and a.code in ('counter-cash', 'counter-pos')
       where e.actor = :actor and e.created_at >= :from and e.created_at < :to
       group by e.id, a.code)`;
  const bind = { actor, from, to };
  const sums = (
    await db.raw(
      `${base}
       select method,
              cast(coalesce(sum(amount) filter (where amount > 0), 0) as bigint) as taken,
              cast(coalesce(-sum(amount) filter (where amount < 0), 0) as bigint) as paid_out
         from moves group by method`,
      bind,
    )
  ).rows;
  const count = (await db.raw(`${base} select cast(count(distinct entry_id) as int) as n from moves`, bind)).rows[0].n;
  const ops = (
    await db.raw(`${base} select * from moves order by at, entry_id, method limit :limit offset :offset`, {
      ...bind,
      limit: page.limit + 1,
      offset: page.offset,
    })
  ).rows;
  const takenByMethod: Record<TillMethod, bigint> = { cash: 0n, pos: 0n };
  const paidOutByMethod: Record<TillMethod, bigint> = { cash: 0n, pos: 0n };
  for (const s of sums) {
    takenByMethod[s.method as TillMethod] = BigInt(s.taken);
    paidOutByMethod[s.method as TillMethod] = BigInt(s.paid_out);
  }
  const taken = takenByMethod.cash + takenByMethod.pos;
  const paidOut = paidOutByMethod.cash + paidOutByMethod.pos;
  return {
    takenByMethod,
    paidOutByMethod,
    taken,
    paidOut,
    net: taken - paidOut,
    operationCount: count,
    hasMore: ops.length > page.limit,
    operations: ops.slice(0, page.limit).map((r: Record<string, any>) => ({
      entryId: r.entry_id,
      at: r.at,
      kind: r.kind,
      reference: r.reference,
      memo: r.memo,
      method: r.method,
      amount: BigInt(r.amount),
    })),
  };
}

/** What entries made in [from, to) moved on one account: their count and the net amount (debit +). */
export async function movementOf(
  db: Knex,
  code: string,
  from: Date,
  to: Date,
): Promise<{ entries: number; amount: bigint }> {
  const { rows } = await db.raw(
    `select cast(count(distinct e.id) as int) as entries, cast(coalesce(sum(p.amount), 0) as bigint) as amount
       from journal_entries e
       join postings p on p.entry_id = e.id
       join ledger_accounts a on a.id = p.account_id and a.code = ?
      where e.created_at >= ? and e.created_at < ?`,
    [code, from, to],
  );
  return { entries: rows[0].entries, amount: BigInt(rows[0].amount) };
}
