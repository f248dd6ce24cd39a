-- What each road operator is owed per clearing day and source: the sum of its splits, written once
-- when the day is split, and the basis of its payable entry and payout.
create table clearing_operator_totals (
  clearing_date  date not null references clearing_days(clearing_date),
  operator_id    text not null references operators(id),
  source         text not null,
  transactions   bigint not null check (transactions > 0),
  amount         bigint not null check (amount >= 0),
  primary key (clearing_date, operator_id, source)
);
