-- Double-entry ledger in integer fen. A posting's amount is signed: debit > 0, credit < 0.
-- Every journal entry must sum to zero and have at least two postings; the database checks it
-- at commit (deferred constraint triggers) in addition to the check in code.
create table ledger_accounts (
  id          bigserial primary key,
  code        text not null unique,
  name        text not null,
  kind        text not null check (kind in ('asset','liability','revenue','expense','equity')),
  created_at  timestamptz not null default now()
);

create table journal_entries (
  id          bigserial primary key,
  kind        text not null,
  reference   text not null,
  memo        text,
  actor       text not null,
  created_at  timestamptz not null default now(),
  -- one business event posts once: a retried or replayed request cannot post twice
  unique (kind, reference)
);

create table postings (
  id          bigserial primary key,
  entry_id    bigint not null references journal_entries(id),
  account_id  bigint not null references ledger_accounts(id),
  amount      bigint not null check (amount <> 0)
);
create index postings_entry_idx on postings (entry_id);
create index postings_account_idx on postings (account_id);

create function ledger_entry_balanced() returns trigger language plpgsql as $$
declare
  s numeric;
  n integer;
begin
  select coalesce(sum(amount), 0), count(*) into s, n from postings where entry_id = new.entry_id;
  if s <> 0 or n < 2 then
    raise exception 'journal entry % is unbalanced (sum %, % postings)', new.entry_id, s, n using errcode = '23514';
  end if;
  return null;
end $$;
create constraint trigger postings_balanced after insert on postings
  deferrable initially deferred for each row execute function ledger_entry_balanced();

create function ledger_entry_has_postings() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from postings where entry_id = new.id) then
    raise exception 'journal entry % has no postings', new.id using errcode = '23514';
  end if;
  return null;
end $$;
create constraint trigger journal_entry_not_empty after insert on journal_entries
  deferrable initially deferred for each row execute function ledger_entry_has_postings();

-- The journal is append-only: corrections are new entries.
create function ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the journal is append-only' using errcode = '55000';
end $$;
create trigger postings_no_change before update or delete on postings
  for each row execute function ledger_append_only();
create trigger journal_entries_no_change before update or delete on journal_entries
  for each row execute function ledger_append_only();
