-- Each calendar change carries the admin's reason, and when the recomputation of every open ticket's
-- clocks it queued has run (null while it waits), so the console can show that it is pending.
alter table servicedesk_calendar_changes
  add column reason        text check (length(reason) between 1 and 500),
  add column recomputed_at timestamptz;
