-- Life-cycle events of cards and OBUs, written in the same transaction as the change. Consumers
-- (the status list first) record what they have consumed in lifecycle_outbox_consumed, in the same
-- transaction as their own effect, so that each event takes effect exactly once per consumer.
create table lifecycle_outbox (
  id           bigserial primary key,
  at           timestamptz not null,
  medium       text not null check (medium in ('card','obu')),
  medium_id    text not null,
  customer_id  bigint not null,
  event        text not null,
  from_status  smallint,
  to_status    smallint not null,
  payload      jsonb not null default '{}'::jsonb
);

create table lifecycle_outbox_consumed (
  consumer     text not null,
  event_id     bigint not null references lifecycle_outbox(id),
  consumed_at  timestamptz not null default now(),
  primary key (consumer, event_id)
);
