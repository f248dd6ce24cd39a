-- User cards. Status codes as ETC-REFERENCE §5: 1 normal, 2 suspended with card, 3 suspended
-- without card, 4 cancelled with card, 5 cancelled without card, 6 reported lost.
create sequence card_serial_seq;

create table cards (
  card_no          char(20) primary key check (card_no ~ '^[0-9]{20}$'),
  card_type        smallint not null check (card_type in (22, 23)),
  card_version     smallint not null default 64,
  customer_id      bigint not null references customers(id),
  vehicle_id       bigint not null references vehicles(id),
  account_id       bigint not null references accounts(id),
  status           smallint not null check (status in (1,2,3,4,5,6)),
  start_date       date not null,
  expiry_date      date not null,
  issued_at        timestamptz not null,
  issued_by        text not null,
  replaced_by      char(20) references cards(card_no),
  -- last known purse state of a stored-value card (from loads and lane transactions)
  last_balance     bigint not null default 0 check (last_balance >= 0),
  last_online_seq  integer not null default 0,
  last_offline_seq integer not null default 0,
  status_changed_at timestamptz not null
);
-- one card in service per vehicle (normal, suspended or reported lost)
create unique index cards_one_active_per_vehicle on cards (vehicle_id) where status in (1,2,3,6);
create index cards_customer_idx on cards (customer_id);

create table card_events (
  id           bigserial primary key,
  card_no      char(20) not null references cards(card_no),
  at           timestamptz not null,
  actor        text not null,
  action       text not null,
  from_status  smallint,
  to_status    smallint not null,
  reason       text,
  detail       jsonb not null default '{}'::jsonb
);
create index card_events_card_idx on card_events (card_no, id);
