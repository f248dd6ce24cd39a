-- Master keys per purpose and version, wrapped (AES-256-GCM) under the KEK. Only the keys module
-- reads this table; it never returns the unwrapped value.
create table master_keys (
  purpose     text not null check (purpose in ('load','tac','purchase','maintenance','obu-maintenance','obu-vehicle')),
  version     smallint not null check (version between 1 and 255),
  wrapped     bytea not null,
  kcv         char(6) not null,
  created_at  timestamptz not null default now(),
  primary key (purpose, version)
);
