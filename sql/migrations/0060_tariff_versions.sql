-- Tariff versions added through the admin API: who added the tolls taking effect on a day, and why.
-- The tolls themselves stay in section_tolls (one row per section, class and effective day); a
-- version may list only the tolls that change, the others stay in force from older versions.
-- The demo seed's first version has no row here: it was not added by a person.
create table tariff_versions (
  effective_from  date primary key,
  tolls           integer not null check (tolls > 0),
  reason          text not null,
  created_by      text not null,
  created_at      timestamptz not null
);
