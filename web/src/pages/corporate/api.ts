// The corporate screens' API shapes, from the service's own declarations (type-only).
import type { ImportSummary } from '@server/modules/corporate/transfers.ts';
import type { StatementLine } from '@server/modules/corporate/suspense.ts';
import type { AllocationBatch, VehicleAllocation } from '@server/modules/corporate/allocations.ts';
import type { PaymentReference } from '@server/modules/corporate/payment-references.ts';
import type { ReplenishmentRule } from '@server/modules/corporate/replenishment.ts';
import type { Json } from '../../api/json.ts';

export type Import = Json<ImportSummary>;
export type Line = Json<StatementLine>;
export type Lines = { lines: Line[]; page: { limit: number; offset: number; hasMore: boolean } };
export type Batch = Json<AllocationBatch>;
export type Reference = Json<PaymentReference>;
export type Rule = Json<ReplenishmentRule>;
export type Pool = {
  customerId: number;
  customerName: string;
  accountId: number;
  pool: number;
  allocated: number;
  vehicles: Array<Json<VehicleAllocation>>;
};
export const STATUSES = ['matched', 'suspense', 'assigned', 'returned', 'claimed', 'outgoing'] as const;
