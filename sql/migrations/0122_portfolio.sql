-- Account managers' portfolios: which manager looks after which customer, in which segment, and the
-- visit log (append-only).
create table portfolio_assignments (
  customer_id  bigint primary key references customers(id),
  manager_id   bigint not null references users(id),
  segment      text not null check (segment in ('passenger', 'freight', 'express', 'government', 'other')),
  assigned_by  text not null,
  assigned_at  timestamptz not null
);
create index portfolio_assignments_manager_idx on portfolio_assignments (manager_id);

create table portfolio_visits (
  id           bigserial primary key,
  customer_id  bigint not null references customers(id),
  visited_on   date not null,
  visited_by   text not null,
  notes        text not null check (length(notes) between 1 and 2000),
  next_visit   date,
  recorded_by  text not null,
  recorded_at  timestamptz not null
);
create index portfolio_visits_customer_idx on portfolio_visits (customer_id, visited_on);
create function portfolio_visits_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'portfolio_visits is append-only' using errcode = '55000';
end $$;
create trigger portfolio_visits_no_update before update or delete on portfolio_visits
  for each row execute function portfolio_visits_append_only();
