-- Our cards on other provinces' roads arrive in interchange packages, not lane uploads. They are
-- checked like lane transactions (terminal key, card key, TAC, status, balance chain) and so live in
-- the same table and key tables; received_package_id says which package brought one, and such a row
-- has no lane and no upload. Clearing never splits them (the roads are not ours).
alter table lane_transactions alter column upload_id drop not null;
alter table lane_transactions alter column lane_id drop not null;
alter table lane_transactions add column received_package_id bigint;
alter table lane_transactions add constraint lane_transactions_one_source
  check ((upload_id is null) <> (received_package_id is null) and (upload_id is null) = (lane_id is null));
create index lane_transactions_received_package_idx on lane_transactions (received_package_id) where received_package_id is not null;
