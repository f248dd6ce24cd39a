-- Full snapshots built daily and on demand: a signed, gzipped file of the whole list at a version
-- that relays can serve, with its digest and signature recorded here.
create table status_list_snapshots (
  version       integer primary key references status_list_versions (version),
  built_at      timestamptz not null,
  requested_by  text not null,
  entries       bigint not null,
  sha256        char(64) not null,
  signature     text not null,
  bytes         bigint not null,
  file          text not null
);
