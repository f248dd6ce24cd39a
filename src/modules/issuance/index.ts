// Public face of the issuance module (cards and OBUs).
import './errors.ts';
import { provideMediaFacts } from '../customers/index.ts';
import { customerIdOfCard, vehicleHasMediaInService } from './lookup.ts';
import { mediaEventsOfCustomer } from './console-reads.ts';

// customers sit below issuance: they learn about cards and OBUs from what issuance provides here
provideMediaFacts({ customerIdOfCard, vehicleHasMediaInService, mediaEventsOfCustomer });

export { customerIdOfCard, vehicleHasMediaInService };
export { refundRequestCard } from './lookup.ts';
export { findCard, lockCard, CARD_STATUS, IN_SERVICE, type CardView } from './card-repo.ts';
export { recordPurseState, reserveCarry, restoreCarry } from './purse.ts';
export { findObu, OBU_STATUS, type ObuView } from './obu-service.ts';
export { consumeLifecycle, type LifecycleEvent, type LifecycleEventName } from './outbox.ts';
export { releaseDueCarries, carriesOf, registerCarryInvariants, type Carry } from './balance-carry.ts';
export { registerIssuanceJobs } from './jobs.ts';
export { cardRoutes } from './card-routes.ts';
export { obuRoutes } from './obu-routes.ts';
export { cardFactsAt, emitAccountOverdraft, type CardFactAt } from './lane-facts.ts';
export { recordLanePurses, providePurseReadings, catchUpAllPurses, type PurseReading } from './lane-purses.ts';
export {
  mediaOfCustomer,
  mediaEventsOfCustomer,
  cardEventsInPeriod,
  openCancellations,
  type MediumView,
  type MediumEventView,
  type OpenCancellation,
} from './console-reads.ts';
export { issuanceConsoleRoutes, mediaResponse } from './console-routes.ts';
export { makeDemoStock, type StockCounts } from './stock.ts';
export { bankRefunds, type RefundOwed } from './refunds-owed.ts';
export { issuedPerDay, mediaCounts, type IssuedPerDay, type MediaCount } from './report-reads.ts';
