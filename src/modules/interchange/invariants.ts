// Ledger invariants of interchange (DESIGN §5), checked by `etc check-ledger` and after tests.
import { registerInvariant } from '../ledger/index.ts';

export function registerInterchangeInvariants(): void {
  registerInvariant({
    name: 'every received package posted exactly the amount we confirmed, and its accepted rows add up to it',
    run: async (db) => {
      // an accepted row disputed on request afterwards left the confirmation, with a reversing entry
      const { rows } = await db.raw(
        `with t as (select received_package_id as id, sum(amount) as amount from lane_transactions l
                     where received_package_id is not null and disposition = 'accepted'
                       and not exists (select 1 from interchange_disputes d where d.transaction_id = l.id and d.side = 'issuer')
                     group by 1),
              e as (select split_part(e.reference, ':', 2)::bigint as id, -sum(p.amount) as amount from journal_entries e
                      join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
                     where e.kind in ('interchange-purchase', 'interchange-purchase-disputed') and a.code like 'province-payable:%' group by 1)
         select k.id, c.amount::text as confirmed, coalesce(t.amount, 0)::text as rows, coalesce(e.amount, 0)::text as posted
           from interchange_packages k join interchange_confirmations c on c.package_id = k.id
           left join t on t.id = k.id left join e on e.id = k.id
          where k.direction = 'inbound' and (c.amount <> coalesce(t.amount, 0) or c.amount <> coalesce(e.amount, 0)) limit 20`,
      );
      return rows.map(
        (r: Record<string, string>) =>
          `package ${r.id}: confirmed ${r.confirmed}, accepted rows ${r.rows}, posted ${r.posted}`,
      );
    },
  });
  registerInvariant({
    name: "each clearing day's province receivables posted equal its settlements' receivables",
    run: async (db) => {
      const { rows } = await db.raw(
        `with e as (select e.reference as d, substr(a.code, 21) as network, sum(p.amount) as amount from journal_entries e
                      join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
                     where e.kind = 'interchange-receivable' and a.code like 'province-receivable:%' group by 1, 2)
         select s.clearing_date::text as d, s.network, s.receivable::text as settled, coalesce(e.amount, 0)::text as posted
           from settlements s left join e on e.d = s.clearing_date::text and e.network = s.network
          where s.receivable <> coalesce(e.amount, 0) limit 20`,
      );
      return rows.map(
        (r: Record<string, string>) => `${r.d} ${r.network}: settlement receivable ${r.settled}, posted ${r.posted}`,
      );
    },
  });
}
