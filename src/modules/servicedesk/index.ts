// Public face of the service desk: complaint tickets, their SLA clocks, work orders and remedies.
import './errors.ts';
export { servicedeskRoutes } from './routes.ts';
export { registerServicedeskJobs, SWEEP_ESCALATIONS, recomputeAfterCalendarChange } from './jobs.ts';
export { RECOMPUTE_CLOCKS } from './calendar.ts';
export { registerRemedyInvariants, REMEDY_APPROVAL_THRESHOLD_FEN, COMPLAINT_REMEDIES } from './remedies.ts';
export { sweepEscalations } from './escalation.ts';
export { recomputeOpenClocks } from './clocks.ts';
export { deadline, elapsedMinutes, isWorkingDay } from './clock-math.ts';
