-- What a bank owes the centre for a business day: the net its branches' loads and fees moved on
-- bank-settlement:<bank> that local day. Drafted when the bank's day file is reconciled; approved by
-- finance; settled when the money arrives (the bank's reference; not by the approver), posting
-- bank-settlement:<bank> → clearing-bank. The statement line paying it is reconciled (counterparty
-- BANK:<bank>, reference bank-settlement:<date>:<bank>).
create table bank_settlement_statements (
  id              bigserial primary key,
  bank            text not null,
  business_date   date not null,
  entries         integer not null check (entries >= 0),
  amount          bigint not null,
  state           text not null check (state in ('draft', 'approved', 'settled')),
  created_at      timestamptz not null,
  created_by      text not null,
  approved_at     timestamptz,
  approved_by     text,
  settled_at      timestamptz,
  settled_by      text,
  bank_reference  text,
  unique (bank, business_date),
  check ((state = 'settled') = (settled_at is not null and bank_reference is not null))
);
alter table bank_statement_lines drop constraint bank_statement_lines_counterparty_check;
alter table bank_statement_lines add constraint bank_statement_lines_counterparty_check
  check (counterparty ~ '^(\d{4}|OP-[A-Z0-9]{2,16}|REFUND|CASH|BANK:[A-Za-z0-9][A-Za-z0-9._-]{0,63})$');
alter table reconciliation_items drop constraint reconciliation_items_kind_check;
alter table reconciliation_items add constraint reconciliation_items_kind_check
  check (kind in ('settlement', 'payout', 'refund-batch', 'cash-deposit', 'bank-settlement'));
