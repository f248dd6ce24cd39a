-- The database's own check that every journal entry sums to zero with at least two postings (0005),
-- made once per entry instead of once per posting.
--
-- 0005 ran, at commit, one check per posting row, each summing the posting's whole entry: an entry
-- of n postings (a lane batch charges up to one customer account per debit card of the batch) cost n
-- sums of n rows. Its emptiness check (`not exists` on the entry's postings) was a plan a backend
-- caches: made while postings was small and not yet analysed, it was a sequential scan that stops at
-- the first match, and a connection kept it, scanning the table at every commit, until the table's
-- statistics changed (seen on the loads bench at 32–63 µs a call against 3 µs for the sum).
--
-- Now:
-- - every statement that inserts postings checks each entry it touched once, whole (its older
--   postings included), when the statement ends. Every writer puts an entry's postings in one
--   statement (postEntry, postEntries, the load functions of 0175), so a balanced entry passes, and a
--   posting added later to an entry that does not balance the entry is refused at once instead of at
--   commit;
-- - at commit, each entry the transaction created is checked once (an entry with no postings reaches
--   no postings statement).
-- Both sum the entry through postings_entry_idx, one index range per entry, whatever the table's size.

drop trigger postings_balanced on postings;
drop function ledger_entry_balanced();
drop trigger journal_entry_not_empty on journal_entries;
drop function ledger_entry_has_postings();

create function ledger_entries_balanced() returns trigger language plpgsql as $$
declare
  bad record;
begin
  select e.entry_id, t.s, t.n into bad
    from (select distinct entry_id from new_postings) e
    cross join lateral (select coalesce(sum(p.amount), 0) as s, count(*) as n
                          from postings p where p.entry_id = e.entry_id) t
   where t.s <> 0 or t.n < 2
   limit 1;
  if found then
    raise exception 'journal entry % is unbalanced (sum %, % postings)', bad.entry_id, bad.s, bad.n
      using errcode = '23514';
  end if;
  return null;
end $$;

create trigger postings_entries_balanced after insert on postings
  referencing new table as new_postings
  for each statement execute function ledger_entries_balanced();

create function ledger_entry_complete() returns trigger language plpgsql as $$
declare
  s numeric;
  n integer;
begin
  select coalesce(sum(amount), 0), count(*) into s, n from postings where entry_id = new.id;
  if s <> 0 or n < 2 then
    raise exception 'journal entry % is unbalanced (sum %, % postings)', new.id, s, n using errcode = '23514';
  end if;
  return null;
end $$;

create constraint trigger journal_entry_complete after insert on journal_entries
  deferrable initially deferred for each row execute function ledger_entry_complete();
