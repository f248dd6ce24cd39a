// Public face of the clearing module: clearing days, the intra-province split to road operators,
// operator payables, the daily job.
export { assignClearingDates, nextDate, previousDate } from './days.ts';
export { largestRemainder, type Share } from './split.ts';
export { clearDay, daySummary, operatorPayableCode, STEPS, type Step, type DaySummary, type RunContext } from './run-day.ts';
export { registerClearingJobs, CLEAR_DAY, SYSTEM_ACTOR } from './jobs.ts';
export { registerClearingInvariants } from './invariants.ts';
export { clearingRoutes } from './routes.ts';
