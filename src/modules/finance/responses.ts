// Success bodies of the finance routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// GET /api/v1/finance/exceptions
export const getFinanceExceptionsResponse = z.strictObject({
  exceptions: z.array(
    z.strictObject({
      id: w.int,
      kind: z.string(),
      reference: z.string(),
      source: z.string(),
      amount: w.int.nullable(),
      detail: z.record(z.string(), z.unknown()),
      status: z.string(),
      owner: z.string(),
      raisedAt: w.dateTime,
      resolvedBy: z.string().nullable(),
      resolvedAt: w.dateTime.nullable(),
      note: z.string().nullable(),
    }),
  ),
});

// POST /api/v1/finance/exceptions/:exceptionId/resolve
export const postFinanceExceptionsResolveResponse = z.strictObject({
  exception: z.strictObject({
    id: w.int,
    kind: z.string(),
    reference: z.string(),
    source: z.string(),
    amount: w.int.nullable(),
    detail: z.record(z.string(), z.unknown()),
    status: z.string(),
    owner: z.string(),
    raisedAt: w.dateTime,
    resolvedBy: z.string().nullable(),
    resolvedAt: w.dateTime.nullable(),
    note: z.string().nullable(),
  }),
});
