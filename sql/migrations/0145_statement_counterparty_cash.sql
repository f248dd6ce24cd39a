-- A clearing bank statement line may credit the hall's banked cash: counterparty CASH, item cash-deposit.
alter table bank_statement_lines drop constraint bank_statement_lines_counterparty_check;
alter table bank_statement_lines add constraint bank_statement_lines_counterparty_check
  check (counterparty ~ '^(\d{4}|OP-[A-Z0-9]{2,16}|REFUND|CASH)$');
alter table reconciliation_items drop constraint reconciliation_items_kind_check;
alter table reconciliation_items add constraint reconciliation_items_kind_check
  check (kind in ('settlement', 'payout', 'refund-batch', 'cash-deposit'));
