-- One account per customer; its money lives in the ledger, not in a column here.
create table accounts (
  id                 bigserial primary key,
  customer_id        bigint not null unique references customers(id),
  kind               text not null check (kind in ('prepaid','debit')),
  credit_limit       bigint not null default 0 check (credit_limit >= 0),
  ledger_account_id  bigint not null references ledger_accounts(id),
  status             text not null default 'open' check (status in ('open','closed')),
  created_at         timestamptz not null default now(),
  check (kind = 'debit' or credit_limit = 0)
);
