-- What lanes hold: every listed id once, with the reason of highest priority among its causes,
-- as of the latest version. A full snapshot is one ordered scan of the primary key; own entries
-- are a range of it (card and OBU numbers begin with the issuer's network id). Ids are digit strings
-- compared byte by byte (collation "C"): the same order as any locale's, without its cost.
create table status_list_entries (
  medium     text collate "C" not null check (medium in ('card', 'obu')),
  medium_id  text collate "C" not null,
  issuer     char(4) not null,
  reason     smallint not null,
  version    integer not null,
  primary key (medium, medium_id)
);
