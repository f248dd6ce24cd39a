// Public face of the payments module: money the centre pays out to customers (refunds by bank transfer).
import './errors.ts';
export { paymentRoutes } from './routes.ts';
export { registerPaymentInvariants } from './invariants.ts';
export { refundBatchReference } from './refund-batches.ts';
