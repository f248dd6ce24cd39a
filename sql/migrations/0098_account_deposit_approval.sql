-- A deposit above the approval threshold waits for a supervisor (not the person who entered it)
-- before any money moves: it is recorded pending, then posted or rejected. Deposits entered before
-- this rule were all posted at once.
alter table account_deposits
  add column status          text not null default 'posted' check (status in ('pending','posted','rejected')),
  add column decided_by      text,
  add column decided_at      timestamptz,
  add column decision_reason text check (length(decision_reason) between 2 and 500),
  add constraint account_deposits_four_eyes check (decided_by is null or decided_by <> actor);
create index account_deposits_pending_idx on account_deposits (id) where status = 'pending';
