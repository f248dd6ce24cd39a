-- Toll sections: the road between two adjacent stations, owned by one operator and usable in
-- both directions (from/to only records how the section was surveyed). A trip's amount is split
-- between the operators of the sections it used, in proportion to each section's toll.
create table sections (
  id            text primary key check (id ~ '^[GS][0-9]{1,4}-[0-9]{2}$'),
  road          text not null check (road ~ '^[GS][0-9]{1,4}$'),
  from_station  integer not null references stations(id),
  to_station    integer not null references stations(id),
  operator_id   text not null references operators(id),
  length_m      integer not null check (length_m > 0),
  check (from_station <> to_station)
);
-- one section per pair of adjacent stations, whichever way round it was entered, so that the
-- sections of a trip (and therefore the operators' split) are never ambiguous
create unique index sections_station_pair_uq
  on sections (least(from_station, to_station), greatest(from_station, to_station));
create index sections_operator_idx on sections (operator_id);

-- Tolls per section and vehicle class (ETC-REFERENCE §5), versioned by the day they take effect:
-- the toll on a date is the row with the greatest effective_from on or before that date. A new
-- tariff is a new row; rows in force on past days are never edited, so old trips re-price the same.
create table section_tolls (
  section_id      text not null references sections(id),
  vehicle_class   smallint not null check (vehicle_class in (1,2,3,4,11,12,13,14,15,16,21,22,23,24,25,26)),
  effective_from  date not null,
  toll            bigint not null check (toll > 0),
  created_at      timestamptz not null default now(),
  primary key (section_id, vehicle_class, effective_from)
);
