-- The notification outbox: messages to customers, staff or a given address (SMS or e-mail), written in
-- the transaction of the business change that causes them and sent afterwards by a delivery job.
-- A message is queued once per dedupe key. A given address is stored sealed, shown only by its mask.
create table notifications (
  id              bigserial primary key,
  queued_at       timestamptz not null,
  channel         text not null check (channel in ('sms', 'email')),
  recipient_kind  text not null check (recipient_kind in ('customer', 'user', 'address')),
  customer_id     bigint,
  user_id         bigint,
  address_sealed  bytea,
  address_mask    text,
  template        text not null,
  params          jsonb not null default '{}',
  dedupe_key      text not null unique,
  status          text not null default 'queued' check (status in ('queued', 'sent', 'undeliverable')),
  attempts        integer not null default 0,
  claimed_until   timestamptz,
  sent_at         timestamptz,
  last_error      text,
  check ((recipient_kind = 'customer') = (customer_id is not null)),
  check ((recipient_kind = 'user') = (user_id is not null)),
  check ((recipient_kind = 'address') = (address_sealed is not null and address_mask is not null))
);
create index notifications_queued on notifications (id) where status = 'queued';
create index notifications_customer on notifications (customer_id, id) where customer_id is not null;
