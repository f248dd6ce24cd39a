-- A running balance per ledger account, kept by the database as postings are inserted, so that a
-- balance is read in constant time instead of summing the account's whole history (lane ingest asks
-- for the balances of every debit account a batch charged, and that sum grew with the history).
--
-- Maintained by a statement-level trigger on postings: every writer is covered — postEntry,
-- postEntries and any SQL function that inserts postings — and a statement of many postings makes
-- one upsert per account. The journal is append-only (0005), so inserts are the only change.
--
-- Why stripes: purse-float, toll-revenue-clearing and loads-in-flight take postings from every lane
-- batch and every load; one balance row each would be locked from the posting to the commit and
-- line up every such transaction behind the last. Each backend adds to its own stripe
-- (pg_backend_pid() mod 64), so two open transactions wait for each other only when their backends
-- share a stripe and they post to the same account. The balance is the sum of an account's stripes
-- (at most 64 rows, one index range). Rows are upserted in account order within a statement.
--
-- The ledger's invariant check proves Σ stripes = Σ postings for every account.
-- No posting may be written while the history is summed below and the trigger takes over.
lock table postings in share row exclusive mode;

create table ledger_balances (
  account_id bigint not null references ledger_accounts(id),
  stripe     smallint not null,
  balance    bigint not null,
  primary key (account_id, stripe)
);

create function ledger_balances_add() returns trigger language plpgsql as $$
begin
  insert into ledger_balances as b (account_id, stripe, balance)
  select account_id, pg_backend_pid() % 64, sum(amount)
    from new_postings group by account_id order by account_id
  on conflict (account_id, stripe) do update set balance = b.balance + excluded.balance;
  return null;
end $$;

create trigger postings_running_balance after insert on postings
  referencing new table as new_postings
  for each statement execute function ledger_balances_add();

-- the history so far, in stripe 0
insert into ledger_balances (account_id, stripe, balance)
select account_id, 0, sum(amount) from postings group by account_id;
