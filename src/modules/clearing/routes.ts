// Clearing days for finance: the day's state, its steps and what each operator is owed; and running
// a day by hand (the same idempotent run the daily job does).
import { z } from 'zod';
import { actorLabel } from '../../platform/http/context.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { clearDay, daySummary } from './run-day.ts';
import { getClearingDaysResponse, postClearingDaysRunResponse } from './responses.ts';

const dayParams = z.strictObject({ date: isoDate });

export const clearingRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/clearing/days/:date',
    tag: 'clearing',
    roles: ['finance', 'supervisor', 'admin', 'auditor'],
    summary:
      'A clearing day: open or sealed, the steps done, and per road operator the transactions and amount split to it',
    params: dayParams,
    response: getClearingDaysResponse,
    handler: async (ctx, { params }) => ok({ day: await daySummary(ctx.db, params.date) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/clearing/days/:date/run',
    tag: 'clearing',
    roles: ['finance', 'admin'],
    summary:
      'Run the clearing of a day that is over (seal, own-card split and payables, packages to other provinces, their confirmed money split, settlement, payouts, mirror check); steps done are left as they are; `pending` names what the day waits for (409 clearing-day-not-over for today or later)',
    params: dayParams,
    response: postClearingDaysRunResponse,
    handler: async (ctx, { params }) => {
      const { done, pending } = await clearDay(
        { app: ctx.app, now: ctx.app.clock.now(), actor: actorLabel(ctx.actor) },
        params.date,
      );
      return ok({ done, pending, day: await daySummary(ctx.db, params.date) });
    },
  }),
];
