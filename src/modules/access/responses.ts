// Success bodies of the access routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { CLIENT_ROLES, USER_ROLES } from './roles.ts';
import { w } from '../../platform/http/wire.ts';

export const userResponse = z.strictObject({
  id: w.int,
  username: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  // locked after too many failed logins; must change the password after an administrator's reset
  locked: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: w.dateTime,
});
// a machine client's row: never its secret
const client = z.strictObject({
  id: z.string(),
  role: z.enum(CLIENT_ROLES),
  disabled: z.boolean(),
  createdAt: w.dateTime,
});

// POST /api/v1/sessions
export const postSessionsResponse = z.strictObject({ token: z.string(), expiresAt: w.dateTime, user: userResponse });

// GET /api/v1/me
export const getMeResponse = z.strictObject({
  kind: z.enum(['user', 'client']),
  id: z.string(),
  role: z.enum([...USER_ROLES, ...CLIENT_ROLES]),
  username: z.string().optional(),
  mustChangePassword: z.boolean().optional(),
});

// GET /api/v1/users
export const getUsersResponse = z.strictObject({ users: z.array(userResponse) });

// POST /api/v1/users: the generated password, shown once
export const postUsersResponse = z.strictObject({ user: userResponse, password: z.string() });

// POST /api/v1/users/:userId/disable, /enable
export const postUsersDisableResponse = z.strictObject({ user: userResponse });
export const postUsersEnableResponse = postUsersDisableResponse;

// GET /api/v1/clients
export const getClientsResponse = z.strictObject({ clients: z.array(client) });

// POST /api/v1/clients: the HMAC secret, shown once
export const postClientsResponse = z.strictObject({ client, secret: z.string() });
