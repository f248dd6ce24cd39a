-- Lane transactions as uploaded, each with its disposition (ETC-REFERENCE §7 result code when not
-- accepted), partitioned by clearing date (DESIGN §4): a clearing day reads one partition, and old
-- days can be detached whole. Uniqueness of (terminal id, terminal seq) and (card, offline seq) must
-- hold across days, which a partitioned table's indexes cannot give (they must include the
-- partition key): lane_transaction_keys and lane_card_sequences carry it.
-- A re-sent transaction (same terminal key) is answered 'duplicate' and not stored again; one whose
-- card and offline sequence were already accepted under another terminal key is stored as
-- 'duplicate'. split_operators/split_weights are the trip's operators (sorted) and the sum of their
-- sections' tolls in force on the trip's day: what clearing splits the amount by.
create sequence lane_transactions_id_seq;

create table lane_transactions (
  id               bigint not null,
  clearing_date    date not null,
  upload_id        bigint not null references lane_uploads(id),
  lane_id          text not null,
  terminal_id      char(12) not null,
  terminal_seq     bigint not null check (terminal_seq between 0 and 4294967295),
  trans_type       char(2) not null,
  tx_time          timestamptz not null,
  card_no          char(20) not null,
  card_type        smallint not null,
  issuer           char(4) not null,
  own_card         boolean not null, -- issued by this centre: verified here, posted and split here
  obu_id           text,
  plate            text,
  plate_color      smallint,
  vehicle_class    smallint not null,
  entry_network    char(4),
  entry_station    integer,
  entry_lane       smallint,
  entry_time       timestamptz,
  exit_network     char(4),
  exit_station     integer,
  exit_lane        smallint,
  exit_time        timestamptz,
  sections         text[] not null,
  path_derived     boolean not null,
  split_operators  text[],
  split_weights    bigint[],
  fee              bigint not null check (fee >= 0),
  amount           bigint not null check (amount >= 0),
  balance_before   bigint,
  balance_after    bigint,
  offline_seq      integer,
  tac              char(8) not null,
  account_id       bigint,
  disposition      text not null check (disposition in ('accepted', 'duplicate', 'rejected')),
  code             smallint,
  received_at      timestamptz not null,
  primary key (clearing_date, id),
  check ((disposition = 'accepted') = (code is null)),
  check (split_operators is null or cardinality(split_operators) = cardinality(split_weights))
) partition by range (clearing_date);

create table lane_transactions_default partition of lane_transactions default;
