-- The duplicate key of a lane transaction across all clearing days: a PSAM's terminal sequence is
-- used once. Every stored transaction has its row (accepted or not), so a re-sent one is found
-- here by one insert ... on conflict. Rows older than the accepted age may be pruned: a re-send of
-- such a transaction is refused as too old (code 5) instead of as a duplicate.
create table lane_transaction_keys (
  terminal_id     char(12) not null,
  terminal_seq    bigint not null,
  transaction_id  bigint not null,
  clearing_date   date not null,
  primary key (terminal_id, terminal_seq)
);
