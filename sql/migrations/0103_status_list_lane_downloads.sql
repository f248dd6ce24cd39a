-- When each lane last pulled the list and which version it was given, so the delivery map can tell
-- a lane that never asks from one that asks but does not apply (heartbeats say what was applied).
alter table status_list_lanes
  add column pulled_at           timestamptz,
  add column downloaded_at       timestamptz,
  add column downloaded_version  integer;
