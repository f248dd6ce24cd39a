-- On-board units. Status codes as ETC-REFERENCE §5 (1 normal, 2/3 suspended, 4/5 cancelled,
-- 6 reported lost); activation is a separate fact (the tamper flag written at the counter).
create sequence obu_serial_seq;

create table obus (
  obu_no           char(16) primary key check (obu_no ~ '^[0-9]{16}$'),
  customer_id      bigint not null references customers(id),
  vehicle_id       bigint not null references vehicles(id),
  status           smallint not null check (status in (1,2,3,4,5,6)),
  contract_version smallint not null default 1,
  signed_date      date not null,
  expiry_date      date not null,
  issued_at        timestamptz not null,
  issued_by        text not null,
  activated_at     timestamptz,
  tampered_at      timestamptz,
  status_changed_at timestamptz not null
);
create unique index obus_one_active_per_vehicle on obus (vehicle_id) where status in (1,2,3,6);
create index obus_customer_idx on obus (customer_id);

create table obu_events (
  id           bigserial primary key,
  obu_no       char(16) not null references obus(obu_no),
  at           timestamptz not null,
  actor        text not null,
  action       text not null,
  from_status  smallint,
  to_status    smallint not null,
  reason       text,
  detail       jsonb not null default '{}'::jsonb
);
create index obu_events_obu_idx on obu_events (obu_no, id);
