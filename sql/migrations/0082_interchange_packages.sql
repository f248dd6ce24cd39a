-- Interchange packages (ICD §3 POST /packages), both ways.
-- outbound: the accepted transactions of the receiver's cards on our roads for one clearing target
--   date, cut into packages of at most N by transaction id; a package is the id range
--   [first_transaction_id, last_transaction_id] of that issuer and day (the day is sealed, so the
--   range cannot change). Delivery: built → delivered (the peer answered 1, or 5: it has it) or
--   refused (any other answer, for finance); then its confirmation arrives.
-- inbound: a package a peer sent us (our cards on its roads), stored once it was accepted (result 1)
--   together with its transactions and the confirmation we owe; refused packages leave no row.
create table interchange_packages (
  id                    bigserial primary key,
  direction             text not null check (direction in ('outbound', 'inbound')),
  message_id            text not null check (length(message_id) between 1 and 64),
  sender                char(4) not null,
  receiver              char(4) not null,
  clear_target_date     date not null,
  count                 integer not null check (count >= 0),
  amount                bigint not null check (amount >= 0),
  first_transaction_id  bigint,
  last_transaction_id   bigint,
  document_sha256       char(64),
  state                 text not null check (state in ('built', 'delivered', 'refused', 'received')),
  result                smallint,
  attempts              integer not null default 0,
  last_error            text,
  created_at            timestamptz not null,
  delivered_at          timestamptz,
  unique (sender, message_id),
  check ((direction = 'outbound') = (first_transaction_id is not null)),
  check (direction = 'outbound' or state = 'received')
);
create index interchange_packages_day_idx on interchange_packages (clear_target_date, direction, receiver, sender);
