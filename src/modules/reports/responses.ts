// Success bodies of the reports routes as they travel (JSON): amounts integer fen, days YYYY-MM-DD.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

const figure = { count: w.int, amount: w.int };

const day = z.strictObject({
  date: w.date,
  // 'load' channels: counter:<cash|pos|bank-account>, bank:<bank>, allocation, carry-over,
  // reauthorisation; 'deposit' channels: deposit:<cash|pos>
  channels: z.array(z.strictObject({ kind: z.enum(['load', 'deposit']), channel: z.string(), ...figure })),
  loads: z.strictObject(figure),
  deposits: z.strictObject(figure),
  revenueByOperator: z.array(z.strictObject({ operatorId: z.string(), name: z.string().nullable(), ...figure })),
  revenueBySource: z.array(z.strictObject({ source: z.string(), ...figure })),
  revenue: z.strictObject(figure),
  traffic: z.array(z.strictObject({ origin: z.string(), source: z.string(), ...figure })),
  float: z.strictObject({ purse: w.int, inFlight: w.int, carry: w.int, accounts: w.int }),
  provinces: z.array(z.strictObject({ network: z.string(), receivable: w.int, payable: w.int, net: w.int })),
});

export const exceptionAges = z.strictObject({
  kind: z.string(),
  under1d: w.int,
  d1to3: w.int,
  d3to7: w.int,
  over7d: w.int,
  total: w.int,
  amount: w.int,
});

// GET /api/v1/reports/today
export const todayResponse = z.strictObject({
  date: w.date,
  days: z.array(day), // the date, then the day before
  exceptions: z.array(exceptionAges),
  series: z.strictObject({
    dates: z.array(w.date),
    operators: z.array(
      z.strictObject({ operatorId: z.string(), name: z.string().nullable(), amounts: z.array(w.int) }),
    ),
    sources: z.array(z.strictObject({ source: z.string(), amounts: z.array(w.int) })),
  }),
});

// GET /api/v1/reports/:report
export const reportResponse = z.strictObject({
  report: z.string(),
  from: w.date,
  to: w.date,
  columns: z.array(z.strictObject({ key: z.string(), kind: z.enum(['text', 'count', 'money', 'level']) })),
  rows: z.array(z.record(z.string(), z.union([z.string(), w.int, z.null()]))),
  totals: z.record(z.string(), w.int),
});

// GET /api/v1/reports
export const reportListResponse = z.strictObject({
  reports: z.array(
    z.strictObject({ report: z.string(), columns: z.array(z.strictObject({ key: z.string(), kind: z.string() })) }),
  ),
});

// GET /api/v1/clearing/days
export const clearingDayListResponse = z.strictObject({
  days: z.array(
    z.strictObject({
      date: w.date,
      state: z.string(),
      sealedAt: w.dateTime.nullable(),
      phase: z.enum(['open', 'running', 'waiting', 'cleared']),
      stepsDone: w.int,
      stepsTotal: w.int,
      nextStep: z.string().nullable(),
      lastDoneAt: w.dateTime.nullable(),
      waitingFor: z.strictObject({ step: z.string(), reasons: z.array(z.string()), since: w.dateTime }).nullable(),
      mirror: z.strictObject({ compared: w.int, mismatches: w.int, notAsked: z.array(z.string()) }).nullable(),
    }),
  ),
});
