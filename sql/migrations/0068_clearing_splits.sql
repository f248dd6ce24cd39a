-- Each cleared transaction's amount split between the road operators of its sections, in proportion
-- to their tolls, largest remainder to the fen (ties by operator id): the parts add up exactly.
-- Partitioned by clearing date like the transactions it splits. source says which money is split:
-- 'own-card' (this centre's cards on its roads); interchange-confirmed money comes later.
create table clearing_splits (
  clearing_date   date not null,
  transaction_id  bigint not null,
  operator_id     text not null references operators(id),
  source          text not null check (source in ('own-card')),
  amount          bigint not null check (amount >= 0),
  primary key (clearing_date, transaction_id, operator_id)
) partition by range (clearing_date);

create table clearing_splits_default partition of clearing_splits default;
