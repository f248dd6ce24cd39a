// Log in: username and password → bearer token kept for this browser tab.
import { useNavigate } from '@tanstack/react-router';
import { Alert, Button, Card, Form, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post, session } from '../api/client.ts';
import type { Session } from '../api/types.ts';
import { setLanguage, type Language } from '../i18n/index.ts';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const s = await post<Session>('/api/v1/sessions', v);
      session.set(s.token, { username: s.user.username, role: s.user.role, displayName: s.user.displayName });
      await navigate({ to: '/' });
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'bad-credentials' ? t('login.bad') : t('error.generic'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#0b2e59' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 22 }}>
          {t('app.title')}
        </Typography.Title>
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input autoFocus autoComplete="username" />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} role="alert" />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
        <Select
          aria-label={t('app.language')}
          size="small"
          value={i18n.language as Language}
          onChange={(l: Language) => setLanguage(l)}
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
          style={{ width: 100, marginTop: 12 }}
        />
      </Card>
    </main>
  );
}
