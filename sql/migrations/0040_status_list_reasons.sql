-- Reason codes of the status list (ETC-REFERENCE §6), per medium. When an id is listed for several
-- reasons at once, lanes see one: the lowest priority number wins (a cancelled card stays
-- "cancelled" whatever else is true of it). Codes 7 (card) and 5 (OBU) are provincial extensions
-- for the causes the national tables do not name (low balance, tampered OBU).
create table status_list_reasons (
  medium    text not null check (medium in ('card', 'obu')),
  reason    smallint not null check (reason between 1 and 999),
  name      text not null,
  priority  smallint not null,
  primary key (medium, reason)
);

insert into status_list_reasons (medium, reason, name, priority) values
  ('card', 3, 'cancelled without card', 10),
  ('card', 1, 'reported lost', 20),
  ('card', 2, 'suspended', 30),
  ('card', 4, 'account overdrawn', 40),
  ('card', 5, 'blacklisted by a partner institution', 50),
  ('card', 6, 'vehicle class mismatch', 60),
  ('card', 7, 'low balance', 70),
  ('obu', 3, 'cancelled without OBU', 10),
  ('obu', 101, 'cancelled', 11),
  ('obu', 1, 'reported lost', 20),
  ('obu', 5, 'tampered (removed from the vehicle)', 25),
  ('obu', 2, 'suspended without OBU', 30),
  ('obu', 102, 'suspended', 31),
  ('obu', 104, 'account overdrawn', 40),
  ('obu', 105, 'restricted by the payment institution', 50),
  ('obu', 4, 'vehicle class mismatch', 60),
  ('obu', 103, 'no payment channel linked', 65);
