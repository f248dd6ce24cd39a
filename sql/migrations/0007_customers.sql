-- Customers. ID number and phone are PII: stored sealed (AES-256-GCM), found through a keyed
-- hash (HMAC-SHA256 under a key derived from the KEK), shown through a stored mask.
create table customers (
  id                   bigserial primary key,
  kind                 text not null check (kind in ('personal','corporate')),
  name                 text not null check (length(name) between 1 and 100),
  id_type              smallint,
  id_number_sealed     bytea,
  id_number_hash       bytea,
  id_number_mask       text,
  phone_sealed         bytea,
  phone_hash           bytea,
  phone_mask           text,
  registration_number  text,
  contact_person       text,
  account_manager      text,
  address              text,
  tier                 text not null default 'ordinary' check (tier in ('important','ordinary')),
  hold_auto_list       boolean not null default false,
  status               text not null default 'active' check (status in ('active','closed')),
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check (kind = 'corporate' or (id_type is not null and id_number_hash is not null)),
  check (kind = 'personal' or registration_number is not null)
);
create unique index customers_id_number_uq on customers (id_type, id_number_hash) where kind = 'personal';
create unique index customers_registration_uq on customers (registration_number) where kind = 'corporate';
create index customers_name_idx on customers (lower(name) text_pattern_ops);
create index customers_phone_hash_idx on customers (phone_hash);

-- Append-only history of customer changes (who, when, why, from → to).
create table customer_events (
  id           bigserial primary key,
  customer_id  bigint not null references customers(id),
  at           timestamptz not null,
  actor        text not null,
  action       text not null,
  reason       text,
  changes      jsonb not null default '{}'::jsonb
);
create index customer_events_customer_idx on customer_events (customer_id);
