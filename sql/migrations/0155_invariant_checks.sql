-- The last result of each ledger or module invariant as the scheduled watch found it (hourly and
-- after each clearing day), so every process's /metrics reports the same figures whichever process
-- ran the check. One row per invariant, overwritten by each check.
create table invariant_checks (
  name        text primary key,
  broken      boolean not null,
  detail      jsonb not null default '[]',
  checked_at  timestamptz not null
);
