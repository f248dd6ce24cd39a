// Public face of the interchange module: packages to and from other provinces, confirmations,
// disputes and resolutions, their delivery, and the net positions clearing settles.
import './errors.ts';
export { buildPackages, PACKAGE_SIZE } from './outbound.ts';
export { interchangeReadiness, mirrorReadiness, raiseMirrorMismatches, type MirrorComparison } from './readiness.ts';
export {
  interchangeSplitSource,
  allPackagesConfirmed,
  writeSettlements,
  positionsOf,
  peerView,
  type Position,
  type PeerView,
} from './positions.ts';
export { postIssuerDisputePayments, listDisputes, type Dispute } from './disputes.ts';
export {
  raiseIssuerDispute,
  disputesOfTransactions,
  disputeEligibility,
  type DisputeEligibility,
  ISSUER_RESULT_CODES,
  type DisputeRequest,
} from './requested-disputes.ts';
export { listHeldConfirmations, releaseConfirmation, type HeldConfirmation } from './confirmation-hold.ts';
export { deliverPending, deliver, enqueuePackageDeliveries, type DocumentKind } from './delivery.ts';
export { canonicalJson, transIdOf, callerNetwork } from './documents.ts';
export { registerInterchangeJobs } from './jobs.ts';
export { onClearingDayAffected, type DayAffectedListener } from './day-affected.ts';
export { importDropFolder, type DropImport } from './drop-folder.ts';
export { registerInterchangeInvariants } from './invariants.ts';
export { interchangeDocumentRoutes, interchangeStaffRoutes } from './routes.ts';
