// Public face of the finance module.
import './errors.ts';
export {
  raiseExceptions,
  listExceptions,
  resolveException,
  assignException,
  resolveExceptionByReference,
  type ExceptionKind,
  type FinanceException,
} from './exceptions.ts';
export { financeRoutes } from './routes.ts';
export { openExceptionAges, type ExceptionAges } from './report-reads.ts';
