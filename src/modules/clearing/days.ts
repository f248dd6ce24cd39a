// Clearing days: the day before a date, and the days still open before it. Which day a lane
// transaction is cleared on is decided below lanes, in modules/clearing-days.
import type { Knex } from 'knex';
import { addDays } from '../../platform/clock/clock.ts';

export const previousDate = (date: string): string => addDays(date, -1);

/** Days still open before a date: the daily job clears them too, so a day missed while the service
 *  was down is not left behind. */
export async function openDaysBefore(db: Knex, date: string): Promise<string[]> {
  return db('clearing_days')
    .where('state', 'open')
    .andWhere('clearing_date', '<', date)
    .orderBy('clearing_date')
    .pluck('clearing_date');
}
