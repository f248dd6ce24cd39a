-- Clearing days. A day is open while lane transactions may still be assigned to it; sealing closes
-- it (a later arrival goes to the next open day). The daily run is a list of steps, each done once
-- in the same transaction as its effect and recorded in clearing_day_steps, so a re-run skips what
-- is done and a failed run resumes where it stopped. Later steps (interchange packages,
-- confirmations, settlement) add step names, not new day states.
create table clearing_days (
  clearing_date  date primary key,
  state          text not null default 'open' check (state in ('open', 'sealed')),
  opened_at      timestamptz not null,
  sealed_at      timestamptz,
  sealed_by      text,
  check ((state = 'sealed') = (sealed_at is not null))
);

create table clearing_day_steps (
  clearing_date  date not null references clearing_days(clearing_date),
  step           text not null,
  done_at        timestamptz not null,
  actor          text not null,
  detail         jsonb not null default '{}'::jsonb,
  primary key (clearing_date, step)
);
