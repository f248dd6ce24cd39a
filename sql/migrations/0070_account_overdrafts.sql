-- Debit-charged accounts past their credit limit, as lane ingest last found them. A change of state
-- (overdrawn ↔ covered) writes card-overdrawn / card-overdraft-cleared to the life-cycle outbox for
-- the account's cards in service, once per change: this row is what makes it once.
create table account_overdrafts (
  account_id    bigint primary key references accounts(id),
  overdrawn     boolean not null,
  balance       bigint not null,
  credit_limit  bigint not null,
  changed_at    timestamptz not null
);
create index account_overdrafts_overdrawn_idx on account_overdrafts (account_id) where overdrawn;
