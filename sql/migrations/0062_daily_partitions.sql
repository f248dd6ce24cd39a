-- Day partitions for tables partitioned by range on a clearing date. Creates parent_YYYYMMDD for
-- each of `days` days from first_day when missing; returns how many it made. A day whose rows
-- already sit in the default partition (written while its partition was missing) is skipped: those
-- rows stay where they are, still found through the parent. Safe to call concurrently.
create function ensure_daily_partitions(parent regclass, first_day date, days integer) returns integer
language plpgsql as $$
declare
  d date;
  part text;
  made integer := 0;
begin
  for i in 0 .. days - 1 loop
    d := first_day + i;
    part := parent::text || '_' || to_char(d, 'YYYYMMDD');
    if to_regclass(part) is null then
      begin
        execute format('create table %I partition of %s for values from (%L) to (%L)', part, parent, d, d + 1);
        made := made + 1;
      exception
        when check_violation or duplicate_table then null;
      end;
    end if;
  end loop;
  return made;
end $$;
