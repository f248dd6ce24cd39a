-- An online load may be paid from the card's vehicle's corporate allocation (no cash moves).
alter table loads drop constraint loads_payment_method_check;
alter table loads add constraint loads_payment_method_check
  check (payment_method in ('bank-account','cash','pos','carry-over','allocation','reauthorisation'));
