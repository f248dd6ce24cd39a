-- Machines: bank adapters, lane controllers, other provinces' centres. The HMAC secret must be
-- recoverable to verify signatures, so it is sealed (AES-256-GCM under a key derived from the KEK).
create table api_clients (
  id             text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  role           text not null check (role in ('bank','lane','province')),
  secret_sealed  bytea not null,
  disabled       boolean not null default false,
  created_at     timestamptz not null default now()
);
