// Public face of the finance module.
import './errors.ts';
export {
  raiseExceptions,
  listExceptions,
  resolveException,
  assignException,
  type ExceptionKind,
  type FinanceException,
} from './exceptions.ts';
export { financeRoutes } from './routes.ts';
