-- A fleet's replenishment rule: every day, each allocated vehicle of the customer below the threshold
-- is topped up to the target from the pool; the account manager is told when the pool cannot cover it
-- or falls below the pool floor. One rule per customer; changes are kept as events.
create table corporate_replenishment_rules (
  customer_id     bigint primary key references customers(id),
  threshold       bigint not null check (threshold >= 0),
  target          bigint not null check (target > threshold),
  pool_floor      bigint not null default 0 check (pool_floor >= 0),
  active          boolean not null default true,
  updated_at      timestamptz not null,
  updated_by      text not null
);
create table corporate_replenishment_rule_events (
  id           bigserial primary key,
  customer_id  bigint not null references customers(id),
  at           timestamptz not null,
  actor        text not null,
  rule         jsonb not null
);
