// Public face of the audit module: reading the audit trail (writing it is platform/audit).
export { auditPage, auditRows, type AuditFilter, type AuditEntryView } from './query.ts';
export { auditRoutes } from './routes.ts';
