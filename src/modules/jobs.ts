// Registers every module's queue processors and returns their schedules.
import type { AppContext } from '../platform/http/context.ts';
import type { Schedule } from '../platform/queue/schedules.ts';
import { registerIssuanceJobs } from './issuance/index.ts';
import { registerTopupJobs } from './topup/index.ts';
import { registerStatuslistJobs } from './statuslist/index.ts';
import { registerLaneJobs } from './lanes/index.ts';
import { registerClearingJobs } from './clearing/index.ts';

export function registerJobs(app: AppContext): Schedule[] {
  return [...registerIssuanceJobs(app), ...registerTopupJobs(app), ...registerStatuslistJobs(app), ...registerLaneJobs(app), ...registerClearingJobs(app)];
}
