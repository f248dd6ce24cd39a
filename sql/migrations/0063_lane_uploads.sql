-- One row per batch a lane uploaded (POST /lanes/{laneId}/transactions): what came in and what
-- became of it. Every transaction received is accepted, a duplicate or rejected — the check makes
-- the counts reconcile. accepted_amount is what the batch's own-card transactions posted.
create table lane_uploads (
  id               bigserial primary key,
  lane_id          text not null references lanes(id),
  received_at      timestamptz not null,
  received         integer not null check (received between 1 and 1000),
  accepted         integer not null check (accepted >= 0),
  duplicate        integer not null check (duplicate >= 0),
  rejected         integer not null check (rejected >= 0),
  accepted_amount  bigint not null check (accepted_amount >= 0),
  check (received = accepted + duplicate + rejected)
);
create index lane_uploads_lane_idx on lane_uploads (lane_id, received_at);
