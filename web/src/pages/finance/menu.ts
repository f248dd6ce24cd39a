// The finance and auditor menus (the layout shows them by role). Auditors read what finance does,
// with no action offered (the screens check the role; the service refuses anyway).
import type { MenuItem } from '../../layout.tsx';

export const FINANCE_MENU: MenuItem[] = [
  { path: '/finance/today', label: 'finance.menu.today', key: 'F2' },
  { path: '/finance/clearing', label: 'finance.menu.clearing', key: 'F3' },
  { path: '/finance/clearing-days', label: 'finance.menu.clearingDays' },
  { path: '/finance/exceptions', label: 'finance.menu.exceptions', key: 'F4' },
  { path: '/finance/disputes', label: 'finance.menu.disputes' },
  { path: '/finance/settlements', label: 'finance.menu.settlements', key: 'F5' },
  { path: '/finance/statements', label: 'finance.menu.statements' },
  { path: '/finance/refunds', label: 'finance.menu.refunds' },
  { path: '/finance/cash', label: 'finance.menu.cash' },
  { path: '/finance/reports', label: 'finance.menu.reports', key: 'F9' },
];

export const AUDITOR_MENU: MenuItem[] = [
  { path: '/audit/log', label: 'finance.menu.auditLog', key: 'F2' },
  { path: '/finance/clearing', label: 'finance.menu.clearing' },
  { path: '/finance/clearing-days', label: 'finance.menu.clearingDays' },
  { path: '/finance/exceptions', label: 'finance.menu.exceptions' },
  { path: '/finance/disputes', label: 'finance.menu.disputes' },
  { path: '/finance/settlements', label: 'finance.menu.settlements' },
  { path: '/finance/statements', label: 'finance.menu.statements' },
  { path: '/finance/refunds', label: 'finance.menu.refunds' },
  { path: '/finance/cash', label: 'finance.menu.cash' },
  { path: '/finance/reports', label: 'finance.menu.reports', key: 'F9' },
];
