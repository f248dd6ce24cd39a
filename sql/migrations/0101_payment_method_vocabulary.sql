-- One vocabulary for how money is paid in or out (docs/PAYMENT-METHODS.md): cash, pos, bank-account,
-- carry-over. A cancellation's refund to the customer's bank was called bank-transfer; it is
-- bank-account like everywhere else (the ICD's word for the bank channel). History rows that quote
-- the old word in their JSON details (card_events, audit_log) are append-only and stay as written.
alter table card_cancellations drop constraint card_cancellations_refund_method_check;
update card_cancellations set refund_method = 'bank-account' where refund_method = 'bank-transfer';
alter table card_cancellations add constraint card_cancellations_refund_method_check
  check (refund_method in ('cash','bank-account'));
