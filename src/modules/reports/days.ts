// Local calendar days for the read model: a day's end as an instant, days between, ranges.
import { addDays, DAY_MS, localDayStart } from '../../platform/clock/clock.ts';

/** The first instant after the local day. */
export const dayEnd = (date: string) => new Date(localDayStart(date).getTime() + DAY_MS);

export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

// the longest range a report or list answers for, so one request cannot ask for decades
export const MAX_RANGE_DAYS = 366;
export const rangeDays = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
