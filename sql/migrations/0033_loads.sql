-- Online loads (圈存) of stored-value cards: the two-phase state machine of DESIGN §6.
-- requested (MAC1 verified, payment reserved) → authorised (MAC2 issued, persisted before it is
-- returned) → confirmed (TAC verified, or the card's next read proves the credit) | reversed.
create table loads (
  id                uuid primary key,
  card_no           char(20) not null references cards(card_no),
  channel           text not null check (channel in ('bank','counter')),
  client_id         text,
  actor             text not null,
  payment_method    text not null check (payment_method in ('bank-account','cash','pos','carry-over','reauthorisation')),
  payment_reference text,
  payer_account     text not null,
  amount            bigint not null check (amount > 0),
  terminal_id       char(12) not null,
  balance_before    bigint not null check (balance_before >= 0),
  online_seq        integer not null check (online_seq between 0 and 65535),
  key_version       smallint not null,
  alg_id            smallint not null,
  random            char(8) not null,
  mac1              char(8) not null,
  host_date         char(8) not null,
  host_time         char(6) not null,
  mac2              char(8) not null,
  status            text not null check (status in ('authorised','confirmed','reversed')),
  resolution        text check (resolution in ('tac','evidence','reversal','evidence-reversal','reauthorised')),
  tac               char(8),
  review_flag       text,
  funded_by         uuid references loads(id),
  carry_id          bigint references balance_carries(id),
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  check (channel = 'counter' or client_id is not null)
);
-- a card has at most one load in flight
create unique index loads_one_in_flight_per_card on loads (card_no) where status = 'authorised';
create index loads_card_idx on loads (card_no, created_at);
create index loads_client_day_idx on loads (client_id, created_at);
create index loads_in_flight_age_idx on loads (created_at) where status = 'authorised';

-- Append-only history of every load (who, when, why, from → to).
create table load_state_changes (
  id           bigserial primary key,
  load_id      uuid not null references loads(id),
  at           timestamptz not null,
  from_status  text,
  to_status    text not null,
  actor        text not null,
  reason       text,
  detail       jsonb not null default '{}'::jsonb
);
create index load_state_changes_load_idx on load_state_changes (load_id, id);
