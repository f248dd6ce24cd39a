-- The net position with each province per clearing date (DESIGN §8): what it owes us for its cards
-- on our roads (confirmed, plus disputes it decided to pay that day) and what we owe it for our
-- cards on its roads, written once by the daily run. Finance approves and marks it settled when the
-- money has moved (that posts the bank movement). Its mirror — the other province's row for the same
-- date — has the opposite net.
create table settlements (
  clearing_date       date not null,
  network             char(4) not null,
  packages_out        integer not null,
  confirmed_count     bigint not null,
  confirmed_amount    bigint not null,
  dispute_paid_out    bigint not null,   -- their decisions to pay our disputed transactions
  packages_in         integer not null,
  accepted_count      bigint not null,
  accepted_amount     bigint not null,
  dispute_paid_in     bigint not null,   -- our decisions to pay their disputed transactions
  receivable          bigint not null,
  payable             bigint not null,
  net                 bigint not null,
  state               text not null default 'draft' check (state in ('draft', 'approved', 'settled')),
  created_at          timestamptz not null,
  approved_at         timestamptz,
  approved_by         text,
  settled_at          timestamptz,
  settled_by          text,
  bank_reference      text,
  primary key (clearing_date, network),
  check (receivable = confirmed_amount + dispute_paid_out),
  check (payable = accepted_amount + dispute_paid_in),
  check (net = receivable - payable)
);
