// Public face of the access module (staff users, machine clients, sessions).
export { findUser, type UserView } from './service.ts';
