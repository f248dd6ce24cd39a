// Public face of the clearing module: clearing days, the split to road operators (own cards and
// other provinces' confirmed money), operator payables and payouts, the daily job.
import './errors.ts';
export { previousDate } from './days.ts';
export { largestRemainder, type Share } from './split.ts';
export {
  clearDay,
  daySummary,
  unfinishedDays,
  operatorPayableCode,
  STEPS,
  type Step,
  type DaySummary,
  type RunContext,
  type RunOutcome,
} from './run-day.ts';
export { registerClearingJobs, runDayLater, onDayCleared, CLEAR_DAY, SYSTEM_ACTOR } from './jobs.ts';
export { registerClearingInvariants } from './invariants.ts';
export { clearingRoutes } from './routes.ts';
export { operatorTotalsBetween, daysBetween, type OperatorTotal, type DayProgress } from './report-reads.ts';
