-- Disputed transactions: listed by an issuer in a confirmation with its result code (ETC-REFERENCE
-- §7). side 'provider': our package, disputed by the issuer; side 'issuer': a package we received,
-- disputed by us. A dispute is resolved once — 0 the issuer pays after all, 1 bad debt (the road
-- operator bears it) — by the issuer's finance, and attributed to the clearing date it is decided
-- on (resolved_on); the issuer sends the resolution to the provider (interchange_resolutions).
create table interchange_resolutions (
  id                 bigserial primary key,
  direction          text not null check (direction in ('outbound', 'inbound')),
  message_id         text not null,
  sender             char(4) not null,
  receiver           char(4) not null,
  clear_target_date  date not null,
  count              integer not null check (count > 0),
  created_at         timestamptz not null,
  delivered_at       timestamptz,
  attempts           integer not null default 0,
  last_error         text,
  unique (sender, message_id)
);

create table interchange_disputes (
  id               bigserial primary key,
  side             text not null check (side in ('provider', 'issuer')),
  package_id       bigint not null references interchange_packages(id),
  trans_id         text not null,
  transaction_id   bigint,          -- the lane_transactions row, when one was stored
  clearing_date    date,
  card_no          char(20) not null,
  card_type        smallint not null,
  account_id       bigint,
  amount           bigint not null check (amount >= 0),
  result           smallint not null check (result between 1 and 100),
  resolution       smallint check (resolution in (0, 1)),
  resolved_on      date,
  resolved_at      timestamptz,
  resolved_by      text,
  resolution_id    bigint references interchange_resolutions(id),
  note             text,
  unique (package_id, trans_id),
  check ((resolution is null) = (resolved_on is null))
);
create index interchange_disputes_open_idx on interchange_disputes (package_id) where resolution is null;
create index interchange_disputes_resolved_idx on interchange_disputes (resolved_on) where resolution is not null;
