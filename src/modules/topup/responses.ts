// Success bodies of the topup routes as they travel (JSON): the OpenAPI document describes them, and
// the tests check every answer against them.
import { z } from 'zod';
import { w } from '../../platform/http/wire.ts';

// POST /api/v1/channel/loads
export const postChannelLoadsResponse = z.strictObject({
  loadId: w.uuid,
  status: z.string(),
  mac2: z.string(),
  hostDate: z.string(),
  hostTime: z.string(),
});

// POST /api/v1/channel/loads/:loadId/confirm
export const postChannelLoadsConfirmResponse = z.strictObject({
  loadId: w.uuid,
  status: z.string(),
  balance: w.int,
});

// POST /api/v1/channel/loads/:loadId/reverse
export const postChannelLoadsReverseResponse = z.strictObject({
  loadId: w.uuid,
  status: z.string(),
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
    status: z.string(),
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
