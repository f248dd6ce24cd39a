-- What each road operator is paid for a clearing date: the sum of its splits of every source
-- (own cards, and each province's confirmed or dispute-paid money), written once by the daily run
-- from clearing_operator_totals. Finance approves and marks it paid (that posts the bank movement).
create table operator_payouts (
  clearing_date      date not null,
  operator_id        text not null references operators(id),
  transactions       bigint not null,
  amount             bigint not null check (amount >= 0),
  own_amount         bigint not null,
  interchange_amount bigint not null,
  state              text not null default 'draft' check (state in ('draft', 'approved', 'paid')),
  created_at         timestamptz not null,
  approved_at        timestamptz,
  approved_by        text,
  paid_at            timestamptz,
  paid_by            text,
  bank_reference     text,
  primary key (clearing_date, operator_id),
  check (amount = own_amount + interchange_amount)
);
