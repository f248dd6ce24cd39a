// Console reads of issuance: a customer's cards and OBUs with status, vehicle and purse balance.
import { z } from 'zod';
import { defineRoute, ok, type RouteDef } from '../../platform/http/route.ts';
import { dateOut, idOut, idParam, instantOut, fenOut, limit, offset, pageOut } from '../../platform/http/schemas.ts';
import { getCustomer, vehiclesOf } from '../customers/index.ts';
import { mediaOfCustomer } from './console-reads.ts';

// hall reads are for staff; a bank branch has its own channel
const HALL_READ = ['clerk', 'supervisor', 'auditor'] as const;

export const mediumOut = z.strictObject({
  kind: z.enum(['card', 'obu']),
  number: z.string(),
  // 22 stored-value, 23 debit-account; null for an OBU
  cardType: z.union([z.literal(22), z.literal(23)]).nullable(),
  status: z.number().int(),
  statusName: z.string(),
  vehicle: z.strictObject({ id: idOut, plate: z.string(), plateColor: z.number().int() }),
  accountId: idOut.nullable(),
  purseBalance: fenOut.nullable(),
  issuedAt: instantOut,
  statusChangedAt: instantOut,
  expiryDate: dateOut,
  activatedAt: instantOut.nullable(),
  replacedBy: z.string().nullable(),
});

export const mediaResponse = z.strictObject({
  customerId: idOut,
  media: z.array(mediumOut),
  page: pageOut,
});

export const issuanceConsoleRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/customers/:customerId/media',
    tag: 'cards',
    roles: HALL_READ,
    summary:
      "A customer's cards and OBUs, newest first: number, kind, card type, status, vehicle, account, purse balance",
    params: z.strictObject({ customerId: idParam }),
    query: z.strictObject({ limit, offset }),
    response: mediaResponse,
    handler: async (ctx, { params, query }) => {
      await getCustomer(ctx.db, params.customerId);
      const { media, hasMore } = await mediaOfCustomer(ctx.db, params.customerId, query.limit, query.offset);
      const vehicles = await vehiclesOf(ctx.db, params.customerId);
      const byId = new Map(vehicles.map((v) => [String(v.id), v]));
      return ok({
        customerId: params.customerId,
        media: media.map(({ vehicleId, ...m }) => {
          const v = byId.get(String(vehicleId))!;
          return { ...m, vehicle: { id: vehicleId, plate: v.plate, plateColor: v.plateColor } };
        }),
        page: { limit: query.limit, offset: query.offset, hasMore },
      });
    },
  }),
];
