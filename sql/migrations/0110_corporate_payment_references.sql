-- A corporate customer's payment reference: the code the bank carries in a transfer's purpose field
-- (or the virtual sub-account number), printed on its contract and statements. One per customer.
create table corporate_payment_references (
  customer_id  bigint primary key references customers(id),
  account_id   bigint not null references accounts(id),
  reference    text not null unique check (reference ~ '^[A-Z0-9]{8,32}$'),
  created_at   timestamptz not null,
  created_by   text not null
);
