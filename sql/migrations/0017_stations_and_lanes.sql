-- Toll stations and their lanes. The station id is the station number that lanes write into a
-- transaction's entry/exit station field, so it is a plain integer chosen by the network, not a
-- sequence. A provincial-boundary station is where a trip enters or leaves the province's network.
create table stations (
  id       integer primary key check (id > 0),
  network  char(4) not null check (network ~ '^[0-9]{4}$'),
  name     text not null,
  road     text not null check (road ~ '^[GS][0-9]{1,4}$'),
  kind     text not null check (kind in ('toll-station', 'provincial-boundary'))
);

-- A lane's id is also its machine-client id (lane API, status-list monitor), and lane controllers
-- derive it from station and lane number; the check keeps the id and the columns from drifting apart.
create table lanes (
  id           text primary key,
  station_id   integer not null references stations(id),
  lane_no      smallint not null check (lane_no between 1 and 99),
  direction    text not null check (direction in ('entry', 'exit')),
  etc_enabled  boolean not null default true,
  created_at   timestamptz not null default now(),
  unique (station_id, lane_no),
  check (id = 'L' || station_id::text || '-' || lpad(lane_no::text, 2, '0'))
);
