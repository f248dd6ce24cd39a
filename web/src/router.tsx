// The console's routes. Role menus live in layout.tsx; finance and auditor screens slot in here.
import { createRootRoute, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
import { session } from './api/client.ts';
import { Layout } from './layout.tsx';
import { LoginPage } from './pages/login.tsx';
import { SearchPage } from './pages/search.tsx';
import { CustomerPage } from './pages/customer.tsx';
import { RegisterPage } from './pages/register.tsx';
import { IssuePage } from './pages/issue.tsx';
import { CardPage } from './pages/card.tsx';
import { TillPage } from './pages/till.tsx';
import { ApprovalsPage } from './pages/approvals.tsx';
import { DeliveryPage } from './pages/delivery.tsx';
import { ListsPage } from './pages/lists.tsx';
import { PlaceholderPage } from './pages/placeholder.tsx';
import { financeRoutes } from './pages/finance/routes.tsx';
import { corporateRoutes } from './pages/corporate/routes.tsx';
import { AgeingPage } from './pages/credit/ageing.tsx';
import { PortfolioPage } from './pages/credit/portfolio.tsx';
import { creditRoutes } from './pages/credit/routes.tsx';
import { IntakePage } from './pages/servicedesk/intake.tsx';
import { QueuePage } from './pages/servicedesk/queue.tsx';
import { TicketPage } from './pages/servicedesk/ticket.tsx';
import { RemediesPage } from './pages/servicedesk/remedies.tsx';
import { ReportsPage } from './pages/servicedesk/reports.tsx';
import { CalendarPage } from './pages/servicedesk/calendar.tsx';
import { UnitsPage } from './pages/servicedesk/units.tsx';

const root = createRootRoute({ component: Outlet });

const login = createRoute({ getParentRoute: () => root, path: '/login', component: LoginPage });

const app = createRoute({
  getParentRoute: () => root,
  id: 'app',
  component: Layout,
  beforeLoad: () => {
    if (!session.token()) throw redirect({ to: '/login' });
  },
});

const home = createRoute({
  getParentRoute: () => app,
  path: '/',
  beforeLoad: () => {
    const role = session.user()?.role;
    const to: Record<string, string> = {
      supervisor: '/approvals',
      clerk: '/search',
      finance: '/finance/today',
      auditor: '/audit/log',
      'account-manager': '/portfolio',
      admin: '/servicedesk/calendar',
    };
    throw redirect({ to: to[role ?? ''] ?? '/welcome' });
  },
});
const search = createRoute({ getParentRoute: () => app, path: '/search', component: SearchPage });
const register = createRoute({ getParentRoute: () => app, path: '/customers/new', component: RegisterPage });
const customer = createRoute({ getParentRoute: () => app, path: '/customers/$customerId', component: CustomerPage });
const issue = createRoute({
  getParentRoute: () => app,
  path: '/customers/$customerId/issue/$medium',
  component: IssuePage,
});
const card = createRoute({ getParentRoute: () => app, path: '/cards/$cardNo', component: CardPage });
const till = createRoute({ getParentRoute: () => app, path: '/till', component: TillPage });
const approvals = createRoute({ getParentRoute: () => app, path: '/approvals', component: ApprovalsPage });
const lists = createRoute({ getParentRoute: () => app, path: '/lists', component: ListsPage });
const delivery = createRoute({ getParentRoute: () => app, path: '/delivery', component: DeliveryPage });
const portfolio = createRoute({ getParentRoute: () => app, path: '/portfolio', component: PortfolioPage });
const ageing = createRoute({ getParentRoute: () => app, path: '/credit/ageing', component: AgeingPage });
const sdIntake = createRoute({ getParentRoute: () => app, path: '/servicedesk/new', component: IntakePage });
const sdQueue = createRoute({ getParentRoute: () => app, path: '/servicedesk/tickets', component: QueuePage });
const sdTicket = createRoute({
  getParentRoute: () => app,
  path: '/servicedesk/tickets/$ticketId',
  component: TicketPage,
});
const sdRemedies = createRoute({ getParentRoute: () => app, path: '/servicedesk/remedies', component: RemediesPage });
const sdReports = createRoute({ getParentRoute: () => app, path: '/servicedesk/reports', component: ReportsPage });
const sdCalendar = createRoute({ getParentRoute: () => app, path: '/servicedesk/calendar', component: CalendarPage });
const sdUnits = createRoute({ getParentRoute: () => app, path: '/servicedesk/units', component: UnitsPage });
const welcome = createRoute({ getParentRoute: () => app, path: '/welcome', component: PlaceholderPage });

const tree = root.addChildren([
  login,
  app.addChildren([
    home,
    search,
    register,
    customer,
    issue,
    card,
    till,
    approvals,
    lists,
    delivery,
    welcome,
    ...financeRoutes(app),
    ...corporateRoutes(() => app),
    portfolio,
    ageing,
    ...creditRoutes(() => app),
    sdIntake,
    sdQueue,
    sdTicket,
    sdRemedies,
    sdReports,
    sdCalendar,
    sdUnits,
  ]),
]);

export const router = createRouter({ routeTree: tree });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
