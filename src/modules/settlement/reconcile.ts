// Reconciliation of the clearing bank account (DESIGN §8): every imported statement line against
// the settled settlements and paid payouts. Set-based: one statement per outcome, over every line
// and item still open, under one advisory lock; re-running it on the same data changes nothing.
//
// A line pairs with a settled settlement or paid payout of the same counterparty by its reference
// (settlement:<date>:<network>, payout:<date>:<operator>) or, when the line has none, by the bank
// reference finance recorded when settling or paying. A pair is final. Each line and each item pair
// at most once; ties go to the lower line id and to the item first in (kind, key) order.
//   matched          the line's amount is the expected one (+ net of a settlement, − a payout)
//   amount-mismatch  it is not
//   extra            the line pairs with nothing (yet: it pairs later if its item is settled later)
//   missing          an item settled or paid at least MISSING_AFTER_DAYS before the latest value date
//                    of any imported line that no line pays (dropped once a line pays it)
// Every outcome but matched raises a finance exception (kind reconciliation-statement-<outcome>), once.
import type { Knex } from 'knex';
import { raiseExceptions, type ExceptionKind } from '../finance/index.ts';

export const MISSING_AFTER_DAYS = 3;
// one reconciliation (or import) at a time: pairs are decided over the whole table
export const RECONCILE_LOCK = 3401_0090;

export type ReconcileSummary = {
  matched: number;
  amountMismatch: number;
  extra: number;
  missing: number;
  found: number;
  exceptions: number;
};

// Settled settlements and paid payouts that moved money. done_on is the centre's calendar day
// (UTC+8 all year) of settling or paying.
// Money other modules move through the clearing bank account (a refund batch paid out, …): each a
// SELECT of (kind, item_key, reference, counterparty, bank_reference, expected, done_on), registered
// when the module loads, so settlement reconciles it without knowing its tables' owner.
const moreTargets: string[] = [];
export function registerReconciliationTargets(select: string): void {
  if (!moreTargets.includes(select)) moreTargets.push(select);
}

const targets = () => `targets as (
  select 'settlement'::text as kind, to_char(s.clearing_date, 'YYYY-MM-DD') || ':' || s.network as item_key,
         'settlement:' || to_char(s.clearing_date, 'YYYY-MM-DD') || ':' || s.network as reference,
         s.network::text as counterparty, s.bank_reference, s.net as expected,
         ((s.settled_at at time zone 'UTC') + interval '8 hours')::date as done_on
    from settlements s where s.state = 'settled' and s.net <> 0
  union all
  select 'payout', to_char(p.clearing_date, 'YYYY-MM-DD') || ':' || p.operator_id,
         'payout:' || to_char(p.clearing_date, 'YYYY-MM-DD') || ':' || p.operator_id,
         p.operator_id, p.bank_reference, -p.amount, ((p.paid_at at time zone 'UTC') + interval '8 hours')::date
    from operator_payouts p where p.state = 'paid' and p.amount <> 0${moreTargets.map((t) => `\n  union all\n  ${t}`).join('')})`;

// Lines not yet paired (no item, or extra) with items not yet paired, one to one.
const pairs = () => `${targets()},
open_lines as (
  select l.id, l.amount, l.counterparty, l.bank_reference, l.reference from bank_statement_lines l
   where not exists (select 1 from reconciliation_items r where r.statement_line_id = l.id and r.outcome <> 'extra')),
open_targets as (
  select t.* from targets t
   where not exists (select 1 from reconciliation_items r where r.kind = t.kind and r.item_key = t.item_key and r.statement_line_id is not null)),
candidates as (
  select l.id as line_id, l.amount as actual, t.kind, t.item_key, t.expected, t.reference,
         row_number() over (partition by l.id order by t.kind, t.item_key) as nth_item,
         row_number() over (partition by t.kind, t.item_key order by l.id) as nth_line
    from open_lines l join open_targets t on t.counterparty = l.counterparty
     and case when l.reference <> '' then l.reference = t.reference else l.bank_reference = t.bank_reference end),
pairs as (select * from candidates where nth_item = 1 and nth_line = 1)`;

const LINE_COLUMNS = `l.import_id, l.line_no, l.value_date, l.counterparty, l.bank_reference, l.reference as line_reference`;

