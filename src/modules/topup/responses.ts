// Success bodies of the topup routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

const loadStatus = z.enum(['authorised', 'confirmed', 'reversed']);
const hex4 = z.string().regex(/^[0-9A-F]{8}$/);

// POST /api/v1/channel/loads (ICD §1: MAC2 for the card, the host's date and time)
export const postChannelLoadsResponse = z.strictObject({
  loadId: w.uuid,
  status: z.literal('authorised'),
  mac2: hex4,
  hostDate: z.string().regex(/^\d{8}$/),
  hostTime: z.string().regex(/^\d{6}$/),
});

// POST /api/v1/channel/loads/:loadId/confirm
export const postChannelLoadsConfirmResponse = z.strictObject({
  loadId: w.uuid,
  status: z.literal('confirmed'),
  balance: w.int,
});

// POST /api/v1/channel/loads/:loadId/reverse
export const postChannelLoadsReverseResponse = z.strictObject({
  loadId: w.uuid,
  status: z.literal('reversed'),
});

// GET /api/v1/channel/loads/:loadId
export const getChannelLoadsResponse = z.strictObject({
  load: z.strictObject({
    loadId: w.uuid,
    cardNo: z.string(),
    channel: z.string(),
    bank: z.string(),
    paymentMethod: z.string(),
    bankReference: z.string().nullable(),
    amount: w.int,
    terminalId: z.string(),
    balanceBefore: w.int,
    onlineSeq: w.int,
    hostDate: z.string(),
    hostTime: z.string(),
    status: loadStatus,
    resolution: z.string().nullable(),
    reviewFlag: z.string().nullable(),
    createdAt: w.dateTime,
    updatedAt: w.dateTime,
  }),
  history: z.array(
    z.strictObject({
      at: w.dateTime,
      from: z.string().nullable(),
      to: z.string(),
      actor: z.string(),
      reason: z.string(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});

// GET /api/v1/finance/stuck-loads
export const getFinanceStuckLoadsResponse = z.strictObject({
  minutes: w.int,
  loads: z.array(
    z.strictObject({
      loadId: w.uuid,
      cardNo: z.string(),
      channel: z.string(),
      bank: z.string(),
      paymentMethod: z.string(),
      bankReference: z.string().nullable(),
      amount: w.int,
      terminalId: z.string(),
      balanceBefore: w.int,
      onlineSeq: w.int,
      hostDate: z.string(),
      hostTime: z.string(),
      status: z.string(),
      resolution: z.string().nullable(),
      reviewFlag: z.string().nullable(),
      createdAt: w.dateTime,
      updatedAt: w.dateTime,
    }),
  ),
});
