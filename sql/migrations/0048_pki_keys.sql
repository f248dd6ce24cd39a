-- The centre's PKI (keys module): its self-signed root CA and the certificates it issues for its
-- own signatures (the status list first). Private keys are wrapped under the KEK like master keys;
-- only the keys module reads this table.
create table pki_keys (
  name                 text primary key check (name in ('ca', 'status-list')),
  wrapped_private_key  bytea not null,
  certificate_pem      text not null,
  fingerprint          char(64) not null,
  created_at           timestamptz not null default now()
);