// matched / amount-mismatch: a new item for the line, or its extra item turned into the pair (the
// extra exception raised before stays for a person to resolve; the item keeps pointing at it when
// the pair itself raises none)
const paired = (outcome: 'matched' | 'amount-mismatch') => `with ${pairs()},
ins as (
  insert into reconciliation_items as r (statement_line_id, kind, item_key, expected_amount, actual_amount, outcome, exception_kind, exception_reference, reconciled_at)
  select line_id, kind, item_key, expected, actual, '${outcome}',
         ${outcome === 'matched' ? 'null, null' : `'reconciliation-statement-mismatch', reference`}, ?::timestamptz
    from pairs where expected ${outcome === 'matched' ? '=' : '<>'} actual
  on conflict (statement_line_id) do update
     set kind = excluded.kind, item_key = excluded.item_key, expected_amount = excluded.expected_amount, outcome = excluded.outcome,
         exception_kind = coalesce(excluded.exception_kind, r.exception_kind), exception_reference = coalesce(excluded.exception_reference, r.exception_reference),
         reconciled_at = excluded.reconciled_at
   where r.outcome = 'extra'
  returning r.*)
select ins.*, ${LINE_COLUMNS} from ins join bank_statement_lines l on l.id = ins.statement_line_id`;

// a missing item whose settlement or payout a line now pays is dropped (its exception stays)
const FOUND = `delete from reconciliation_items m
  where m.statement_line_id is null
    and exists (select 1 from reconciliation_items r where r.kind = m.kind and r.item_key = m.item_key and r.statement_line_id is not null)
  returning m.id`;

const EXTRA = `with ins as (
  insert into reconciliation_items (statement_line_id, actual_amount, outcome, exception_kind, exception_reference, reconciled_at)
  select l.id, l.amount, 'extra', 'reconciliation-statement-extra', 'statement-line:' || l.id, ?::timestamptz
    from bank_statement_lines l where not exists (select 1 from reconciliation_items r where r.statement_line_id = l.id)
  on conflict do nothing
  returning *)
select ins.*, ${LINE_COLUMNS} from ins join bank_statement_lines l on l.id = ins.statement_line_id`;

const missing = () => `with ${targets()}
insert into reconciliation_items (kind, item_key, expected_amount, outcome, exception_kind, exception_reference, reconciled_at)
select t.kind, t.item_key, t.expected, 'missing', 'reconciliation-statement-missing', t.reference, ?::timestamptz
  from targets t
 where t.done_on <= (select max(value_date) from bank_statement_lines) - ?::int
   and not exists (select 1 from reconciliation_items r where r.kind = t.kind and r.item_key = t.item_key)
on conflict do nothing
returning *`;

type ItemRow = Record<string, any>;

function exceptionOf(r: ItemRow) {
  const line =
    r.statement_line_id == null
      ? undefined
      : {
          id: r.statement_line_id,
          importId: r.import_id,
          lineNo: r.line_no,
          valueDate: r.value_date,
          amount: r.actual_amount,
          counterparty: r.counterparty,
          bankReference: r.bank_reference,
          reference: r.line_reference,
        };
  return {
    kind: r.exception_kind as ExceptionKind,
    reference: r.exception_reference as string,
    source: line ? `bank-statement:${line.importId}` : 'reconciliation',
    amount: (r.expected_amount ?? r.actual_amount) as bigint,
    detail: {
      outcome: r.outcome,
      item: r.kind ? { kind: r.kind, key: r.item_key } : null,
      expected: r.expected_amount,
      actual: r.actual_amount,
      line,
    },
  };
}

/** Reconciles every open line and item, in the caller's transaction; returns what this run changed. */
export async function reconcile(trx: Knex.Transaction, now: Date): Promise<ReconcileSummary> {
  await trx.raw('select pg_advisory_xact_lock(?)', [RECONCILE_LOCK]);
  const at = now.toISOString();
  const matched: ItemRow[] = (await trx.raw(paired('matched'), [at])).rows;
  const mismatched: ItemRow[] = (await trx.raw(paired('amount-mismatch'), [at])).rows;
  const found: ItemRow[] = (await trx.raw(FOUND)).rows;
  const extra: ItemRow[] = (await trx.raw(EXTRA, [at])).rows;
  const missed: ItemRow[] = (await trx.raw(missing(), [at, MISSING_AFTER_DAYS])).rows;
  const exceptions = await raiseExceptions(trx, now, [...mismatched, ...extra, ...missed].map(exceptionOf));
  return {
    matched: matched.length,
    amountMismatch: mismatched.length,
    extra: extra.length,
    missing: missed.length,
    found: found.length,
    exceptions,
  };
}
