// Pieces of response schemas: answers as they travel in JSON. Amounts and ids are bigint in code and
// JSON integers on the wire (json.ts), times are ISO 8601 strings, days YYYY-MM-DD.
import { z } from 'zod';

export const w = {
  int: z.number().int(),
  dateTime: z.iso.datetime({ offset: true }),
  date: z.iso.date(),
  uuid: z.uuid(),
};
