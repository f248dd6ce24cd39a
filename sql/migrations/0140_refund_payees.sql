-- Where a card cancellation's refund by bank transfer is paid: the customer's bank account, recorded by
-- finance (the account number is personal data: sealed, shown as a mask). One per cancellation.
create table refund_payees (
  cancellation_id        bigint primary key references card_cancellations(id),
  account_name           text not null check (account_name <> ''),
  account_number_sealed  bytea not null,
  account_number_mask    text not null,
  bank_name              text not null check (bank_name <> ''),
  recorded_by            text not null,
  recorded_at            timestamptz not null
);
