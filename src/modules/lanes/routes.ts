// The road network for staff consoles, and tariff administration: new toll versions and own-card
// discount rates, each taking effect on a future day.
import { z } from 'zod';
import { localDate } from '../../platform/clock/clock.ts';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { isoDate, positiveFen, reason } from '../../platform/http/schemas.ts';
import { VEHICLE_CLASSES, listLanes, listOperators, listSections, listStations } from './network.ts';
import { addDiscountRate, addTariffVersion, listDiscountRates, listTariffVersions } from './tariffs.ts';
import {
  getNetworkDiscountsResponse,
  getNetworkResponse,
  getNetworkTariffsResponse,
  postNetworkDiscountsResponse,
  postNetworkTariffsResponse,
} from './responses.ts';

const STAFF = ['clerk', 'supervisor', 'finance', 'admin', 'auditor'] as const;

const vehicleClass = z
  .number()
  .int()
  .refine((c) => (VEHICLE_CLASSES as readonly number[]).includes(c), 'must be a vehicle class (1-4, 11-16, 21-26)');
const tariffBody = z.strictObject({
  effectiveFrom: isoDate,
  reason,
  tolls: z
    .array(z.strictObject({ sectionId: z.string().min(1).max(20), vehicleClass, toll: positiveFen }))
    .min(1)
    .max(5000),
});
const discountBody = z.strictObject({
  effectiveFrom: isoDate,
  // a decimal string, never a float: "5", "5.00", "4.5"
  percent: z
    .string()
    .regex(
      /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/,
      'must be a percentage from 0 to 100 with at most two decimals, as a string',
    ),
  reason,
});

export const networkRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/network',
    tag: 'network',
    roles: STAFF,
    summary:
      'Road operators, stations, lanes, and sections with the tolls per vehicle class in force on a date (default today)',
    query: z.strictObject({ date: isoDate.optional() }),
    response: getNetworkResponse,
    handler: async (ctx, { query }) => {
      const date = query.date ?? localDate(ctx.app.clock.now());
      const [operators, stations, lanes, sections] = await Promise.all([
        listOperators(ctx.db),
        listStations(ctx.db),
        listLanes(ctx.db),
        listSections(ctx.db, date),
      ]);
      return ok({ date, operators, stations, lanes, sections });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/network/tariffs',
    tag: 'network',
    roles: STAFF,
    summary: 'Tariff versions: the days new tolls take effect, how many tolls each set, who added it and why',
    response: getNetworkTariffsResponse,
    handler: async (ctx) => ok({ versions: await listTariffVersions(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/network/tariffs',
    tag: 'network',
    roles: ['admin'],
    status: 201,
    summary:
      'Add a tariff version taking effect on a future day; tolls not listed stay as in force before it (422 tariff-date-passed, 409 tariff-version-exists)',
    body: tariffBody,
    response: postNetworkTariffsResponse,
    handler: async (ctx, { body }) => ok({ version: await addTariffVersion(ctx.db, ctx, body) }, 201),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/network/discounts',
    tag: 'network',
    roles: STAFF,
    summary: 'Own-card discount rates by effective day (amount = fee − round-half-up(fee × percent / 100))',
    response: getNetworkDiscountsResponse,
    handler: async (ctx) => ok({ discounts: await listDiscountRates(ctx.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/network/discounts',
    tag: 'network',
    roles: ['admin'],
    status: 201,
    summary: 'Add an own-card discount rate taking effect on a future day',
    body: discountBody,
    response: postNetworkDiscountsResponse,
    handler: async (ctx, { body }) => ok({ discount: await addDiscountRate(ctx.db, ctx, body) }, 201),
  }),
];
