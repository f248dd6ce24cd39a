// Public face of the portfolio module: account managers' customers and visit log.
import './errors.ts';
export {
  assertInPortfolio,
  providePoolFacts,
  SEGMENTS,
  type PoolFacts,
  type PoolFactsProvider,
  type Segment,
} from './portfolio.ts';
export { portfolioRoutes } from './routes.ts';
