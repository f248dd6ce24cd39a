// The console's composed reads (card history, till, approvals) as their response schemas declare them.
import type { z } from 'zod';
import type { approvalsResponse, cardHistoryResponse, tillResponse } from '@server/modules/hall/routes.ts';

export type CardHistory = z.infer<typeof cardHistoryResponse>;
export type CardHistoryItem = CardHistory['items'][number];
export type Till = z.infer<typeof tillResponse>;
export type Approvals = z.infer<typeof approvalsResponse>;
export type Approval = Approvals['approvals'][number];
