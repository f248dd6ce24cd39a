-- The net change of each version per id: enter (listed after it, with its reason) or leave.
-- was_listed says whether the id was listed just before, so that the net effect of a range of
-- versions (V, W] is read from the rows inside the range alone: the first row of an id gives its
-- state at V, the last its state at W. The primary key makes a range of versions an index scan.
create table status_list_deltas (
  version     integer not null references status_list_versions (version),
  medium      text collate "C" not null,
  medium_id   text collate "C" not null,
  issuer      char(4) not null,
  action      text not null check (action in ('enter', 'leave')),
  reason      smallint not null,
  was_listed  boolean not null,
  primary key (version, medium, medium_id)
);
