// Ledger invariants of corporate money: suspense, vehicle allocations, transfers that posted.
import { registerBalanceInvariant, registerInvariant } from '../ledger/index.ts';
import { SUSPENSE } from './transfers.ts';

export function registerCorporateInvariants(): void {
  registerBalanceInvariant({
    name: 'corporate-transfers-suspense equals the lines in suspense',
    account: SUSPENSE,
    expectedSql: `select coalesce(sum(amount), 0) from corporate_statement_lines where status = 'suspense'`,
    what: 'statement lines in suspense',
  });
  registerInvariant({
    name: 'vehicle allocations are never overdrawn and never hold more than was allocated',
    run: async (db) => {
      const r = await db.raw(`
        with b as (select a.code, -coalesce(sum(p.amount), 0) as balance from ledger_accounts a
                     left join postings p on p.account_id = a.id
                    where a.code like 'vehicle-allocation:%' group by a.code),
             g as (select 'vehicle-allocation:' || vehicle_id as code, sum(amount) as given
                     from corporate_allocations group by vehicle_id)
        select b.code, b.balance, coalesce(g.given, 0) as given from b left join g using (code)
         where b.balance < 0 or b.balance > coalesce(g.given, 0) limit 20`);
      return r.rows.map(
        (x: { code: string; balance: string; given: string }) =>
          `${x.code} holds ${x.balance} fen of ${x.given} fen allocated`,
      );
    },
  });
  registerInvariant({
    name: 'every allocation, matched transfer and suspense line posted its entry',
    run: async (db) => {
      const r = await db.raw(`
        select 'allocation ' || a.batch_id || ':' || a.vehicle_id as what from corporate_allocations a
         where not exists (select 1 from journal_entries e where e.kind = 'corporate-allocation'
                             and e.reference = a.batch_id || ':' || a.vehicle_id)
        union all
        select 'statement line ' || l.id from corporate_statement_lines l
         where l.status in ('matched','suspense','assigned','returned')
           and not exists (select 1 from journal_entries e
                            where e.kind in ('corporate-transfer','corporate-transfer-suspense')
                              and e.reference = l.bank || ':' || l.serial)
        limit 20`);
      return r.rows.map((x: { what: string }) => `${x.what} lacks its journal entry`);
    },
  });
}
