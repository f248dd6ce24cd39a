-- Accepted lane transactions by card and offline sequence: the second duplicate key
-- (ETC-REFERENCE §3) and the stored-value balance chain. A transaction's neighbours (offline
-- sequence ± 1) are looked up here; the balances are the lane's record of the card purse.
create table lane_card_sequences (
  card_no         char(20) not null,
  offline_seq     integer not null check (offline_seq between 0 and 65535),
  transaction_id  bigint not null,
  clearing_date   date not null,
  tx_time         timestamptz not null,
  amount          bigint not null,
  balance_before  bigint,
  balance_after   bigint,
  primary key (card_no, offline_seq)
);
