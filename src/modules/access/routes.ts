// Logging in and out; administering users and machine clients.
import { z } from 'zod';
import { CLIENT_ROLES, USER_ROLES } from './roles.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { idParam, plainText } from '../../platform/http/schemas.ts';
import { addClient, createUser, listClients, listUsers, login, logout, setUserDisabled } from './service.ts';
import {
  getClientsResponse,
  getMeResponse,
  getUsersResponse,
  postClientsResponse,
  postSessionsResponse,
  postUsersDisableResponse,
  postUsersEnableResponse,
  postUsersResponse,
  userResponse,
} from './responses.ts';
import { changePassword, resetPassword, unlockUser } from './passwords.ts';

const PEOPLE = USER_ROLES;

export const accessRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/sessions',
    tag: 'access',
    roles: 'public',
    status: 201,
    summary: 'Log in with username and password; returns a bearer token that expires',
    body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }),
    response: postSessionsResponse,
    handler: async (ctx, { body }) => {
      const s = await login(ctx.db, ctx.app.clock, ctx.app.config, body.username, body.password, ctx);
      return ok({ token: s.token, expiresAt: s.expiresAt, user: s.user }, 201);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/sessions/current',
    tag: 'access',
    roles: PEOPLE,
    status: 204,
    summary: 'Log out: revoke the current session',
    beforePasswordChange: true,
    noContent: true,
    handler: async (ctx) => {
      // the router has authenticated this bearer token already; revoke exactly it
      return { status: 204, body: await logout(ctx.db, ctx, ctx.bearerToken ?? '') };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me',
    tag: 'access',
    roles: [...USER_ROLES, ...CLIENT_ROLES],
    summary: 'Who am I: the authenticated user or client and its role',
    beforePasswordChange: true,
    response: getMeResponse,
    handler: async (ctx) =>
      ok({
        kind: ctx.actor.kind,
        id: ctx.actor.id,
        role: ctx.actor.role,
        ...(ctx.actor.kind === 'user'
          ? { username: ctx.actor.username, mustChangePassword: ctx.actor.mustChangePassword === true }
          : {}),
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/me/password',
    tag: 'access',
    roles: PEOPLE,
    summary: `Change my password (at least 10 characters, not containing the username, not the current one); my other sessions end`,
    beforePasswordChange: true,
    body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }),
    response: z.object({ user: userResponse, sessionsEnded: z.number().int() }),
    handler: async (ctx, { body }) => ok(await changePassword(ctx.db, ctx, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/users',
    tag: 'access',
    roles: ['admin', 'auditor'],
    summary: 'List users',
    response: getUsersResponse,
    handler: async (ctx) => ok({ users: await listUsers(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users',
    tag: 'access',
    roles: ['admin'],
    status: 201,
    summary: 'Create a user; the generated password is returned once',
    body: z.strictObject({
      username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/),
      displayName: plainText(100),
      role: z.enum(USER_ROLES),
    }),
    response: postUsersResponse,
    handler: async (ctx, { body }) => {
      const { user, password } = await createUser(ctx.db, ctx, body);
      return ok({ user, password }, 201);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:userId/disable',
    tag: 'access',
    roles: ['admin'],
    summary: 'Disable a user and revoke their sessions',
    params: z.strictObject({ userId: idParam }),
    response: postUsersDisableResponse,
    handler: async (ctx, { params }) => ok({ user: await setUserDisabled(ctx.db, ctx, params.userId, true) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:userId/enable',
    tag: 'access',
    roles: ['admin'],
    summary: 'Enable a disabled user',
    params: z.strictObject({ userId: idParam }),
    response: postUsersEnableResponse,
    handler: async (ctx, { params }) => ok({ user: await setUserDisabled(ctx.db, ctx, params.userId, false) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:userId/password-reset',
    tag: 'access',
    roles: ['admin'],
    summary:
      "Reset a user's password: a one-time password, returned once, that must be changed at the next login; ends their sessions and lifts a lock",
    params: z.strictObject({ userId: idParam }),
    response: z.object({ user: userResponse, password: z.string() }),
    handler: async (ctx, { params }) => ok(await resetPassword(ctx.db, ctx, params.userId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/users/:userId/unlock',
    tag: 'access',
    roles: ['supervisor', 'admin'],
    summary: 'Unlock a user locked after too many failed logins (an administrator only by an administrator)',
    params: z.strictObject({ userId: idParam }),
    response: z.object({ user: userResponse }),
    handler: async (ctx, { params }) => ok({ user: await unlockUser(ctx.db, ctx, params.userId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/clients',
    tag: 'access',
    roles: ['admin', 'auditor'],
    summary: 'List machine clients (banks, lanes, provinces); secrets are never shown',
    response: getClientsResponse,
    handler: async (ctx) => ok({ clients: await listClients(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/clients',
    tag: 'access',
    roles: ['admin'],
    status: 201,
    summary: 'Create a machine client; its HMAC secret is returned once',
    body: z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), role: z.enum(CLIENT_ROLES) }),
    response: postClientsResponse,
    handler: async (ctx, { body }) => {
      const { client, secret } = await addClient(ctx.db, ctx.app.keys.hsm, ctx, body);
      return ok({ client, secret }, 201);
    },
  }),
];
