-- A unit that no longer handles complaints is deactivated, not deleted: tickets and work orders keep
-- pointing at it, but no new assignment or work order may name it.
alter table servicedesk_units
  add column active boolean not null default true;
