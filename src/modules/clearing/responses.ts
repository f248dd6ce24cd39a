// Success bodies of the clearing routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// a clearing day with the steps done so far and each operator's totals
const clearingDay = z.strictObject({
  date: w.date,
  state: z.string(),
  sealedAt: w.dateTime.nullable(), // null until the day is sealed (or for a day never opened)
  steps: z.array(
    z.strictObject({
      step: z.string(),
      doneAt: w.dateTime,
      actor: z.string(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
  operators: z.array(
    z.strictObject({
      operatorId: z.string(),
      source: z.string(),
      transactions: w.int,
      amount: w.int,
    }),
  ),
});

// GET /api/v1/clearing/days/:date
export const getClearingDaysResponse = z.strictObject({
  day: clearingDay,
});

// POST /api/v1/clearing/days/:date/run
export const postClearingDaysRunResponse = z.strictObject({
  done: z.array(z.string()),
  pending: z
    .strictObject({
      step: z.string(),
      reasons: z.array(z.string()),
    })
    .nullable(),
  day: clearingDay,
});
