// Ledger invariants of the online load.
import { registerBalanceInvariant, registerInvariant } from '../ledger/index.ts';

export function registerLoadInvariants(): void {
  registerBalanceInvariant({
    name: 'loads-in-flight equals the authorised loads',
    account: 'loads-in-flight',
    expectedSql: `select coalesce(sum(amount), 0) from loads where status = 'authorised'`,
    what: 'authorised loads',
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
