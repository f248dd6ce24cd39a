-- Bank statement lines reconciled against settled settlements and paid payouts. A line has at most
-- one item: matched or amount-mismatch (paired with a settlement or payout: kind + item_key, e.g.
-- settlement 2026-11-21:3201, payout 2026-11-21:OP-AHGS), or extra (pairs with nothing). A settled
-- or paid item no line pays is missing (no line). A settlement or payout pairs with at most one line.
-- Amounts are signed fen as on the statement (expected: + net for a settlement, - amount for a payout).
-- Every outcome but matched raised a finance exception: exception_kind + exception_reference.
create table reconciliation_items (
  id                   bigserial primary key,
  statement_line_id    bigint unique references bank_statement_lines(id),
  kind                 text check (kind in ('settlement', 'payout')),
  item_key             text,
  expected_amount      bigint,
  actual_amount        bigint,
  outcome              text not null check (outcome in ('matched', 'missing', 'extra', 'amount-mismatch')),
  exception_kind       text,
  exception_reference  text,
  reconciled_at        timestamptz not null,
  check ((kind is null) = (item_key is null)),
  check ((kind is null) = (expected_amount is null)),
  check ((outcome = 'extra') = (kind is null)),
  check ((outcome = 'missing') = (statement_line_id is null)),
  check ((statement_line_id is null) = (actual_amount is null)),
  check (outcome <> 'matched' or expected_amount = actual_amount),
  check (outcome <> 'amount-mismatch' or expected_amount <> actual_amount),
  check ((exception_kind is null) = (exception_reference is null)),
  check (outcome = 'matched' or exception_kind is not null)
);
create unique index reconciliation_items_paired_key on reconciliation_items (kind, item_key) where statement_line_id is not null;
create unique index reconciliation_items_missing_key on reconciliation_items (kind, item_key) where statement_line_id is null;
create index reconciliation_items_outcome_idx on reconciliation_items (outcome, id);
