// Read-only views of the road network for staff consoles (tariff administration comes with
// lane transactions).
import { z } from 'zod';
import { localDate } from '../../platform/clock/clock.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { listLanes, listOperators, listSections, listStations } from './network.ts';

const STAFF = ['clerk', 'supervisor', 'finance', 'admin', 'auditor'] as const;

export const networkRoutes: RouteDef[] = [
  defineRoute({
    method: 'get', path: '/api/v1/network', tag: 'network', roles: STAFF,
    summary: 'Road operators, stations, lanes, and sections with the tolls per vehicle class in force on a date (default today)',
    query: z.strictObject({ date: isoDate.optional() }),
    handler: async (ctx, { query }) => {
      const date = query.date ?? localDate(ctx.app.clock.now());
      const [operators, stations, lanes, sections] = await Promise.all([listOperators(ctx.db), listStations(ctx.db), listLanes(ctx.db), listSections(ctx.db, date)]);
      return ok({ date, operators, stations, lanes, sections });
    },
  }),
];
