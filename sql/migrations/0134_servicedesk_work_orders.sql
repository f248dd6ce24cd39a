-- Internal steps of a ticket (check a lane's reading, a bank to confirm a load), each assigned to a
-- unit with its own time limit; overdue ones are escalated to the unit's supervisor by the sweep.
create table servicedesk_work_orders (
  id            bigserial primary key,
  ticket_id     bigint not null references servicedesk_tickets(id),
  step          text not null check (length(step) between 2 and 200),
  unit_id       bigint not null references servicedesk_units(id),
  basis         text not null check (basis in ('natural', 'working')),
  limit_minutes integer not null check (limit_minutes > 0),
  created_by    text not null,
  created_at    timestamptz not null,
  due_at        timestamptz not null,
  status        text not null check (status in ('open', 'done')),
  outcome       text,
  done_by       text,
  done_at       timestamptz
);
create index servicedesk_work_orders_ticket_idx on servicedesk_work_orders (ticket_id);
create index servicedesk_work_orders_open_idx on servicedesk_work_orders (due_at) where status = 'open';
