// A confirmation or a dispute resolution for one of our clearing days has arrived: the day may now
// go further. Interchange does not know who runs days (clearing sits above it and calls it); it
// tells the listener wired where jobs are registered (src/modules/jobs.ts → clearing's runDayLater).
import type { AppContext } from '../../platform/http/context.ts';

export type DayAffectedListener = (app: AppContext, date: string, reason: string) => Promise<void>;

let listener: DayAffectedListener | undefined;

export function onClearingDayAffected(fn: DayAffectedListener): void {
  listener = fn;
}

export async function clearingDayAffected(app: AppContext, date: string, reason: string): Promise<void> {
  // with no listener (a tool that runs no clearing) the resume schedule still picks the day up
  if (listener) await listener(app, date, reason);
}
