-- Allocation of a corporate account's pool to its vehicles. A batch is one request (a CSV of plates or
-- equal amounts to a fleet), all-or-nothing, named by its idempotency key; each allocation is one
-- balanced entry (customer funds → the vehicle's allocation). The vehicle's sub-balance lives in the
-- ledger (vehicle-allocation:<vehicle id>); vehicle_allocations is the row a load or an allocation
-- locks for that vehicle.
create table corporate_allocation_batches (
  id            bigserial primary key,
  customer_id   bigint not null references customers(id),
  account_id    bigint not null references accounts(id),
  request_key   text not null unique check (request_key <> ''),
  request_hash  bytea not null,
  source        text not null check (source in ('csv','equal','replenishment')),
  vehicles      integer not null check (vehicles > 0),
  total         bigint not null check (total > 0),
  at            timestamptz not null,
  actor         text not null
);

create table vehicle_allocations (
  vehicle_id   bigint primary key references vehicles(id),
  customer_id  bigint not null references customers(id),
  account_id   bigint not null references accounts(id),
  created_at   timestamptz not null
);
create index vehicle_allocations_customer_idx on vehicle_allocations (customer_id);

create table corporate_allocations (
  id          bigserial primary key,
  batch_id    bigint not null references corporate_allocation_batches(id),
  vehicle_id  bigint not null references vehicle_allocations(vehicle_id),
  amount      bigint not null check (amount > 0),
  unique (batch_id, vehicle_id)
);
create index corporate_allocations_vehicle_idx on corporate_allocations (vehicle_id);
