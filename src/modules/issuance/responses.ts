// Success bodies of the issuance routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// a secure-messaging write with its MAC for the card's challenge
const writeCommand = z.strictObject({ file: z.string(), command: z.string(), mac: z.string(), keyVersion: w.int });

// POST /api/v1/cards/:cardNo/${path}
export const postCardsPathResponse = z.strictObject({
  card: z.strictObject({
    cardNo: z.string(),
    cardType: w.int,
    cardVersion: w.int,
    customerId: w.int,
    vehicleId: w.int,
    accountId: w.int,
    status: w.int,
    statusName: z.string(),
    startDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    replacedBy: z.string().nullable(),
    lastBalance: w.int,
    lastOnlineSeq: w.int,
    lastOfflineSeq: w.int,
    statusChangedAt: w.dateTime,
  }),
});

// POST /api/v1/cards
export const postCardsResponse = z.strictObject({
  card: z.strictObject({
    cardNo: z.string(),
    cardType: w.int,
    cardVersion: w.int,
    customerId: w.int,
    vehicleId: w.int,
    accountId: w.int,
    status: w.int,
    statusName: z.string(),
    startDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    replacedBy: z.string().nullable(),
    lastBalance: w.int,
    lastOnlineSeq: w.int,
    lastOfflineSeq: w.int,
    statusChangedAt: w.dateTime,
  }),
  fee: z.strictObject({
    item: z.string(),
    effectiveFrom: w.date,
    listPrice: w.int,
    price: w.int,
  }),
  personalisation: z.strictObject({
    file0015: z.string(),
    file0016: z.string(),
    writes: z.array(
      z.strictObject({
        file: z.string(),
        command: z.string(),
        mac: z.string(),
        keyVersion: w.int,
      }),
    ),
  }),
});

