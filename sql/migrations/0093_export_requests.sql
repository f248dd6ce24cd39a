-- Exports that carry personal data (customer lists, account statements with names): requested with
-- a reason, approved or rejected by a supervisor who is not the requester (four eyes), downloaded by
-- the requester until they expire. Every step also writes audit_log; the row keeps the current state.
create table export_requests (
  id             bigserial primary key,
  kind           text not null check (kind in ('customers', 'account-statement')),
  parameters     jsonb not null default '{}'::jsonb,
  pii            text not null check (pii in ('masked', 'full')),
  reason         text not null,
  status         text not null check (status in ('requested', 'approved', 'rejected')),
  requested_by   text not null,
  requested_at   timestamptz not null,
  decided_by     text,
  decided_at     timestamptz,
  decision_note  text,
  expires_at     timestamptz,
  downloads      integer not null default 0,
  last_download_at timestamptz,
  check ((status = 'requested') = (decided_by is null)),
  check ((status = 'approved') = (expires_at is not null))
);
create index export_requests_pending_idx on export_requests (id) where status = 'requested';
create index export_requests_requester_idx on export_requests (requested_by, id);
