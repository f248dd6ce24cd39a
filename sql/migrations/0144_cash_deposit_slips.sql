-- The hall's cash taken to the bank: a deposit slip of the confirmed till closes of a day. draft →
-- approved (someone other than its maker) → banked (with the bank's reference; not by the approver),
-- which posts counter-cash → clearing-bank. The statement line crediting it is reconciled.
create table cash_deposit_slips (
  id              bigserial primary key,
  slip_no         text not null unique check (slip_no ~ '^[A-Za-z0-9-]{1,32}$'),
  business_date   date not null,
  till_count      integer not null check (till_count > 0),
  amount          bigint not null check (amount > 0),
  state           text not null check (state in ('draft', 'approved', 'banked')),
  created_by      text not null,
  created_at      timestamptz not null,
  approved_by     text,
  approved_at     timestamptz,
  banked_by       text,
  banked_at       timestamptz,
  bank_reference  text,
  check ((state = 'banked') = (banked_at is not null and bank_reference is not null))
);
alter table till_closes add constraint till_closes_slip_fk foreign key (slip_id) references cash_deposit_slips(id);
create index till_closes_unbanked on till_closes (business_date) where slip_id is null;
