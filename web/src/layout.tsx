// The frame every signed-in screen sits in: a menu by role, the user, the language switch, and the
// function-key bar. Each area (hall, finance, audit, corporate, service desk) adds its entries by role.
import { Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { Button, Layout as AntLayout, Menu, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, session } from './api/client.ts';
import { useFKeyList, useFKeys, type FAction } from './fkeys.tsx';
import { setLanguage, type Language } from './i18n/index.ts';
import { AUDITOR_MENU, FINANCE_MENU } from './pages/finance/menu.ts';

export type MenuItem = { path: string; label: string; key?: FAction['key'] };

export function menuFor(role: string | undefined): MenuItem[] {
  switch (role) {
    case 'clerk':
      return [
        { path: '/search', label: 'menu.search', key: 'F2' },
        { path: '/customers/new', label: 'menu.register', key: 'F3' },
        { path: '/till', label: 'menu.till', key: 'F9' },
        { path: '/servicedesk/new', label: 'sd.menu.intake' },
        { path: '/servicedesk/tickets', label: 'sd.menu.queue' },
        { path: '/corporate/pool', label: 'corporate.menu.pool' },
      ];
    case 'supervisor':
      return [
        { path: '/search', label: 'menu.search', key: 'F2' },
        { path: '/customers/new', label: 'menu.register', key: 'F3' },
        { path: '/approvals', label: 'menu.approvals' },
        { path: '/lists', label: 'menu.lists' },
        { path: '/delivery', label: 'menu.delivery' },
        { path: '/till', label: 'menu.till', key: 'F9' },
        { path: '/servicedesk/tickets', label: 'sd.menu.queue' },
        { path: '/servicedesk/remedies', label: 'sd.menu.remedies' },
        { path: '/servicedesk/reports', label: 'sd.menu.reports' },
        { path: '/credit/ageing', label: 'credit.menu.ageing' },
        { path: '/credit/write-offs', label: 'credit.menu.writeOffs' },
        { path: '/credit/grades', label: 'credit.menu.grades' },
        // the hall's manager reads the centre's day and its reports; running the day is finance's
        { path: '/finance/today', label: 'finance.menu.today' },
        // named apart from the service desk's reports next to it in the same menu
        { path: '/finance/reports', label: 'finance.menu.centreReports' },
      ];
    case 'account-manager':
      return [
        { path: '/portfolio', label: 'credit.menu.portfolio' },
        { path: '/corporate/pool', label: 'corporate.menu.pool' },
        { path: '/servicedesk/new', label: 'sd.menu.intake' },
        { path: '/servicedesk/tickets', label: 'sd.menu.queue' },
        { path: '/servicedesk/reports', label: 'sd.menu.reports' },
      ];
    case 'finance':
      return [
        ...FINANCE_MENU,
        { path: '/credit/ageing', label: 'credit.menu.ageing' },
        { path: '/credit/write-offs', label: 'credit.menu.writeOffs' },
        { path: '/credit/grades', label: 'credit.menu.grades' },
        { path: '/corporate/statements', label: 'corporate.menu.statements' },
        { path: '/corporate/suspense', label: 'corporate.menu.suspense' },
      ];
    case 'auditor':
      return AUDITOR_MENU;
    case 'admin':
      return [
        { path: '/servicedesk/calendar', label: 'sd.menu.calendar' },
        { path: '/servicedesk/units', label: 'sd.menu.units' },
      ];
    default:
      return [];
  }
}

export function Layout() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const user = session.user();
  const items = menuFor(user?.role);
  useFKeys(
    'layout',
    items
      .filter((i) => i.key)
      .map((i) => ({ key: i.key!, label: t(i.label), run: () => void navigate({ to: i.path }) })),
  );
  const keys = useFKeyList();
  const logout = async () => {
    await api('DELETE', '/api/v1/sessions/current').catch(() => undefined);
    session.clear();
    void navigate({ to: '/login' });
  };
  return (
    <AntLayout style={{ minHeight: '100vh' }}>
      <AntLayout.Header
        className="no-print"
        // a long menu wraps to a second line rather than hiding entries
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          background: '#0b2e59',
          paddingInline: 16,
          height: 'auto',
          minHeight: 64,
        }}
      >
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Text>
        <nav aria-label={t('menu.label')} style={{ flex: 1, minWidth: 0 }}>
          <Menu
            theme="dark"
            mode="horizontal"
            // every entry stays reachable by Tab: a collapsed "…" would hide focusable entries (axe)
            disabledOverflow
            style={{ background: 'transparent', flexWrap: 'wrap', lineHeight: '48px' }}
            selectedKeys={[items.find((i) => path === i.path || path.startsWith(`${i.path}/`))?.path ?? '']}
            items={items.map((i) => ({
              key: i.path,
              label: (
                <a
                  href={i.path}
                  style={{ color: 'inherit' }}
                  onClick={(e) => {
                    e.preventDefault();
                    void navigate({ to: i.path });
                  }}
                >
                  {t(i.label)}
                  {i.key ? ` (${i.key})` : ''}
                </a>
              ),
            }))}
          />
        </nav>
        <Space>
          <Typography.Text style={{ color: '#fff' }}>
            {user?.displayName ?? user?.username} · {t(`role.${user?.role ?? 'unknown'}`)}
          </Typography.Text>
          <Select
            aria-label={t('app.language')}
            size="small"
            value={i18n.language as Language}
            onChange={(l: Language) => setLanguage(l)}
            options={[
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
            style={{ width: 100 }}
          />
          <Button size="small" onClick={logout}>
            {t('app.logout')}
          </Button>
        </Space>
      </AntLayout.Header>
      <AntLayout.Content style={{ padding: 16 }}>
        <main>
          <Outlet />
        </main>
      </AntLayout.Content>
      <AntLayout.Footer className="no-print fkey-bar" style={{ padding: '6px 16px', background: '#e8edf3' }}>
        <div role="toolbar" aria-label={t('app.fkeys')}>
          <Space wrap>
            {keys.map((k) => (
              <Button key={k.key} size="small" type="text" onClick={k.run}>
                <kbd>{k.key}</kbd>
                {k.label}
              </Button>
            ))}
          </Space>
        </div>
      </AntLayout.Footer>
    </AntLayout>
  );
}
