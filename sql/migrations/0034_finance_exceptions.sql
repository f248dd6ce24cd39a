-- Items that need a person: reconciliation mismatches, loads stuck in flight, card evidence that
-- does not add up. One row per (kind, reference), so raising the same finding twice adds nothing.
create table finance_exceptions (
  id           bigserial primary key,
  kind         text not null,
  reference    text not null,
  source       text not null,
  amount       bigint,
  detail       jsonb not null default '{}'::jsonb,
  status       text not null default 'open' check (status in ('open','resolved')),
  owner        text not null default 'finance',
  raised_at    timestamptz not null,
  resolved_by  text,
  resolved_at  timestamptz,
  note         text,
  unique (kind, reference),
  check (status = 'open' or (resolved_by is not null and note is not null))
);
create index finance_exceptions_open_idx on finance_exceptions (raised_at) where status = 'open';
