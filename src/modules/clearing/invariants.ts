// Ledger invariants of clearing (DESIGN §5): each clearing day's splits add up exactly to its
// transactions, per transaction and per day; operator payables were posted for exactly the split
// days; toll revenue clearing holds exactly the own-card tolls not yet moved to operators.
import { ownCardSplitSource } from '../lanes/index.ts';
import { registerInvariant } from '../ledger/index.ts';

const SPLIT = `(select clearing_date from clearing_day_steps where step = 'own-card-split')`;
const PAID = `(select clearing_date from clearing_day_steps where step = 'operator-payables')`;

export function registerClearingInvariants(): void {
  registerInvariant({
    name: 'every split transaction’s parts add up to its amount',
    run: async (db) => {
      const src = ownCardSplitSource();
      const { rows } = await db.raw(
        `select coalesce(t.clearing_date, s.clearing_date)::text as d, coalesce(t.transaction_id, s.transaction_id)::text as id,
                t.amount::text as amount, s.parts::text as parts
           from (select * from (${src.sql}) x where x.clearing_date in ${SPLIT}) t
           full join (select clearing_date, transaction_id, sum(amount) as parts from clearing_splits where source = 'own-card' group by 1, 2) s
             on s.clearing_date = t.clearing_date and s.transaction_id = t.transaction_id
          where t.amount is distinct from s.parts limit 20`,
        src.bindings,
      );
      return rows.map(
        (r: { d: string; id: string; amount: string | null; parts: string | null }) =>
          `${r.d} transaction ${r.id}: amount ${r.amount ?? 'none'}, splits ${r.parts ?? 'none'}`,
      );
    },
  });
  registerInvariant({
    name: 'each clearing day’s operator totals equal its splits and its payable entry',
    run: async (db) => {
      const { rows } = await db.raw(
        `with s as (select clearing_date, sum(amount) as amount from clearing_splits where source = 'own-card' group by 1),
              o as (select clearing_date, sum(amount) as amount from clearing_operator_totals where source = 'own-card' group by 1),
              e as (select e.reference as d, sum(p.amount) as amount from journal_entries e join postings p on p.entry_id = e.id
                      join ledger_accounts a on a.id = p.account_id where e.kind = 'operator-payables' and a.code = 'toll-revenue-clearing' group by 1)
         select d.clearing_date::text as d, s.amount::text as splits, o.amount::text as totals, e.amount::text as posted
           from clearing_days d left join s using (clearing_date) left join o using (clearing_date) left join e on e.d = d.clearing_date::text
          where coalesce(s.amount, 0) <> coalesce(o.amount, 0)
             or (d.clearing_date in ${PAID} and coalesce(o.amount, 0) <> coalesce(e.amount, 0))
             or (d.clearing_date not in ${PAID} and e.amount is not null)
          limit 20`,
      );
      return rows.map(
        (r: { d: string; splits: string | null; totals: string | null; posted: string | null }) =>
          `day ${r.d}: splits ${r.splits ?? 0}, operator totals ${r.totals ?? 0}, payable entry ${r.posted ?? 'none'}`,
      );
    },
  });
  registerInvariant({
    name: 'toll revenue clearing holds the own-card tolls not yet moved to operator payables',
    run: async (db) => {
      const src = ownCardSplitSource();
      const { rows } = await db.raw(
        `select (select coalesce(-sum(p.amount), 0) from postings p join ledger_accounts a on a.id = p.account_id where a.code = 'toll-revenue-clearing')::text as ledger,
                (select coalesce(sum(t.amount), 0) from (${src.sql}) t where t.clearing_date not in ${PAID})::text as unpaid`,
        src.bindings,
      );
      const { ledger, unpaid } = rows[0];
      return ledger === unpaid
        ? []
        : [`toll-revenue-clearing ${ledger} ≠ accepted own-card tolls not yet paid out ${unpaid}`];
    },
  });
  registerInvariant({
    name: 'each clearing day’s province money: splits, operator totals and the receivable entry agree',
    run: async (db) => {
      const { rows } = await db.raw(
        `with s as (select clearing_date::text as d, sum(amount) as amount from clearing_splits where source like 'province:%' group by 1),
              o as (select clearing_date::text as d, sum(amount) as amount from clearing_operator_totals where source like 'province:%' group by 1),
              e as (select e.reference as d, sum(p.amount) as amount from journal_entries e join postings p on p.entry_id = e.id
                      join ledger_accounts a on a.id = p.account_id where e.kind = 'interchange-receivable' and a.code like 'province-receivable:%' group by 1)
         select coalesce(s.d, o.d, e.d) as d, s.amount::text as splits, o.amount::text as totals, e.amount::text as posted
           from s full join o on o.d = s.d full join e on e.d = coalesce(s.d, o.d)
          where coalesce(s.amount, 0) <> coalesce(o.amount, 0) or coalesce(s.amount, 0) <> coalesce(e.amount, 0)
          limit 20`,
      );
      return rows.map(
        (r: { d: string; splits: string | null; totals: string | null; posted: string | null }) =>
          `day ${r.d}: province splits ${r.splits ?? 0}, operator totals ${r.totals ?? 0}, receivable entry ${r.posted ?? 'none'}`,
      );
    },
  });
}
