// The day's partition of clearing_splits, loaded before it is indexed. The own-card split is the
// first and largest write into a day (~1.6 rows per transaction); maintaining the primary key row
// by row while millions of rows go in costs about twice as much as writing them into a table of
// the same shape without an index, building the key once (sorted) and attaching the table as the
// day's partition (bench/README.md). All of it in the step's transaction: a failed step leaves
// nothing. When the day's partition already exists, or the default partition holds rows of the
// day (attaching would fail), the rows go through the parent as before.
import type { Knex } from 'knex';
import { addDays } from '../../platform/clock/clock.ts';

const partitionName = (date: string) => `clearing_splits_${date.replaceAll('-', '')}`;

/** A new table for the day's splits, not yet a partition (no index); null when the rows must go
 *  through clearing_splits (its partition for the day exists already). */
export async function openDayLoad(trx: Knex.Transaction, date: string): Promise<string | null> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
  const name = partitionName(date);
  const {
    rows: [r],
  } = await trx.raw(
    `select to_regclass(?) is null as missing,
            exists (select 1 from clearing_splits_default where clearing_date = ?::date) as in_default`,
    [name, date],
  );
  if (!r.missing || r.in_default) return null;
  // the range as a check, so that attaching does not scan the rows to prove it (DDL takes no
  // parameters: the dates are inlined, checked above)
  await trx.raw(
    `create table ?? (like clearing_splits including defaults including constraints,
       constraint ?? check (clearing_date >= '${date}'::date and clearing_date < '${addDays(date, 1)}'::date))`,
    [name, `${name}_range`],
  );
  return name;
}

/** Indexes the loaded table and makes it the day's partition (the parent's primary key adopts the
 *  index just built). */
export async function closeDayLoad(trx: Knex.Transaction, date: string, name: string): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
  // other provinces' splits come later into the same key, spread over it (their transactions are
  // interleaved with ours): room left in each leaf page spares a page split per page then
  await trx.raw('alter table ?? add primary key (clearing_date, transaction_id, operator_id) with (fillfactor = 75)', [
    name,
  ]);
  await trx.raw(
    `alter table clearing_splits attach partition ?? for values from ('${date}') to ('${addDays(date, 1)}')`,
    [name],
  );
  await trx.raw('alter table ?? drop constraint ??', [name, `${name}_range`]);
}
