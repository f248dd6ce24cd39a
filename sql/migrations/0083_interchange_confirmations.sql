-- The issuer's answer to a package (ICD §3 POST /confirmations): every transaction not disputed is
-- accepted for payment; amount is the confirmed total. One per package, either way: for an inbound
-- package the one we made (delivered to the sender by a queued job), for an outbound one the one we
-- received. Written once, never edited.
create table interchange_confirmations (
  package_id        bigint primary key references interchange_packages(id),
  message_id        text not null,
  sender            char(4) not null,
  processed_at      timestamptz not null,
  count             integer not null check (count >= 0),
  amount            bigint not null check (amount >= 0),
  disputed_count    integer not null check (disputed_count >= 0),
  disputed_amount   bigint not null check (disputed_amount >= 0),
  received_at       timestamptz,            -- outbound packages: when it reached us
  delivered_at      timestamptz,            -- inbound packages: when the sender acknowledged it
  attempts          integer not null default 0,
  last_error        text,
  unique (sender, message_id)
);
