// Public face of the lanes module: the road network and its tariffs, lane transaction ingest, and
// what clearing may split.
import './errors.ts';
import { providePurseReadings } from '../issuance/index.ts';
import { lanePurseReadings } from './purse-readings.ts';

// issuance keeps a card's last known purse; the purchases that move it are read here
providePurseReadings(lanePurseReadings);
export {
  listOperators,
  listStations,
  listSections,
  listLanes,
  getLane,
  tollFor,
  findPath,
  VEHICLE_CLASSES,
  isVehicleClass,
  type Operator,
  type Station,
  type Lane,
  type Section,
  type SectionToll,
  type VehicleClass,
} from './network.ts';
export { seedDemoNetwork, demoToll, DEMO_NETWORK_IDS } from './demo-network.ts';
export { discountFen, ownCardAmount } from './discount.ts';
export { shortestPath, type GraphSection } from './graph.ts';
export { ingestBatch, ingestReceivedPackage, type IngestOutcome, type IngestSource } from './ingest.ts';
export {
  laneTransaction,
  uploadBody,
  MAX_BATCH,
  type LaneTransaction,
  type LaneResult,
  type Disposition,
} from './ingest-schema.ts';
export { ownCardSplitSource, ownCardDayTotals, type SqlFragment } from './clearing-source.ts';
export { reviewOverdrafts, rejudgeOverdraft } from './overdraft.ts';
export { finishAbandonedUploads, ABANDONED_AFTER_MS } from './upload-completion.ts';
export { preparePartitions } from './partitions.ts';
export { registerLaneInvariants } from './invariants.ts';
export { registerLaneJobs } from './jobs.ts';
export { networkRoutes } from './routes.ts';
export { laneTransactionRoutes } from './lane-routes.ts';
export {
  laneTransactionsOfCard,
  findLaneTransaction,
  monthlyUsageOf,
  type LaneHistoryItem,
  type MonthlyUsage,
} from './console-reads.ts';
export { laneVolumes, type LaneVolume } from './report-reads.ts';
