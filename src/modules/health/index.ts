// Public face of the health module: the readiness probe and the scheduled invariant watch.
export { readiness, type Readiness, type CheckStatus } from './readiness.ts';
export {
  CHECK_INVARIANTS,
  checkInvariantsNow,
  checkAfterClearingDay,
  registerInvariantWatchJobs,
  registerInvariantMetrics,
  type InvariantWatchResult,
} from './invariant-watch.ts';
