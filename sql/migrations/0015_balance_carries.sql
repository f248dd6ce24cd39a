-- A stored-value card's balance moved to its successor (replace: at once; reissue after loss:
-- after a waiting period, so that the lost card's late lane transactions are charged first).
-- The online-load protocol later writes an available carry onto the new card without payment.
create table balance_carries (
  id            bigserial primary key,
  from_card     char(20) not null unique references cards(card_no),
  to_card       char(20) not null references cards(card_no),
  kind          text not null check (kind in ('replace','reissue')),
  amount        bigint check (amount >= 0),
  available_at  timestamptz not null,
  status        text not null check (status in ('waiting','available','loaded')),
  created_at    timestamptz not null,
  released_at   timestamptz
);
create index balance_carries_waiting_idx on balance_carries (available_at) where status = 'waiting';
