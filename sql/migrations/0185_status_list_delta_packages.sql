-- Signed delta packages as lanes receive them, kept so that every process serves a delta a lane
-- has asked for already with one read of its bytes (no query over the delta rows, no signature).
-- A published delta never changes; its bytes depend on the signing key too (signer: the SHA-256
-- of the certificate, so a new key makes new packages). issuer '' is the whole list. Only deltas
-- to the current version are asked for: the publisher deletes the older ones, pruning deletes
-- those from a version whose rows are gone.
create table status_list_delta_packages (
  to_version    integer not null,
  from_version  integer not null check (from_version < to_version),
  issuer        text not null,
  signer        text not null,
  bytes         bytea not null,
  primary key (to_version, from_version, issuer, signer)
);
-- stored once and read often: no compression to undo on every read
alter table status_list_delta_packages alter column bytes set storage external;
