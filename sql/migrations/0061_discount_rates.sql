-- Discounts on the toll, versioned by the day they take effect (the rate on a date is the newest
-- row on or before it). 'own-card': this centre's cards on this province's roads pay
-- fee − round-half-up(fee × percent / 100), to the fen. The seed system's rule is 5 %, in force
-- from the start; a new rate is a new row, never an edit, so old trips re-price the same.
create table discount_rates (
  kind            text not null check (kind in ('own-card')),
  effective_from  date not null,
  percent         numeric(5,2) not null check (percent >= 0 and percent <= 100),
  reason          text not null,
  created_by      text not null,
  created_at      timestamptz not null default now(),
  primary key (kind, effective_from)
);
insert into discount_rates (kind, effective_from, percent, reason, created_by)
values ('own-card', '2000-01-01', 5.00, 'seed system rule: own-province cards on own-province roads pay 95 %', 'system');
