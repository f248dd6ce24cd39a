-- The working-time calendar of the service desk: the days that differ from "Monday to Friday work,
-- Saturday and Sunday rest" — public holidays that fall on working days and make-up working days
-- (调休) that fall on weekends. Seeded with the State Council's arrangements for 2025 and 2026; 2027
-- with its statutory days only (provisional) until the official arrangement is entered by an admin.
-- Reference: the chinese-days data set.
create table servicedesk_calendar_days (
  day         date primary key,
  kind        text not null check (kind in ('holiday', 'workday')),
  name        text not null check (length(name) between 1 and 50),
  source      text not null check (source in ('official', 'provisional', 'admin')),
  changed_by  text not null,
  changed_at  timestamptz not null default now()
);

-- every change to the calendar (who, when, from what to what): the table above is the current state
create table servicedesk_calendar_changes (
  id          bigserial primary key,
  day         date not null,
  from_kind   text,
  to_kind     text,
  name        text,
  changed_by  text not null,
  changed_at  timestamptz not null
);

insert into servicedesk_calendar_days (day, kind, name, source, changed_by)
select d::date, 'holiday', n, 'official', 'seed' from (values
  ('2025-01-01', '元旦'),
  ('2025-01-28', '春节'), ('2025-01-29', '春节'), ('2025-01-30', '春节'), ('2025-01-31', '春节'),
  ('2025-02-01', '春节'), ('2025-02-02', '春节'), ('2025-02-03', '春节'), ('2025-02-04', '春节'),
  ('2025-04-04', '清明节'), ('2025-04-05', '清明节'), ('2025-04-06', '清明节'),
  ('2025-05-01', '劳动节'), ('2025-05-02', '劳动节'), ('2025-05-03', '劳动节'), ('2025-05-04', '劳动节'), ('2025-05-05', '劳动节'),
  ('2025-05-31', '端午节'), ('2025-06-01', '端午节'), ('2025-06-02', '端午节'),
  ('2025-10-01', '国庆节、中秋节'), ('2025-10-02', '国庆节、中秋节'), ('2025-10-03', '国庆节、中秋节'), ('2025-10-04', '国庆节、中秋节'),
  ('2025-10-05', '国庆节、中秋节'), ('2025-10-06', '国庆节、中秋节'), ('2025-10-07', '国庆节、中秋节'), ('2025-10-08', '国庆节、中秋节'),
  ('2026-01-01', '元旦'), ('2026-01-02', '元旦'), ('2026-01-03', '元旦'),
  ('2026-02-15', '春节'), ('2026-02-16', '春节'), ('2026-02-17', '春节'), ('2026-02-18', '春节'), ('2026-02-19', '春节'),
  ('2026-02-20', '春节'), ('2026-02-21', '春节'), ('2026-02-22', '春节'), ('2026-02-23', '春节'),
  ('2026-04-04', '清明节'), ('2026-04-05', '清明节'), ('2026-04-06', '清明节'),
  ('2026-05-01', '劳动节'), ('2026-05-02', '劳动节'), ('2026-05-03', '劳动节'), ('2026-05-04', '劳动节'), ('2026-05-05', '劳动节'),
  ('2026-06-19', '端午节'), ('2026-06-20', '端午节'), ('2026-06-21', '端午节'),
  ('2026-09-25', '中秋节'), ('2026-09-26', '中秋节'), ('2026-09-27', '中秋节'),
  ('2026-10-01', '国庆节'), ('2026-10-02', '国庆节'), ('2026-10-03', '国庆节'), ('2026-10-04', '国庆节'),
  ('2026-10-05', '国庆节'), ('2026-10-06', '国庆节'), ('2026-10-07', '国庆节')
) as h(d, n);

insert into servicedesk_calendar_days (day, kind, name, source, changed_by)
select d::date, 'workday', n, 'official', 'seed' from (values
  ('2025-01-26', '春节调休'), ('2025-02-08', '春节调休'), ('2025-04-27', '劳动节调休'),
  ('2025-09-28', '国庆节调休'), ('2025-10-11', '国庆节调休'),
  ('2026-01-04', '元旦调休'), ('2026-02-14', '春节调休'), ('2026-02-28', '春节调休'), ('2026-05-09', '劳动节调休'),
  ('2026-09-20', '国庆节调休'), ('2026-10-10', '国庆节调休')
) as w(d, n);

-- 2027: the statutory days (Spring Festival on 6 February 2027) until the official arrangement is entered
insert into servicedesk_calendar_days (day, kind, name, source, changed_by)
select d::date, 'holiday', n, 'provisional', 'seed' from (values
  ('2027-01-01', '元旦'),
  ('2027-02-05', '春节'), ('2027-02-06', '春节'), ('2027-02-07', '春节'), ('2027-02-08', '春节'),
  ('2027-04-05', '清明节'), ('2027-05-01', '劳动节'), ('2027-05-02', '劳动节'),
  ('2027-06-09', '端午节'), ('2027-09-15', '中秋节'),
  ('2027-10-01', '国庆节'), ('2027-10-02', '国庆节'), ('2027-10-03', '国庆节')
) as p(d, n);