// GET /api/v1/cards/:cardNo
export const getCardsResponse = z.strictObject({
  card: z.strictObject({
    cardNo: z.string(),
    cardType: w.int,
    cardVersion: w.int,
    customerId: w.int,
    vehicleId: w.int,
    accountId: w.int,
    status: w.int,
    statusName: z.string(),
    startDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    replacedBy: z.string().nullable(),
    lastBalance: w.int,
    lastOnlineSeq: w.int,
    lastOfflineSeq: w.int,
    statusChangedAt: w.dateTime,
  }),
  events: z.array(
    z.strictObject({
      id: w.int,
      at: w.dateTime,
      actor: z.string(),
      action: z.string(),
      fromStatus: w.int.nullable(),
      toStatus: w.int,
      reason: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
  carries: z.array(
    z.strictObject({
      id: w.int,
      fromCard: z.string(),
      toCard: z.string(),
      kind: z.string(),
      amount: w.int.nullable(), // a reissue's carry has no amount until the waiting period ends
      availableAt: w.dateTime,
      status: z.string(),
    }),
  ),
});

// POST /api/v1/cards/:cardNo/file-writes
export const postCardsFileWritesResponse = z.strictObject({ write: writeCommand });

// POST /api/v1/cards/:cardNo/replacement
export const postCardsReplacementResponse = z.strictObject({
  card: z.strictObject({
    cardNo: z.string(),
    cardType: w.int,
    cardVersion: w.int,
    customerId: w.int,
    vehicleId: w.int,
    accountId: w.int,
    status: w.int,
    statusName: z.string(),
    startDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    replacedBy: z.string().nullable(),
    lastBalance: w.int,
    lastOnlineSeq: w.int,
    lastOfflineSeq: w.int,
    statusChangedAt: w.dateTime,
  }),
  fee: z.strictObject({
    item: z.string(),
    effectiveFrom: w.date,
    listPrice: w.int,
    price: w.int,
  }),
  personalisation: z.strictObject({
    file0015: z.string(),
    file0016: z.string(),
    writes: z.array(writeCommand),
  }),
  predecessor: z
    .strictObject({
      cardNo: z.string(),
      cardType: w.int,
      cardVersion: w.int,
      customerId: w.int,
      vehicleId: w.int,
      accountId: w.int,
      status: w.int,
      statusName: z.string(),
      startDate: w.date,
      expiryDate: w.date,
      issuedAt: w.dateTime,
      issuedBy: z.string(),
      replacedBy: z.string().nullable(),
      lastBalance: w.int,
      lastOnlineSeq: w.int,
      lastOfflineSeq: w.int,
      statusChangedAt: w.dateTime,
    })
    .nullable(),
});

// POST /api/v1/cards/:cardNo/reissue
export const postCardsReissueResponse = z.strictObject({
  card: z.strictObject({
    cardNo: z.string(),
    cardType: w.int,
    cardVersion: w.int,
    customerId: w.int,
    vehicleId: w.int,
    accountId: w.int,
    status: w.int,
    statusName: z.string(),
    startDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    replacedBy: z.string().nullable(),
    lastBalance: w.int,
    lastOnlineSeq: w.int,
    lastOfflineSeq: w.int,
    statusChangedAt: w.dateTime,
  }),
  fee: z.strictObject({
    item: z.string(),
    effectiveFrom: w.date,
    listPrice: w.int,
    price: w.int,
  }),
  personalisation: z.strictObject({
    file0015: z.string(),
    file0016: z.string(),
    writes: z.array(writeCommand),
  }),
  predecessor: z
    .strictObject({
      cardNo: z.string(),
      cardType: w.int,
      cardVersion: w.int,
      customerId: w.int,
      vehicleId: w.int,
      accountId: w.int,
      status: w.int,
      statusName: z.string(),
      startDate: w.date,
      expiryDate: w.date,
      issuedAt: w.dateTime,
      issuedBy: z.string(),
      replacedBy: z.string().nullable(),
      lastBalance: w.int,
      lastOnlineSeq: w.int,
      lastOfflineSeq: w.int,
      statusChangedAt: w.dateTime,
    })
    .nullable(),
});

// POST /api/v1/cards/:cardNo/cancellation-requests
export const postCardsCancellationRequestsResponse = z.strictObject({
  request: z.strictObject({
    id: w.int,
    cardNo: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    refundMethod: z.string(),
    refundAmount: w.int.nullable(),
    requestedBy: z.string(),
    requestedAt: w.dateTime,
    decidedBy: z.string().nullable(),
    decidedAt: w.dateTime.nullable(),
    decisionNote: z.string().nullable(),
  }),
});

// GET /api/v1/card-cancellations
export const getCardCancellationsResponse = z.strictObject({
  requests: z.array(
    z.strictObject({
      id: w.int,
      cardNo: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      refundMethod: z.string(),
      refundAmount: w.int.nullable(),
      requestedBy: z.string(),
      requestedAt: w.dateTime,
      decidedBy: z.string().nullable(),
      decidedAt: w.dateTime.nullable(),
      decisionNote: z.string().nullable(),
    }),
  ),
});

// POST /api/v1/card-cancellations/:requestId/${decision}
export const postCardCancellationsDecisionResponse = z.strictObject({
  request: z.strictObject({
    id: w.int,
    cardNo: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    refundMethod: z.string(),
    refundAmount: w.int.nullable(),
    requestedBy: z.string(),
    requestedAt: w.dateTime,
    decidedBy: z.string().nullable(),
    decidedAt: w.dateTime.nullable(),
    decisionNote: z.string().nullable(),
  }),
});

// POST /api/v1/obus/:obuNo/${path}
export const postObusPathResponse = z.strictObject({
  obu: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
});

// POST /api/v1/obus
export const postObusResponse = z.strictObject({
  obu: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
  fee: z.strictObject({
    item: z.string(),
    effectiveFrom: w.date,
    listPrice: w.int,
    price: w.int,
  }),
  personalisation: z.strictObject({
    systemFile: z.string(),
    vehicleFile: z.string(),
    writes: z.array(
      z.strictObject({
        file: z.string(),
        command: z.string(),
        mac: z.string(),
        keyVersion: w.int,
      }),
    ),
  }),
});

// GET /api/v1/obus/:obuNo
export const getObusResponse = z.strictObject({
  obu: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
  events: z.array(
    z.strictObject({
      id: w.int,
      at: w.dateTime,
      actor: z.string(),
      action: z.string(),
      fromStatus: w.int.nullable(),
      toStatus: w.int,
      reason: z.string().nullable(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});

// POST /api/v1/obus/:obuNo/activation
export const postObusActivationResponse = z.strictObject({
  obu: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
  write: z.strictObject({
    file: z.string(),
    command: z.string(),
    mac: z.string(),
    keyVersion: w.int,
  }),
});

// POST /api/v1/obus/:obuNo/tamper-report
export const postObusTamperReportResponse = z.strictObject({
  obu: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
});

// POST /api/v1/obus/:obuNo/replacement
// the new OBU as issued, with the one it replaces
export const postObusReplacementResponse = postObusResponse.extend({
  predecessor: z.strictObject({
    obuNo: z.string(),
    customerId: w.int,
    vehicleId: w.int,
    status: w.int,
    statusName: z.string(),
    contractVersion: w.int,
    signedDate: w.date,
    expiryDate: w.date,
    issuedAt: w.dateTime,
    issuedBy: z.string(),
    activatedAt: w.dateTime.nullable(),
    tamperedAt: w.dateTime.nullable(),
    statusChangedAt: w.dateTime,
  }),
});

// GET /api/v1/fees
export const getFeesResponse = z.strictObject({
  fees: z.array(
    z.strictObject({
      item: z.string(),
      effectiveFrom: w.date,
      listPrice: w.int,
      price: w.int,
      createdBy: z.string(),
      createdAt: w.dateTime,
    }),
  ),
});

// POST /api/v1/fees
export const postFeesResponse = z.strictObject({
  fee: z.strictObject({
    item: z.string(),
    effectiveFrom: w.date,
    listPrice: w.int,
    price: w.int,
    createdBy: z.string(),
    createdAt: w.dateTime,
  }),
});
