-- Fees charged at the counter, versioned by the date they take effect. The charged price may be
-- below the list price (promotions); the difference is booked as a discount.
create table fee_schedule (
  item            text not null check (item in ('card-22','card-23','obu','card-replace','card-reissue','obu-replace')),
  effective_from  date not null,
  list_price      bigint not null check (list_price >= 0),
  price           bigint not null check (price >= 0 and price <= list_price),
  created_by      text not null,
  created_at      timestamptz not null default now(),
  primary key (item, effective_from)
);
