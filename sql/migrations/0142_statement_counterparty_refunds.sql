-- A clearing bank statement line may pay out a refund batch: its counterparty is REFUND.
alter table bank_statement_lines drop constraint bank_statement_lines_counterparty_check;
alter table bank_statement_lines add constraint bank_statement_lines_counterparty_check
  check (counterparty ~ '^(\d{4}|OP-[A-Z0-9]{2,16}|REFUND)$');
-- and the reconciliation item it pairs with is a refund batch
alter table reconciliation_items drop constraint reconciliation_items_kind_check;
alter table reconciliation_items add constraint reconciliation_items_kind_check
  check (kind in ('settlement', 'payout', 'refund-batch'));
