// The counter's card reader: its URL and pairing token are kept in this browser; the panel shows
// what is on the reader and, for the virtual reader of the demo, lets the clerk put a medium on it.
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createReaderClient,
  DEFAULT_READER_URL,
  ReaderError,
  type InsertRequest,
  type ReaderClient,
  type ReaderStatus,
} from '../../reader/client.ts';

const KEY = 'etc.console.reader';

export function readerSettings(): { url: string; token: string } | null {
  const raw = localStorage.getItem(KEY);
  return raw ? JSON.parse(raw) : null;
}

export function readerClient(): ReaderClient | null {
  const s = readerSettings();
  return s ? createReaderClient({ url: s.url, token: s.token }) : null;
}

export function useReaderError() {
  const { t, i18n } = useTranslation();
  return (e: unknown) => {
    if (e instanceof ReaderError) {
      const key = `reader.errors.${e.code}`;
      return (i18n.exists(key) ? t(key) : e.message) + (e.sw ? ` (SW ${e.sw})` : '');
    }
    return null;
  };
}

// The reader panel: settings when none are kept, then the medium on the reader.
export function ReaderPanel(props: { demoInsert?: InsertRequest; onStatus?: (s: ReaderStatus | null) => void }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState(readerSettings());
  const [url, setUrl] = useState(settings?.url ?? DEFAULT_READER_URL);
  const [token, setToken] = useState(settings?.token ?? '');
  const [status, setStatus] = useState<ReaderStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const readerError = useReaderError();
  const { onStatus } = props;
  const refresh = useCallback(async () => {
    const c = readerClient();
    if (!c) return;
    try {
      const s = await c.status();
      setStatus(s);
      setError(null);
      onStatus?.(s);
    } catch (e) {
      setStatus(null);
      onStatus?.(null);
      setError(readerError(e) ?? String(e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onStatus]);
  useEffect(() => {
    void refresh();
  }, [settings, refresh]);
  if (!settings)
    return (
      <Card size="small" title={t('reader.title')}>
        <Space wrap>
          <Input
            aria-label={t('reader.url')}
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            style={{ width: 240 }}
          />
          <Input
            aria-label={t('reader.token')}
            placeholder={t('reader.token')}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            style={{ width: 240 }}
          />
          <Button
            onClick={() => {
              localStorage.setItem(KEY, JSON.stringify({ url, token }));
              setSettings({ url, token });
            }}
          >
            {t('reader.pair')}
          </Button>
        </Space>
      </Card>
    );
  const m = status?.medium;
  return (
    <Card
      size="small"
      title={t('reader.title')}
      extra={
        <Space>
          <Button size="small" onClick={() => void refresh()}>
            {t('reader.refresh')}
          </Button>
          <Button
            size="small"
            onClick={() => {
              localStorage.removeItem(KEY);
              setSettings(null);
            }}
          >
            {t('reader.unpair')}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="warning" role="alert" title={error} />}
      {status && (
        <Typography.Paragraph role="status" style={{ margin: 0 }}>
          {status.reader.name} ·{' '}
          {!m
            ? t('reader.empty')
            : m.kind === 'card'
              ? t(m.blank ? 'reader.blankCard' : 'reader.card', { no: m.cardNo, type: m.cardType })
              : t(m.blank ? 'reader.blankObu' : 'reader.obu', { no: m.obuNo })}
        </Typography.Paragraph>
      )}
      {status && props.demoInsert && (
        <Button
          size="small"
          style={{ marginTop: 8 }}
          onClick={async () => {
            try {
              await readerClient()!.admin.insert(props.demoInsert!);
              await refresh();
            } catch (e) {
              setError(readerError(e) ?? String(e));
            }
          }}
        >
          {t('reader.demoInsert')}
        </Button>
      )}
    </Card>
  );
}
