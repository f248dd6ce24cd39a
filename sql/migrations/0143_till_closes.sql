-- A counter user's till closed at the end of a local business day: the cash counted against the cash
-- the ledger says the user took less paid out. Declared by the user (or a supervisor for them),
-- confirmed by a supervisor who is neither; a difference is then posted and raised as an exception.
create table till_closes (
  id              bigserial primary key,
  business_date   date not null,
  user_id         bigint not null references users(id),
  username        text not null,
  expected_cash   bigint not null,
  counted_cash    bigint not null check (counted_cash >= 0),
  difference      bigint not null,
  state           text not null check (state in ('declared', 'confirmed')),
  declared_by     text not null,
  declared_at     timestamptz not null,
  confirmed_by    text,
  confirmed_at    timestamptz,
  slip_id         bigint,
  unique (business_date, user_id),
  check ((state = 'confirmed') = (confirmed_at is not null)),
  check (difference = counted_cash - expected_cash)
);
