-- Who solves complaints: units (teams) with their supervisor and manager, the staff of each unit, the
-- maintained list of root causes, and the SLA targets by category, channel and customer tier.
create table servicedesk_units (
  id                  bigserial primary key,
  code                text not null unique check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name                text not null check (length(name) between 1 and 100),
  supervisor_user_id  bigint references users(id),
  manager_user_id     bigint references users(id),
  created_at          timestamptz not null default now()
);

create table servicedesk_staff (
  user_id  bigint primary key references users(id),
  unit_id  bigint not null references servicedesk_units(id)
);
create index servicedesk_staff_unit_idx on servicedesk_staff (unit_id);

create table servicedesk_root_causes (
  code        text primary key check (code ~ '^[A-Z0-9_-]{2,32}$'),
  name        text not null check (length(name) between 1 and 100),
  category    text check (category in ('product', 'service', 'technical', 'payment')),
  active      boolean not null default true,
  changed_by  text not null,
  changed_at  timestamptz not null default now()
);
insert into servicedesk_root_causes (code, name, category, changed_by) values
  ('LANE-DOUBLE-CHARGE', '车道重复扣费', 'technical', 'seed'),
  ('LANE-WRONG-TOLL', '车道计费错误', 'technical', 'seed'),
  ('LOAD-NOT-CREDITED', '圈存未到账', 'payment', 'seed'),
  ('REFUND-DELAY', '退款延迟', 'payment', 'seed'),
  ('OBU-FAULT', 'OBU 故障', 'product', 'seed'),
  ('CARD-FAULT', '卡片故障', 'product', 'seed'),
  ('STAFF-ATTITUDE', '服务态度', 'service', 'seed'),
  ('CUSTOMER-MISUNDERSTANDING', '客户误解', 'service', 'seed');

-- The most specific matching row applies (category, then channel, then tier). Minutes of natural time
-- or of working time (days the calendar says are working days, counted whole).
create table servicedesk_sla_targets (
  id                  bigserial primary key,
  category            text check (category in ('product', 'service', 'technical', 'payment')),
  channel             text check (channel in ('counter', 'phone', 'bank', 'web', 'hotline')),
  tier                text check (tier in ('important', 'ordinary')),
  first_reply_minutes integer not null check (first_reply_minutes > 0),
  update_minutes      integer not null check (update_minutes > 0),
  resolution_minutes  integer not null check (resolution_minutes > 0),
  basis               text not null check (basis in ('natural', 'working')),
  unique nulls not distinct (category, channel, tier)
);
insert into servicedesk_sla_targets (category, channel, tier, first_reply_minutes, update_minutes, resolution_minutes, basis) values
  (null, null, null, 1440, 2880, 7200, 'working'),
  (null, 'hotline', null, 1440, 1440, 5760, 'natural'),
  (null, null, 'important', 720, 1440, 4320, 'working');
