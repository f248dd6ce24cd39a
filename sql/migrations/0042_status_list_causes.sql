-- The published reasons each id is listed for (own ids may have several: lost and overdrawn; a
-- peer's id has the one reason its province gave). Maintained only by the publisher.
create table status_list_causes (
  medium         text collate "C" not null check (medium in ('card', 'obu')),
  medium_id      text collate "C" not null,
  reason         smallint not null,
  issuer         char(4) not null,
  since_version  integer not null,
  primary key (medium, medium_id, reason)
);
