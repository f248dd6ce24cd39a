-- Road operators (经营主体): the companies that own toll sections and receive their share of the
-- toll revenue in clearing. Ids are short stable codes because ledger payable accounts and
-- settlement files refer to them; the name may change, the id may not.
create table operators (
  id          text primary key check (id ~ '^OP-[A-Z0-9]{2,16}$'),
  name        text not null unique,
  created_at  timestamptz not null default now()
);
