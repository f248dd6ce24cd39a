-- Every change asked of the status list, from a rule (a life-cycle or account event), a supervisor
-- (manual) or another province (interchange). A change waits as pending (or held, for a customer
-- whose automatic entries need a supervisor) until the publisher seals it into a version; a held
-- change may be discarded instead. Rows are the list's history and are never deleted.
-- whole = the change concerns every reason of the id (a peer's line, a manual removal of all reasons);
-- otherwise it adds (enter) or removes (leave) one reason.
create table status_list_changes (
  id           bigserial primary key,
  medium       text collate "C" not null check (medium in ('card', 'obu')),
  medium_id    text collate "C" not null,
  issuer       char(4) not null,
  action       text not null check (action in ('enter', 'leave')),
  reason       smallint check (reason between 1 and 999),
  whole        boolean not null default false,
  source       text not null check (source in ('rule', 'manual', 'interchange')),
  state        text not null check (state in ('pending', 'held', 'published', 'discarded')),
  version      integer,
  customer_id  bigint,
  event        text,
  event_id     bigint,
  note         text,
  created_at   timestamptz not null,
  created_by   text not null,
  decided_at   timestamptz,
  decided_by   text,
  check ((state = 'published') = (version is not null)),
  check (reason is not null or (action = 'leave' and whole)),
  check (medium_id ~ (case when medium = 'card' then '^[0-9]{20}$' else '^[0-9]{16}$' end)),
  check (issuer = left(medium_id, 4))
);
-- the publisher and the supervisors' queue read only the open changes
create index status_list_changes_open_idx on status_list_changes (state, id) where state in ('pending', 'held');
create index status_list_changes_medium_idx on status_list_changes (medium, medium_id, id);
create index status_list_changes_customer_idx on status_list_changes (customer_id, id) where customer_id is not null;
-- a life-cycle event yields at most one change, whatever a retried consumer does
create unique index status_list_changes_event_uq on status_list_changes (event_id) where event_id is not null;
