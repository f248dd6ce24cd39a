-- Money a customer pays into a prepaid account at the counter. The row's id is the journal
-- reference of its entry (kind account-deposit), so each deposit posts exactly once.
create table account_deposits (
  id          bigserial primary key,
  account_id  bigint not null references accounts(id),
  amount      bigint not null check (amount > 0),
  method      text not null check (method in ('cash','pos')),
  reference   text check (length(reference) between 1 and 100),
  at          timestamptz not null,
  actor       text not null
);
create index account_deposits_account_idx on account_deposits (account_id, id);
