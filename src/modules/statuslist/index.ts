// Public face of the status-list module.
import './errors.ts';
export { raiseListEvent, raiseArrearsEvent, applyRules, type ListEvent } from './rules.ts';
export { publishNow, seal, type Published } from './publisher.ts';
export { registerStatuslistJobs, publisherTick, dailyRun, publishCron, PUBLISH, DAILY, SNAPSHOT } from './jobs.ts';
export { registerStatuslistMetrics, distribution, type Distribution, type LaneDelivery } from './monitoring.ts';
export { CARD_REASON, OBU_REASON, type Medium } from './reasons.ts';
export { statuslistRoutes } from './routes.ts';
export { laneRoutes } from './lane-routes.ts';
export { interchangeRoutes } from './interchange-routes.ts';
export { changesOfMedium, heldChanges } from './console-reads.ts';
export { delivery, deliveryResponse } from './delivery.ts';
export type { ChangeView } from './changes.ts';
export { listVersionsPerDay, type ListDay } from './report-reads.ts';
