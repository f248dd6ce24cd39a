// Public face of the customers module (customers, vehicles, accounts). Other modules use these
// functions, never the tables.
import './errors.ts';
export type { CustomerView, VehicleView, AccountView, CustomerEventView } from './repository.ts';
export {
  getCustomer,
  scopeOf,
  customerInScope,
  cardholderForPersonalisation,
  createCustomer,
  updateCustomer,
  setTier,
  setHold,
  findCustomers,
  viewPii,
  type PersonalInput,
  type CorporateInput,
  type CustomerPatch,
  type PiiView,
} from './customers.ts';
export { getVehicle, addVehicle, removeVehicle } from './vehicles.ts';
export { getAccount, getAccountOfCustomer, accountBalance, creditLimitsOf } from './accounts.ts';
export { deposit, watchDebitPayments, type DepositView, type DebitPayment } from './deposits.ts';
export { depositRoutes } from './deposit-routes.ts';
export { creditLimitRoutes } from './credit-limit-routes.ts';
export { mask, maskPiiFields } from './pii.ts';
export {
  customerExportPage,
  statementExportPage,
  CUSTOMER_EXPORT_COLUMNS,
  STATEMENT_EXPORT_COLUMNS,
  type CustomerListFilter,
  type ExportRow,
} from './export-rows.ts';
export { ID_TYPES, VEHICLE_CLASSES, VEHICLE_CATEGORIES, PLATE_COLOURS } from './codes.ts';
export { customerRoutes } from './routes.ts';
export { provideMediaFacts, type MediaFacts, type MediumEventView } from './media.ts';
export {
  changeCreditLimit,
  setCreditLimitBySystem,
  creditLimitHistory,
  watchCreditLimits,
  type CreditLimitChange,
  type CreditLimitWatcher,
} from './credit-limits.ts';
export { vehiclesOf } from './repository.ts';
export { customerContacts, type CustomerContact } from './contacts.ts';
export { customerConsoleRoutes, statementResponse } from './console-routes.ts';
export { historyResponse } from './routes.ts';
export { customerSummaries, accountSummaries, type CustomerSummary } from './summaries.ts';
export { depositVolumes, customerCounts, type DepositVolume, type CustomerCount } from './report-reads.ts';
