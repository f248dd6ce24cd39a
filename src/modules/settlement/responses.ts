// Success bodies of the settlement routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// GET /api/v1/settlements
export const getSettlementsResponse = z.strictObject({
  settlements: z.array(
    z.strictObject({
      clearingDate: w.date,
      network: z.string(),
      state: z.string(),
      packagesOut: w.int,
      confirmedCount: w.int,
      confirmedAmount: w.int,
      disputePaidOut: w.int,
      packagesIn: w.int,
      acceptedCount: w.int,
      acceptedAmount: w.int,
      disputePaidIn: w.int,
      receivable: w.int,
      payable: w.int,
      net: w.int,
      createdAt: w.dateTime,
      approvedAt: w.dateTime.nullable(),
      approvedBy: z.string().nullable(),
      settledAt: w.dateTime.nullable(),
      settledBy: z.string().nullable(),
      bankReference: z.string().nullable(),
    }),
  ),
  totals: z.strictObject({
    count: w.int,
    receivable: w.int,
    payable: w.int,
    net: w.int,
    byState: z.strictObject({
      draft: w.int,
      approved: w.int,
      settled: w.int,
    }),
  }),
});

// GET /api/v1/settlements/:date/:network
export const getSettlementsByDateNetworkResponse = z.strictObject({
  settlement: z.strictObject({
    clearingDate: w.date,
    network: z.string(),
    state: z.string(),
    packagesOut: w.int,
    confirmedCount: w.int,
    confirmedAmount: w.int,
    disputePaidOut: w.int,
    packagesIn: w.int,
    acceptedCount: w.int,
    acceptedAmount: w.int,
    disputePaidIn: w.int,
    receivable: w.int,
    payable: w.int,
    net: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    settledAt: w.dateTime.nullable(),
    settledBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
});

// POST /api/v1/settlements/:date/:network/approve
export const postSettlementsApproveResponse = z.strictObject({
  settlement: z.strictObject({
    clearingDate: w.date,
    network: z.string(),
    state: z.string(),
    packagesOut: w.int,
    confirmedCount: w.int,
    confirmedAmount: w.int,
    disputePaidOut: w.int,
    packagesIn: w.int,
    acceptedCount: w.int,
    acceptedAmount: w.int,
    disputePaidIn: w.int,
    receivable: w.int,
    payable: w.int,
    net: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    settledAt: w.dateTime.nullable(),
    settledBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
});

// POST /api/v1/settlements/:date/:network/settle
export const postSettlementsSettleResponse = z.strictObject({
  settlement: z.strictObject({
    clearingDate: w.date,
    network: z.string(),
    state: z.string(),
    packagesOut: w.int,
    confirmedCount: w.int,
    confirmedAmount: w.int,
    disputePaidOut: w.int,
    packagesIn: w.int,
    acceptedCount: w.int,
    acceptedAmount: w.int,
    disputePaidIn: w.int,
    receivable: w.int,
    payable: w.int,
    net: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    settledAt: w.dateTime.nullable(),
    settledBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
  entryId: w.int.nullable(),
});

// GET /api/v1/payouts
export const getPayoutsResponse = z.strictObject({
  payouts: z.array(
    z.strictObject({
      clearingDate: w.date,
      operatorId: z.string(),
      state: z.string(),
      transactions: w.int,
      amount: w.int,
      ownAmount: w.int,
      interchangeAmount: w.int,
      createdAt: w.dateTime,
      approvedAt: w.dateTime.nullable(),
      approvedBy: z.string().nullable(),
      paidAt: w.dateTime.nullable(),
      paidBy: z.string().nullable(),
      bankReference: z.string().nullable(),
    }),
  ),
  totals: z.strictObject({
    count: w.int,
    transactions: w.int,
    amount: w.int,
    ownAmount: w.int,
    interchangeAmount: w.int,
    byState: z.strictObject({
      draft: w.int,
      approved: w.int,
      paid: w.int,
    }),
  }),
});

// GET /api/v1/payouts/:date/:operatorId
export const getPayoutsByDateOperatorIdResponse = z.strictObject({
  payout: z.strictObject({
    clearingDate: w.date,
    operatorId: z.string(),
    state: z.string(),
    transactions: w.int,
    amount: w.int,
    ownAmount: w.int,
    interchangeAmount: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    paidAt: w.dateTime.nullable(),
    paidBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
  lines: z.array(
    z.strictObject({
      source: z.string(),
      transactions: w.int,
      amount: w.int,
    }),
  ),
});

// POST /api/v1/payouts/:date/:operatorId/approve
export const postPayoutsApproveResponse = z.strictObject({
  payout: z.strictObject({
    clearingDate: w.date,
    operatorId: z.string(),
    state: z.string(),
    transactions: w.int,
    amount: w.int,
    ownAmount: w.int,
    interchangeAmount: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    paidAt: w.dateTime.nullable(),
    paidBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
});

// POST /api/v1/payouts/:date/:operatorId/pay
export const postPayoutsPayResponse = z.strictObject({
  payout: z.strictObject({
    clearingDate: w.date,
    operatorId: z.string(),
    state: z.string(),
    transactions: w.int,
    amount: w.int,
    ownAmount: w.int,
    interchangeAmount: w.int,
    createdAt: w.dateTime,
    approvedAt: w.dateTime.nullable(),
    approvedBy: z.string().nullable(),
    paidAt: w.dateTime.nullable(),
    paidBy: z.string().nullable(),
    bankReference: z.string().nullable(),
  }),
  entryId: w.int.nullable(),
});

// POST /api/v1/bank-statements
export const postBankStatementsResponse = z.strictObject({
  duplicate: z.boolean(),
  import: z.strictObject({
    id: w.int,
    fileName: z.string(),
    sha256: z.string(),
    importedAt: w.dateTime,
    importedBy: z.string(),
    lineCount: w.int,
    firstValueDate: w.date,
    lastValueDate: w.date,
    outcomes: z.strictObject({
      matched: w.int,
      amountMismatch: w.int,
      extra: w.int,
      pending: w.int,
    }),
  }),
  reconciliation: z
    .strictObject({
      matched: w.int,
      amountMismatch: w.int,
      extra: w.int,
      missing: w.int,
      found: w.int,
      exceptions: w.int,
    })
    .nullable(),
});

// GET /api/v1/bank-statements
export const getBankStatementsResponse = z.strictObject({
  imports: z.array(
    z.strictObject({
      id: w.int,
      fileName: z.string(),
      sha256: z.string(),
      importedAt: w.dateTime,
      importedBy: z.string(),
      lineCount: w.int,
      firstValueDate: w.date,
      lastValueDate: w.date,
      outcomes: z.strictObject({
        matched: w.int,
        amountMismatch: w.int,
        extra: w.int,
        pending: w.int,
      }),
    }),
  ),
});

// GET /api/v1/bank-statements/:statementId
export const getBankStatementsByStatementIdResponse = z.strictObject({
  import: z.strictObject({
    id: w.int,
    fileName: z.string(),
    sha256: z.string(),
    importedAt: w.dateTime,
    importedBy: z.string(),
    lineCount: w.int,
    firstValueDate: w.date,
    lastValueDate: w.date,
    outcomes: z.strictObject({
      matched: w.int,
      amountMismatch: w.int,
      extra: w.int,
      pending: w.int,
    }),
  }),
  lines: z.array(
    z.strictObject({
      id: w.int,
      outcome: z.string(),
      kind: z.string().nullable(),
      key: z.string().nullable(),
      expectedAmount: w.int.nullable(),
      actualAmount: w.int.nullable(),
      reconciledAt: w.dateTime,
      exception: z
        .strictObject({
          kind: z.string().nullable(),
          reference: z.string(),
        })
        .nullable(),
      line: z
        .strictObject({
          id: w.int,
          importId: w.int,
          lineNo: w.int,
          valueDate: w.date,
          amount: w.int,
          counterparty: z.string(),
          bankReference: z.string().nullable(),
          reference: z.string(),
        })
        .nullable(),
    }),
  ),
});

// GET /api/v1/reconciliation
export const getReconciliationResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      id: w.int,
      outcome: z.string(),
      kind: z.string().nullable(),
      key: z.string().nullable(),
      expectedAmount: w.int.nullable(),
      actualAmount: w.int.nullable(),
      reconciledAt: w.dateTime,
      exception: z
        .strictObject({
          kind: z.string().nullable(),
          reference: z.string(),
        })
        .nullable(),
      line: z
        .strictObject({
          id: w.int,
          importId: w.int,
          lineNo: w.int,
          valueDate: w.date,
          amount: w.int,
          counterparty: z.string(),
          bankReference: z.string().nullable(),
          reference: z.string(),
        })
        .nullable(),
    }),
  ),
});

// POST /api/v1/reconciliation/run
export const postReconciliationRunResponse = z.strictObject({
  reconciliation: z
    .strictObject({
      matched: w.int,
      amountMismatch: w.int,
      extra: w.int,
      missing: w.int,
      found: w.int,
      exceptions: w.int,
    })
    .nullable(),
});
