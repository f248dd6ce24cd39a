-- Other provinces' lists received through interchange: the peer's own version last merged (their
-- versions may be YYYYMMDDhhmm, hence bigint), so that a delta is accepted only on top of it.
create table status_list_peers (
  network      char(4) primary key check (network ~ '^[0-9]{4}$'),
  version      bigint not null,
  kind         text not null check (kind in ('delta', 'full')),
  entries      integer not null,
  received_at  timestamptz not null
);
