// Public face of the clearing-days module: the clearing day each lane transaction goes to.
export { assignClearingDates, nextDate } from './assign.ts';
