-- Credit grades (A best … D) with their history, and accounts in arrears (their cards on the status
-- list). The grade row holds the current state; credit_grade_events is its append-only history.
create table credit_grades (
  account_id  bigint primary key references accounts(id),
  grade       char(1) not null check (grade in ('A', 'B', 'C', 'D')),
  changed_at  timestamptz not null
);

create table credit_grade_events (
  id          bigserial primary key,
  account_id  bigint not null references accounts(id),
  at          timestamptz not null,
  kind        text not null check (kind in ('warning', 'downgrade', 'upgrade-proposed', 'upgrade-approved', 'upgrade-rejected')),
  from_grade  char(1) not null,
  to_grade    char(1) not null,
  bill_id     bigint references credit_bills(id),
  by          text not null,
  note        text
);
create index credit_grade_events_account_idx on credit_grade_events (account_id, id);
-- one violation per late bill, whatever retries happen
create unique index credit_grade_events_bill_uq on credit_grade_events (bill_id) where bill_id is not null;
create trigger credit_grade_events_no_update before update or delete on credit_grade_events
  for each row execute function credit_append_only();

create table credit_arrears (
  account_id  bigint primary key references accounts(id),
  in_arrears  boolean not null,
  changed_at  timestamptz not null
);

-- Bad debt written off: proposed by one person, approved by two others (distinct), then posted.
create table credit_write_offs (
  id            bigserial primary key,
  bill_id       bigint not null references credit_bills(id),
  amount        bigint not null check (amount > 0),
  reason        text not null check (length(reason) between 5 and 500),
  state         text not null check (state in ('proposed', 'approved-once', 'posted', 'rejected')),
  proposed_by   text not null,
  proposed_at   timestamptz not null,
  approved_by   text,
  approved_at   timestamptz,
  posted_by     text,
  posted_at     timestamptz,
  entry_id      bigint
);
create unique index credit_write_offs_open_uq on credit_write_offs (bill_id) where state in ('proposed', 'approved-once');
