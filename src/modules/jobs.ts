// Registers every module's queue processors and returns their schedules.
import type { AppContext } from '../platform/http/context.ts';
import type { Schedule } from '../platform/queue/schedules.ts';
import { registerIssuanceJobs } from './issuance/index.ts';
import { registerTopupJobs } from './topup/index.ts';

export function registerJobs(app: AppContext): Schedule[] {
  return [...registerIssuanceJobs(app), ...registerTopupJobs(app)];
}
