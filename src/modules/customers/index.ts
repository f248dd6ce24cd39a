// Public face of the customers module (customers, vehicles, accounts). Other modules use these
// functions, never the tables.
export type { CustomerView, VehicleView, AccountView, CustomerEventView } from './repository.ts';
export {
  getCustomer,
  scopeOf,
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
export { vehiclesOf } from './repository.ts';
export { getAccount, getAccountOfCustomer, accountBalance, deposit, type DepositView } from './accounts.ts';
export { ID_TYPES, VEHICLE_CLASSES, VEHICLE_CATEGORIES, PLATE_COLOURS } from './codes.ts';
export { customerRoutes } from './routes.ts';
export { customerConsoleRoutes, statementResponse } from './console-routes.ts';
export { historyResponse } from './routes.ts';
