// Finance: upload a bank statement file (CMB XML, ICBC fixed-width, CSV) and see what became of its
// lines; a refused file says which line and why.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Form, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, newKey, post, qs } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { STATUSES, type Import, type Lines } from './api.ts';
import { LinesTable } from './lines-table.tsx';

const toBase64 = async (f: File) => {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

export function StatementsPage() {
  const { t } = useTranslation();
  const [format, setFormat] = useState<'cmb-xml' | 'icbc-fixed' | 'csv'>('cmb-xml');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Import | null>(null);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const lines = useQuery({
    queryKey: ['corporate-lines', result?.importId, status],
    enabled: !!result,
    queryFn: () =>
      get<Lines>(`/api/v1/corporate/statement-lines${qs({ importId: result!.importId, status, limit: 500 })}`),
  });
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await post<Import>(
        '/api/v1/corporate/statements',
        { format, fileName: file.name, contentBase64: await toBase64(file) },
        newKey(),
      );
      setResult(r);
      setStatus(undefined);
    } catch (e) {
      setError(e);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="statements-title">
      <Typography.Title id="statements-title" level={1} style={{ fontSize: 20 }}>
        {t('corporate.statements.title')}
      </Typography.Title>
      <Form layout="inline" onFinish={upload} style={{ marginBottom: 16 }}>
        <Form.Item label={t('corporate.statements.format')} htmlFor="statement-format">
          <Select
            id="statement-format"
            value={format}
            onChange={setFormat}
            style={{ width: 220 }}
            options={(['cmb-xml', 'icbc-fixed', 'csv'] as const).map((f) => ({
              value: f,
              label: t(`corporate.formats.${f}`),
            }))}
          />
        </Form.Item>
        <Form.Item label={t('corporate.statements.file')} htmlFor="statement-file">
          <input id="statement-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!file}>
          {t('corporate.statements.import')}
        </Button>
      </Form>
      {error instanceof ApiError && error.code === 'statement-malformed' ? (
        <Alert
          type="error"
          role="alert"
          title={t('corporate.statements.refused')}
          description={error.message}
          style={{ marginBottom: 12 }}
        />
      ) : (
        <ErrorLine error={error} />
      )}
      {result && (
        <>
          <Descriptions size="small" bordered column={3} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('corporate.statements.fileName')}>{result.fileName}</Descriptions.Item>
            <Descriptions.Item label={t('corporate.statements.bank')}>{result.bank}</Descriptions.Item>
            <Descriptions.Item label={t('corporate.statements.lines')}>
              {t('corporate.statements.newOf', { n: result.newLines, of: result.lineCount })}
              {result.duplicateFile && <Tag style={{ marginLeft: 8 }}>{t('corporate.statements.duplicate')}</Tag>}
            </Descriptions.Item>
          </Descriptions>
          <Space wrap style={{ marginBottom: 12 }} role="group" aria-label={t('corporate.lines.status')}>
            <Button type={status ? 'default' : 'primary'} onClick={() => setStatus(undefined)}>
              {t('corporate.statements.all')}
            </Button>
            {STATUSES.map((s) => (
              <Button key={s} type={status === s ? 'primary' : 'default'} onClick={() => setStatus(s)}>
                {t(`corporate.status.${s}`)} {result.byStatus[s]}
              </Button>
            ))}
          </Space>
          <ErrorLine error={lines.error} />
          <LinesTable lines={lines.data?.lines ?? []} />
        </>
      )}
    </section>
  );
}
