-- Other provinces' signing certificates, registered by an administrator at set-up (keys module).
-- Their signatures on interchange documents (status lists first) are verified against these.
create table peer_certificates (
  network        char(4) primary key check (network ~ '^[0-9]{4}$'),
  certificate_pem text not null,
  fingerprint    char(64) not null,
  registered_at  timestamptz not null,
  registered_by  text not null
);
