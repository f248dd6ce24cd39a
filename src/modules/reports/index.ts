// Public face of the reports module: finance's read model (Today, the reports, the clearing days list).
import './errors.ts';
export { reportsRoutes } from './routes.ts';
export { REPORT_NAMES, type ReportName } from './catalogue.ts';
