-- Vehicles of customers. Plate + colour identify a vehicle among those in service.
create table vehicles (
  id             bigserial primary key,
  customer_id    bigint not null references customers(id),
  plate          text not null,
  plate_color    smallint not null check (plate_color in (0,1,2,3,4,5,6,9)),
  vehicle_class  smallint not null check (vehicle_class in (1,2,3,4,11,12,13,14,15,16,21,22,23,24,25,26)),
  category       smallint not null default 0 check (category in (0,6,8,10,12,14,21,22,23,24,25,26,27,28)),
  axles          smallint check (axles between 2 and 12),
  wheels         smallint check (wheels between 2 and 48),
  seats          smallint check (seats between 1 and 99),
  load_kg        integer check (load_kg between 0 and 200000),
  length_mm      integer check (length_mm between 1000 and 30000),
  width_mm       integer check (width_mm between 1000 and 5000),
  height_mm      integer check (height_mm between 1000 and 5000),
  wheelbase_mm   integer check (wheelbase_mm between 500 and 20000),
  vin            text check (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  engine_no      text,
  description    text,
  status         text not null default 'active' check (status in ('active','removed')),
  created_at     timestamptz not null default now()
);
create unique index vehicles_plate_uq on vehicles (plate, plate_color) where status = 'active';
create index vehicles_customer_idx on vehicles (customer_id);
