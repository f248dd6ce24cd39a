-- Where the list has reached, per lane: the version it last reported applied (heartbeat), and a
-- supervisor's request that its next pull be a full list. lane_id is a lane of the lanes registry
-- (not a foreign key: that table is the lanes module's).
create table status_list_lanes (
  lane_id              text primary key,
  applied_version      integer,
  applied_at           timestamptz,
  heartbeat_at         timestamptz,
  pending_uploads      integer,
  software             text,
  full_requested_at    timestamptz,
  full_requested_by    text,
  full_served_version  integer
);
