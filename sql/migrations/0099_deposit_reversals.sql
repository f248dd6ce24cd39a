-- Reversal of a mistaken deposit, on the day it was made: a clerk asks with a reason, a supervisor
-- who did not ask approves, and the approval posts one entry mirroring the deposit (kind
-- account-deposit-reversal, reference = the deposit id, so it posts once). At most one request per
-- deposit is open or approved at a time; a rejected one may be asked again.
create table deposit_reversals (
  id               bigserial primary key,
  deposit_id       bigint not null references account_deposits(id),
  reason           text not null check (length(reason) between 2 and 500),
  requested_by     text not null,
  requested_at     timestamptz not null,
  status           text not null default 'requested' check (status in ('requested','approved','rejected')),
  decided_by       text,
  decided_at       timestamptz,
  decision_reason  text check (length(decision_reason) between 2 and 500),
  check (decided_by is null or decided_by <> requested_by),
  check ((status = 'requested') = (decided_by is null))
);
create unique index deposit_reversals_once on deposit_reversals (deposit_id) where status <> 'rejected';
