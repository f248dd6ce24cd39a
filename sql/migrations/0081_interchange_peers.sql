-- The provinces this centre exchanges clearing documents with: where to send them (url; none → the
-- drop folder) and the credentials this centre signs its requests with there (client id, and the
-- HMAC secret that province issued to us, sealed under the KEK by the key service). Their document
-- signatures are verified with peer_certificates.
create table interchange_peers (
  network        char(4) primary key check (network ~ '^\d{4}$'),
  url            text check (url ~ '^https{0,1}://'), -- no question mark: the migration runner reads one as a binding
  client_id      text not null,
  secret_sealed  bytea,
  updated_at     timestamptz not null,
  updated_by     text not null,
  check (url is null or secret_sealed is not null)
);
