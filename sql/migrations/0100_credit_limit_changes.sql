-- Every change of a debit account's credit limit after opening: who, when, why, from what to what.
-- A supervisor decides it; the row is history and is never edited (corrections are new changes).
create table credit_limit_changes (
  id          bigserial primary key,
  account_id  bigint not null references accounts(id),
  from_limit  bigint not null check (from_limit >= 0),
  to_limit    bigint not null check (to_limit >= 0),
  reason      text not null check (length(reason) between 5 and 500),
  changed_by  text not null,
  changed_at  timestamptz not null,
  check (from_limit <> to_limit)
);
create index credit_limit_changes_account_idx on credit_limit_changes (account_id, id);

create function credit_limit_changes_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'credit_limit_changes is append-only' using errcode = '55000';
end $$;
create trigger credit_limit_changes_no_update before update or delete on credit_limit_changes
  for each row execute function credit_limit_changes_append_only();
