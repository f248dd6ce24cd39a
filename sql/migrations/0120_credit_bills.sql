-- Post-paid credit: the monthly bill of a debit account, its lines by vehicle, and the payments that
-- settle it. A bill is a statement of what the account owes, not money: the tolls were posted to the
-- account at ingest and payments credit it when they arrive; a bill payment records which bill the
-- credit settled. Written-off amounts leave the account through the customer-bad-debt expense.
create table credit_settings (
  id             smallint primary key default 1 check (id = 1),
  terms_days     integer not null check (terms_days between 0 and 120),   -- due date = period end + terms
  grace_days     integer not null check (grace_days between 0 and 120),   -- overdue past grace: arrears
  downgrade_pct  integer not null check (downgrade_pct between 0 and 100) -- limit kept on a downgrade
);
insert into credit_settings (terms_days, grace_days, downgrade_pct) values (15, 10, 50);

create table credit_bills (
  id           bigserial primary key,
  account_id   bigint not null references accounts(id),
  customer_id  bigint not null,
  period_start date not null,
  period_end   date not null, -- exclusive
  due_date     date not null,
  amount       bigint not null check (amount > 0),
  paid         bigint not null default 0 check (paid >= 0),
  written_off  bigint not null default 0 check (written_off >= 0),
  issued_at    timestamptz not null,
  settled_at   timestamptz,
  check (paid + written_off <= amount),
  check ((settled_at is not null) = (paid + written_off = amount)),
  unique (account_id, period_start)
);
create index credit_bills_open_idx on credit_bills (account_id, period_start) where settled_at is null;

create table credit_bill_lines (
  bill_id        bigint not null references credit_bills(id),
  plate          text not null,
  plate_color    smallint not null,
  vehicle_class  smallint not null,
  trips          integer not null check (trips > 0),
  amount         bigint not null check (amount >= 0),
  primary key (bill_id, plate, plate_color, vehicle_class)
);

create table credit_bill_payments (
  id         bigserial primary key,
  bill_id    bigint not null references credit_bills(id),
  amount     bigint not null check (amount > 0),
  source     text not null check (source in ('transfer', 'suspense-assignment', 'deposit', 'allocation')),
  reference  text not null,
  paid_at    timestamptz not null,
  late       boolean not null
);
create index credit_bill_payments_bill_idx on credit_bill_payments (bill_id);

create function credit_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = '55000';
end $$;
create trigger credit_bill_payments_no_update before update or delete on credit_bill_payments
  for each row execute function credit_append_only();
create trigger credit_bill_lines_no_update before update or delete on credit_bill_lines
  for each row execute function credit_append_only();
