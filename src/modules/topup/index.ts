// Public face of the topup module (online load of stored-value cards).
import './errors.ts';
export {
  authoriseLoad,
  provideAllocationPayer,
  type AllocationPayer,
  type LoadRequest,
  type Authorised,
} from './authorise.ts';
export { confirmLoad, reverseLoad } from './finish.ts';
export { findLoad, publicLoad, type Load } from './load-repo.ts';
export { stuckLoads, sweepStuckLoads } from './stuck.ts';
export { registerTopupJobs } from './jobs.ts';
export { registerLoadInvariants } from './invariants.ts';
export { loadRoutes } from './routes.ts';
export { loadsOfBankDay, type BankDayLoad } from './reports.ts';
export { cardKeyVersions, loadsInWindows, loadedAfter, type LoadWindow, type LoadedInWindow } from './lane-facts.ts';
export { loadsOfCard, type LoadHistoryItem } from './console-reads.ts';
export { loadVolumes, type LoadVolume } from './report-reads.ts';
