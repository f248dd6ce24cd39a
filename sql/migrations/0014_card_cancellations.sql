-- Cancelling a card with a refund needs four eyes: a clerk requests, a different supervisor approves.
create table card_cancellations (
  id             bigserial primary key,
  card_no        char(20) not null references cards(card_no),
  status         text not null check (status in ('requested','approved','rejected')),
  reason         text not null,
  refund_method  text not null check (refund_method in ('cash','bank-transfer')),
  refund_amount  bigint,
  requested_by   text not null,
  requested_at   timestamptz not null,
  decided_by     text,
  decided_at     timestamptz,
  decision_note  text
);
-- at most one open request per card
create unique index card_cancellations_open_uq on card_cancellations (card_no) where status = 'requested';
