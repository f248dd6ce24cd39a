// Public face of the exports module (personal-data exports with four-eyes approval).
import './errors.ts';
export { exportRoutes } from './routes.ts';
export { EXPORT_TTL_MS, type ExportRequest } from './requests.ts';
