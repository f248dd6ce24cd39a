// Ledger invariants of lane ingest (DESIGN §5), checked by `etc check-ledger` and after tests.
import { registerInvariant } from '../ledger/index.ts';

export function registerLaneInvariants(): void {
  registerInvariant({
    name: 'every lane upload posted exactly its accepted own-card amount',
    run: async (db) => {
      const { rows } = await db.raw(
        `with t as (select upload_id, sum(amount) as amount from lane_transactions
                     where disposition = 'accepted' and own_card group by upload_id),
              e as (select e.reference, -sum(p.amount) as amount from journal_entries e
                     join postings p on p.entry_id = e.id join ledger_accounts a on a.id = p.account_id
                    where e.kind = 'lane-purchase' and a.code = 'toll-revenue-clearing' group by e.reference)
         select u.id, u.accepted_amount::text as recorded, coalesce(t.amount, 0)::text as rows, coalesce(e.amount, 0)::text as posted
           from lane_uploads u left join t on t.upload_id = u.id left join e on e.reference = 'upload:' || u.id
          where u.accepted_amount <> coalesce(t.amount, 0) or u.accepted_amount <> coalesce(e.amount, 0)
          limit 20`,
      );
      return rows.map(
        (r: { id: string; recorded: string; rows: string; posted: string }) =>
          `upload ${r.id}: recorded ${r.recorded}, accepted rows ${r.rows}, posted ${r.posted}`,
      );
    },
  });
  registerInvariant({
    name: 'lane upload counts reconcile with the transactions stored',
    // a re-sent transaction is counted as a duplicate but not stored again, so stored ≤ received
    run: async (db) => {
      const { rows } = await db.raw(
        `select coalesce(u.id, t.upload_id) as id, u.id is null as orphan from lane_uploads u
           full join (select upload_id, count(*) filter (where disposition = 'accepted') as a, count(*) filter (where disposition = 'rejected') as r
                        from lane_transactions where upload_id is not null group by upload_id) t on t.upload_id = u.id
          where u.id is null or u.accepted <> coalesce(t.a, 0) or u.rejected <> coalesce(t.r, 0) limit 20`,
      );
      // no foreign key holds the rows to their upload (migration 0181): an orphan shows here
      return rows.map((r: { id: string; orphan: boolean }) =>
        r.orphan
          ? `lane transactions name upload ${r.id}, which does not exist`
          : `upload ${r.id}: accepted or rejected counts differ from its stored transactions`,
      );
    },
  });
}
