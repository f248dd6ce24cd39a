-- Complaint tickets, their append-only event log, the SLA clocks computed from it, and escalations.
create table servicedesk_tickets (
  id                  bigserial primary key,
  ticket_no           text not null unique,
  channel             text not null check (channel in ('counter', 'phone', 'bank', 'web', 'hotline')),
  hotline_ref         text unique,
  customer_id         bigint references customers(id),
  caller_name         text check (length(caller_name) between 1 and 100),
  caller_contact_sealed bytea,
  caller_contact_mask text,
  tier                text not null check (tier in ('important', 'ordinary')),
  category            text not null check (category in ('product', 'service', 'technical', 'payment')),
  subcategory         text check (length(subcategory) between 1 and 50),
  description         text not null check (length(description) between 2 and 2000),
  card_no             text,
  obu_no              text,
  lane_transaction_id bigint,
  load_id             uuid,
  refund_id           bigint,
  outlet              text check (length(outlet) between 1 and 32),
  clerk_user_id       bigint references users(id),
  status              text not null check (status in ('new', 'accepted', 'in-progress', 'waiting', 'resolved', 'closed')),
  waiting_party       text check (waiting_party in ('customer', 'bank', 'other-province', 'third-party')),
  assignee_user_id    bigint references users(id),
  unit_id             bigint references servicedesk_units(id),
  root_cause          text references servicedesk_root_causes(code),
  verdict             text check (verdict in ('justified', 'not-justified')),
  responsible_unit_id bigint references servicedesk_units(id),
  responsible_user_id bigint references users(id),
  resolution_note     text,
  satisfaction        smallint check (satisfaction between 1 and 5),
  received_at         timestamptz not null,
  reply_promised_at   timestamptz not null,
  first_replied_at    timestamptz,
  resolved_at         timestamptz,
  closed_at           timestamptz,
  cycle               integer not null default 0,
  created_by          text not null,
  check (customer_id is not null or caller_name is not null),
  check ((status = 'waiting') = (waiting_party is not null))
);
create index servicedesk_tickets_open_idx on servicedesk_tickets (id) where status <> 'closed';
create index servicedesk_tickets_assignee_idx on servicedesk_tickets (assignee_user_id, id) where status <> 'closed';
create index servicedesk_tickets_received_idx on servicedesk_tickets (received_at);

create table servicedesk_ticket_events (
  id          bigserial primary key,
  ticket_id   bigint not null references servicedesk_tickets(id),
  at          timestamptz not null,
  actor       text not null,
  kind        text not null,
  from_status text,
  to_status   text,
  detail      jsonb not null default '{}'
);
create index servicedesk_ticket_events_ticket_idx on servicedesk_ticket_events (ticket_id, id);

create function servicedesk_ticket_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'servicedesk_ticket_events is append-only' using errcode = '55000';
end $$;
create trigger servicedesk_ticket_events_no_update before update or delete on servicedesk_ticket_events
  for each row execute function servicedesk_ticket_events_append_only();

-- One row per ticket and clock (first-reply, update, resolution): derived from the event log and the
-- calendar, rewritten whenever either changes. due_at is null while the clock is paused; a stopped
-- clock keeps the deadlines it ran against.
create table servicedesk_ticket_clocks (
  ticket_id       bigint not null references servicedesk_tickets(id),
  clock           text not null check (clock in ('first-reply', 'update', 'resolution')),
  basis           text not null check (basis in ('natural', 'working')),
  target_minutes  integer not null,
  started_at      timestamptz not null,
  stopped_at      timestamptz,
  paused          boolean not null default false,
  warn_at         timestamptz,
  due_at          timestamptz,
  manager_at      timestamptz,
  computed_at     timestamptz not null,
  primary key (ticket_id, clock)
);
create index servicedesk_ticket_clocks_warn_idx on servicedesk_ticket_clocks (warn_at) where warn_at is not null;

-- A warning (75 %), a breach (to the handler's supervisor) and a second escalation (to the manager),
-- each once per ticket, clock and cycle (a reopened ticket starts a new cycle).
create table servicedesk_escalations (
  id          bigserial primary key,
  ticket_id   bigint not null references servicedesk_tickets(id),
  clock       text not null,
  level       text not null check (level in ('warning', 'supervisor', 'manager')),
  cycle       integer not null,
  due_key     text not null,
  at          timestamptz not null,
  notified_user_id bigint references users(id),
  unique (ticket_id, clock, level, cycle, due_key)
);
