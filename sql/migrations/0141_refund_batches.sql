-- Refund payment batches: refunds owed by bank transfer, paid together. draft (finance) → approved
-- (someone else) → paid (with the bank reference; not by the approver), or rejected before payment.
-- A refund is in at most one batch that is not rejected: a rejected batch gives its items back.
create table refund_batches (
  id              bigserial primary key,
  state           text not null check (state in ('draft', 'approved', 'paid', 'rejected')),
  refund_count    integer not null check (refund_count > 0),
  total           bigint not null check (total > 0),
  created_at      timestamptz not null,
  created_by      text not null,
  approved_at     timestamptz,
  approved_by     text,
  paid_at         timestamptz,
  paid_by         text,
  bank_reference  text,
  rejected_at     timestamptz,
  rejected_by     text,
  reject_note     text,
  check ((state = 'paid') = (paid_at is not null and bank_reference is not null))
);
create table refund_batch_items (
  batch_id         bigint not null references refund_batches(id),
  cancellation_id  bigint not null references card_cancellations(id),
  card_no          char(20) not null,
  amount           bigint not null check (amount > 0),
  released         boolean not null default false,
  primary key (batch_id, cancellation_id)
);
create unique index refund_batch_items_live_uq on refund_batch_items (cancellation_id) where not released;
