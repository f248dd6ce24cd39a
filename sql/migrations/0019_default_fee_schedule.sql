-- The default fees (the seed system's promotion): cards free, OBU at half its list price of 400 yuan.
-- Later schedules are added with a new effective date through the admin API.
insert into fee_schedule (item, effective_from, list_price, price, created_by) values
  ('card-22',      '2020-01-01', 0,     0,     'system'),
  ('card-23',      '2020-01-01', 0,     0,     'system'),
  ('obu',          '2020-01-01', 40000, 20000, 'system'),
  ('card-replace', '2020-01-01', 0,     0,     'system'),
  ('card-reissue', '2020-01-01', 0,     0,     'system'),
  ('obu-replace',  '2020-01-01', 40000, 20000, 'system');
