// The roles: people log in (bearer sessions), machines sign their requests. The platform knows only
// that a route lists role names; the names and which are machines are the access module's.
import { registerRoles } from '../../platform/http/context.ts';

export const USER_ROLES = ['clerk', 'supervisor', 'finance', 'admin', 'auditor', 'account-manager'] as const;
export const CLIENT_ROLES = ['bank', 'lane', 'province', 'hotline'] as const;

type UserRoles = { [R in (typeof USER_ROLES)[number]]: 'user' };
type ClientRoles = { [R in (typeof CLIENT_ROLES)[number]]: 'client' };
declare module '../../platform/http/context.ts' {
  interface Roles extends UserRoles, ClientRoles {}
}

registerRoles({
  ...Object.fromEntries(USER_ROLES.map((r) => [r, 'user' as const])),
  ...Object.fromEntries(CLIENT_ROLES.map((r) => [r, 'client' as const])),
});

export type { Role, UserRole, ClientRole } from '../../platform/http/context.ts';
