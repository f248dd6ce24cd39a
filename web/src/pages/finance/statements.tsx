// Bank statements of the clearing bank account: upload a statement file (CSV), and see its lines
// side by side with what reconciliation made of each (matched to a settlement or payout, amount
// mismatch, extra) and the items no line pays yet (missing).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Alert, Button, Card, Col, Row, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { useFKeys } from '../../fkeys.tsx';
import {
  isFinance,
  type ReconciliationItem,
  type ReconciliationItems,
  type StatementDetail,
  type StatementImported,
  type StatementImports,
} from './api.ts';
import { ToneTag, type Tone } from './tone.tsx';

const OUTCOME_TONE: Record<string, Tone> = {
  matched: 'good',
  'amount-mismatch': 'warn',
  extra: 'bad',
  missing: 'bad',
};

export function OutcomeTag({ outcome }: { outcome: string | null | undefined }) {
  const { t } = useTranslation();
  if (!outcome) return <ToneTag tone="neutral">{t('finance.outcomes.pending')}</ToneTag>;
  return (
    <ToneTag tone={OUTCOME_TONE[outcome] ?? 'neutral'}>
      {t(`finance.outcomes.${outcome}`, { defaultValue: outcome })}
    </ToneTag>
  );
}

export function StatementsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const search = useSearch({ strict: false }) as { statement?: number };
  const file = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [imported, setImported] = useState<StatementImported | null>(null);
  const [outcome, setOutcome] = useState<string | undefined>();
  const imports = useQuery({
    queryKey: ['bank-statements'],
    queryFn: () => get<StatementImports>('/api/v1/bank-statements?limit=50'),
  });
  const selected = search.statement ?? imports.data?.imports[0]?.id;
  const detail = useQuery({
    queryKey: ['bank-statement', selected],
    enabled: selected !== undefined,
    queryFn: () => get<StatementDetail>(`/api/v1/bank-statements/${selected}`),
  });
  const items = useQuery({
    queryKey: ['reconciliation', outcome ?? 'all'],
    queryFn: () => get<ReconciliationItems>(`/api/v1/reconciliation${qs({ outcome, limit: 200 })}`),
  });
  const upload = async (f: File) => {
    setError(null);
    try {
      const r = await post<StatementImported>('/api/v1/bank-statements', { fileName: f.name, csv: await f.text() });
      setImported(r);
      await queries.invalidateQueries({
        predicate: (q) => ['bank-statements', 'reconciliation'].includes(String(q.queryKey[0])),
      });
      void navigate({ to: '/finance/statements', search: { statement: r.import.id } });
    } catch (e) {
      setError(e);
    } finally {
      if (file.current) file.current.value = '';
    }
  };
  useFKeys(
    'statements',
    isFinance() ? [{ key: 'F7', label: t('finance.statements.upload'), run: () => file.current?.click() }] : [],
  );
  const current = detail.data?.import;
  return (
    <section aria-labelledby="statements-title">
      <Typography.Title id="statements-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.statements.title')}
      </Typography.Title>
      {isFinance() && (
        <>
          {/* the native picker speaks the browser's language, not the console's: a button opens it */}
          <input
            ref={file}
            type="file"
            accept=".csv,text/csv"
            aria-label={t('finance.statements.file')}
            style={{ position: 'absolute', width: 1, height: 1, opacity: 0, overflow: 'hidden' }}
            tabIndex={-1}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void upload(f);
            }}
          />
        </>
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        {isFinance() && (
          <>
            <Button type="primary" onClick={() => file.current?.click()}>
              {t('finance.statements.upload')} (F7)
            </Button>
          </>
        )}
        <label htmlFor="statement-pick">{t('finance.statements.pick')}</label>
        <Select
          id="statement-pick"
          style={{ width: 380 }}
          value={selected}
          onChange={(id: number) => void navigate({ to: '/finance/statements', search: { statement: id } })}
          options={(imports.data?.imports ?? []).map((i) => ({
            value: i.id,
            label: `${i.fileName} · ${dayjs(i.importedAt).format('YYYY-MM-DD HH:mm')} · ${i.lineCount}`,
          }))}
        />
        {isFinance() && (
          <Button
            onClick={async () => {
              try {
                await post('/api/v1/reconciliation/run');
                await queries.invalidateQueries();
              } catch (e) {
                setError(e);
              }
            }}
          >
            {t('finance.statements.rerun')}
          </Button>
        )}
      </Space>
      <ErrorLine error={error ?? imports.error ?? detail.error} />
      {imported && (
        <Alert
          role="status"
          type={imported.import.outcomes.matched === imported.import.lineCount ? 'success' : 'warning'}
          style={{ marginBottom: 12 }}
          title={
            imported.duplicate
              ? t('finance.statements.duplicate', { name: imported.import.fileName })
              : t('finance.statements.imported', { name: imported.import.fileName, lines: imported.import.lineCount })
          }
          description={t('finance.statements.outcomes', imported.import.outcomes)}
        />
      )}
      <Row gutter={16}>
        <Col span={13}>
          <Card
            size="small"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.statements.lines')}</h2>}
            extra={current ? t('finance.statements.outcomes', current.outcomes) : null}
          >
            <Table<ReconciliationItem>
              size="small"
              rowKey={(r) => String(r.line?.id ?? r.id)}
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              dataSource={detail.data?.lines ?? []}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                { title: '#', key: 'no', render: (_, r) => r.line?.lineNo },
                {
                  title: t('finance.statements.valueDate'),
                  key: 'vd',
                  render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{r.line?.valueDate}</span>,
                },
                {
                  title: t('finance.statements.counterparty'),
                  key: 'cp',
                  render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{r.line?.counterparty}</span>,
                },
                {
                  title: t('finance.amount'),
                  key: 'a',
                  align: 'right',
                  render: (_, r) => <Money fen={r.line?.amount} />,
                },
                {
                  title: t('finance.statements.reference'),
                  key: 'ref',
                  render: (_, r) => r.line?.reference || r.line?.bankReference,
                },
                {
                  title: t('finance.statements.outcome'),
                  key: 'o',
                  render: (_, r) => <OutcomeTag outcome={r.outcome} />,
                },
                { title: t('finance.statements.matchedTo'), key: 'k', render: (_, r) => r.key ?? '—' },
              ]}
            />
          </Card>
        </Col>
        <Col span={11}>
          <Card
            size="small"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.statements.items')}</h2>}
            extra={
              <Select
                aria-label={t('finance.statements.outcome')}
                size="small"
                allowClear
                style={{ width: 130 }}
                value={outcome}
                onChange={setOutcome}
                placeholder={t('finance.all')}
                options={['matched', 'amount-mismatch', 'extra', 'missing'].map((o) => ({
                  value: o,
                  label: t(`finance.outcomes.${o}`),
                }))}
              />
            }
          >
            <Table<ReconciliationItem>
              size="small"
              rowKey="id"
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              dataSource={items.data?.items ?? []}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                {
                  title: t('finance.statements.item'),
                  key: 'k',
                  render: (_, r) => r.key ?? `#${r.line?.lineNo ?? ''}`,
                },
                {
                  title: t('finance.statements.expected'),
                  dataIndex: 'expectedAmount',
                  align: 'right',
                  render: (a: number | null) => <Money fen={a} />,
                },
                {
                  title: t('finance.statements.actual'),
                  dataIndex: 'actualAmount',
                  align: 'right',
                  render: (a: number | null) => <Money fen={a} />,
                },
                {
                  title: t('finance.statements.outcome'),
                  dataIndex: 'outcome',
                  render: (o: string) => <OutcomeTag outcome={o} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
