// Public face of the finance module.
import './errors.ts';
export {
  raiseExceptions,
  listExceptions,
  resolveException,
  type ExceptionKind,
  type FinanceException,
} from './exceptions.ts';
export { financeRoutes } from './routes.ts';
