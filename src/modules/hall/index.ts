// Public face of the hall module: the service-hall console's composed reads.
export { hallRoutes, cardHistoryResponse, cardHistoryItem, tillResponse, approvalsResponse } from './routes.ts';
export { cardHistory } from './card-history.ts';
export { approvalsQueue, type Approval } from './approvals.ts';
