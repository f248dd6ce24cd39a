// Public face of the access module: people (users, sessions) and machines (API clients) — who may
// call the service.
import './errors.ts';
import './roles.ts';
export {
  findUser,
  findUserById,
  usernamesByIds,
  displayNamesOfActors,
  createUser,
  listUsers,
  setUserDisabled,
  login,
  logout,
  createClient,
  addClient,
  listClients,
  generatePassword,
  type UserView,
  type ClientView,
} from './service.ts';
export { accessRoutes } from './routes.ts';
export { accessAuthenticator } from './authenticator.ts';
export { USER_ROLES, CLIENT_ROLES } from './roles.ts';
export type { UserRole, ClientRole, Role } from './roles.ts';
