-- A bank's day file compared with the centre's loads: one row per file received.
create table bank_reconciliations (
  id            bigserial primary key,
  client_id     text not null,
  business_date date not null,
  received_at   timestamptz not null,
  file_sha256   bytea not null,
  lines         integer not null,
  matched       integer not null,
  centre_only   integer not null,
  bank_only     integer not null,
  mismatched    integer not null
);
create index bank_reconciliations_day_idx on bank_reconciliations (client_id, business_date);
