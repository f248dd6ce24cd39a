// Entry: i18n, antd locale, queries and the router.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { setUnauthorisedHandler } from './api/client.ts';
import { FKeyProvider } from './fkeys.tsx';
import i18n, { initialLanguage } from './i18n/index.ts';
import { router } from './router.tsx';
import './print.css';

const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
setUnauthorisedHandler(() => {
  queries.clear();
  void router.navigate({ to: '/login' });
});

// the default secondary and placeholder greys are too light for WCAG AA contrast
const THEME = {
  token: {
    colorPrimary: '#0b5cad',
    // a counter tool: no animations (they also leave half-faded colours for a moment)
    motion: false,
    colorError: '#b42318',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    colorTextSecondary: 'rgba(0,0,0,0.68)',
    colorTextDescription: 'rgba(0,0,0,0.68)',
    colorTextTertiary: 'rgba(0,0,0,0.62)',
    colorTextPlaceholder: 'rgba(0,0,0,0.58)',
    colorTextQuaternary: 'rgba(0,0,0,0.58)',
    colorTextDisabled: 'rgba(0,0,0,0.58)',
  },
};

function Root() {
  const [lang, setLang] = useState(initialLanguage as string);
  useEffect(() => {
    const on = (l: string) => setLang(l);
    i18n.on('languageChanged', on);
    return () => i18n.off('languageChanged', on);
  }, []);
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  document.documentElement.lang = lang;
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queries}>
          <FKeyProvider>
            <RouterProvider router={router} />
          </FKeyProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
