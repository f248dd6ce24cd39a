// Ledger invariants of the online load.
import { registerInvariant } from '../ledger/index.ts';

export function registerLoadInvariants(): void {
  registerInvariant({
    name: 'loads-in-flight equals the authorised loads',
    run: async (db) => {
      const r = await db.raw(`
        select (select coalesce(sum(-p.amount), 0) from postings p join ledger_accounts a on a.id = p.account_id where a.code = 'loads-in-flight')::text as ledger,
               (select coalesce(sum(amount), 0) from loads where status = 'authorised')::text as loads`);
      const { ledger, loads } = r.rows[0];
      return ledger === loads ? [] : [`loads-in-flight ledger ${ledger} ≠ authorised loads ${loads}`];
    },
  });
  registerInvariant({
    name: 'every confirmed load posted authorise and confirm, every reversed one authorise and reverse',
    // re-authorised loads moved their reservation to a successor and post nothing themselves
    run: async (db) => {
      const r = await db.raw(`
        select l.id, l.status from loads l
        where l.funded_by is null and not exists (select 1 from journal_entries e where e.kind = 'load-authorise' and e.reference = l.id::text)
           or (l.status = 'confirmed' and not exists (select 1 from journal_entries e where e.kind = 'load-confirm' and e.reference = l.id::text))
           or (l.status = 'reversed' and l.resolution <> 'reauthorised' and not exists (select 1 from journal_entries e where e.kind = 'load-reverse' and e.reference = l.id::text))
        limit 20`);
      return r.rows.map((x: { id: string; status: string }) => `load ${x.id} (${x.status}) lacks its journal entries`);
    },
  });
}
