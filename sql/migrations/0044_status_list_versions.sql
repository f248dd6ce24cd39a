-- Published versions: gapless integers (allocated under the publisher's lock), with counts.
-- total / own_total are the listed ids after the version (all issuers / this centre's own).
create table status_list_versions (
  version       integer primary key check (version > 0),
  published_at  timestamptz not null,
  published_by  text not null,
  changed       integer not null,
  entered       integer not null,
  removed       integer not null,
  total         bigint not null,
  own_total     bigint not null
);

-- One row: the highest version whose delta rows have been pruned. A delta V→W can be served
-- when V >= pruned_through (every row with version > V is still there).
create table status_list_state (
  id              boolean primary key default true check (id),
  pruned_through  integer not null default 0
);
insert into status_list_state default values;
