-- Payer bank accounts learned from finance's manual assignments: a later transfer from the same
-- account goes to the same customer. One customer per payer account (a later assignment relearns).
create table corporate_payer_accounts (
  payer_account  text primary key check (payer_account <> ''),
  customer_id    bigint not null references customers(id),
  learned_from   bigint not null references corporate_statement_lines(id),
  learned_at     timestamptz not null,
  learned_by     text not null
);
create index corporate_payer_accounts_customer_idx on corporate_payer_accounts (customer_id);
