// Clearing days: a date's nine steps (done, by whom, what each found), what a waiting day waits for,
// running or re-running it (the same idempotent run the nightly job does), the mirror check's result
// and what the day split to each road operator by source.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Alert, Button, Card, Col, Descriptions, Row, Space, Steps, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import { useFKeys } from '../../fkeys.tsx';
import { DayField } from './day-field.tsx';
import { LINK, ToneTag } from './tone.tsx';
import { isFinance, localDay, type ClearingDay, type ClearingRun, type FinanceException } from './api.ts';

export const CLEARING_STEPS = [
  'seal',
  'own-card-split',
  'operator-payables',
  'packages',
  'dispute-payments',
  'interchange-split',
  'settlement',
  'payouts',
  'mirror-check',
] as const;

const MONEY_KEYS = new Set(['amount', 'net', 'receivable', 'payable', 'total']);
const detailText = (detail: Record<string, unknown>) =>
  Object.entries(detail)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    // amounts are fen: shown in yuan
    .map(([k, v]) => `${k}: ${MONEY_KEYS.has(k) && Number.isSafeInteger(v) ? Fen.format(v as number) : String(v)}`)
    .join(' · ');

export function ClearingPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { date?: string };
  const date = search.date ?? localDay(-1);
  const [lastRun, setLastRun] = useState<ClearingRun | null>(null);
  const day = useQuery({
    queryKey: ['clearing-day', date],
    queryFn: () => get<{ day: ClearingDay }>(`/api/v1/clearing/days/${date}`),
  });
  // a day that waited long enough raised an exception naming what it waits for
  const allWaiting = useQuery({
    queryKey: ['exceptions', 'clearing-day-waiting'],
    queryFn: () =>
      get<{ exceptions: FinanceException[] }>(
        `/api/v1/finance/exceptions${qs({ kind: 'clearing-day-waiting', status: 'open', limit: 50 })}`,
      ),
  });
  const waiting = {
    data: allWaiting.data?.exceptions.filter((e) => e.reference.startsWith(`${date}:`)),
    refetch: allWaiting.refetch,
  };
  // other days still waiting, oldest first, one link each
  const otherDays = [
    ...new Set((allWaiting.data?.exceptions ?? []).map((e) => e.reference.slice(0, 10)).filter((x) => x !== date)),
  ].sort();
  const run = useMutation({
    mutationFn: () => post<ClearingRun>(`/api/v1/clearing/days/${date}/run`),
    onSuccess: (r) => {
      setLastRun(r);
      void day.refetch();
      void waiting.refetch();
    },
  });
  useFKeys('clearing', isFinance() ? [{ key: 'F6', label: t('finance.clearing.run'), run: () => run.mutate() }] : []);
  const d = lastRun?.day.date === date ? lastRun.day : day.data?.day;
  const done = new Map((d?.steps ?? []).map((s) => [s.step, s]));
  const pending = lastRun?.day.date === date ? lastRun.pending : null;
  const firstOpen = CLEARING_STEPS.findIndex((s) => !done.has(s));
  const mirror = done.get('mirror-check');
  return (
    <section aria-labelledby="clearing-title">
      <Typography.Title id="clearing-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.clearing.title')}
      </Typography.Title>
      <DayField
        id="clearing-date"
        value={date}
        onChange={(d) => {
          setLastRun(null);
          void navigate({ to: '/finance/clearing', search: { date: d } });
        }}
      >
        {isFinance() && (
          <Button type="primary" onClick={() => run.mutate()} loading={run.isPending} style={{ marginLeft: 8 }}>
            {t('finance.clearing.run')} (F6)
          </Button>
        )}
      </DayField>
      <ErrorLine error={day.error ?? run.error} />
      {lastRun && lastRun.day.date === date && (
        <Alert
          role="status"
          type={pending ? 'warning' : 'success'}
          style={{ marginBottom: 12 }}
          title={
            lastRun.done.length
              ? t('finance.clearing.ranSteps', { steps: lastRun.done.map((s) => t(`finance.steps.${s}`)).join('、') })
              : t('finance.clearing.nothingNew')
          }
          description={
            pending
              ? `${t('finance.clearing.waitsFor', { step: t(`finance.steps.${pending.step}`) })}: ${pending.reasons.join('；')}`
              : undefined
          }
        />
      )}
      {otherDays.length > 0 && (
        <nav aria-label={t('finance.clearing.otherWaiting')} style={{ marginBottom: 12 }}>
          {t('finance.clearing.otherWaiting')}:{' '}
          {otherDays.map((x) => (
            <Link key={x} to="/finance/clearing" search={{ date: x }} style={{ ...LINK, marginRight: 12 }}>
              {x}
            </Link>
          ))}
        </nav>
      )}
      {(waiting.data ?? []).map((e) => (
        <Alert
          key={e.id}
          type="warning"
          style={{ marginBottom: 12 }}
          title={t('finance.clearing.waitingSince', { at: dayjs(e.raisedAt).format('YYYY-MM-DD HH:mm') })}
          description={((e.detail.reasons as string[] | undefined) ?? []).join('；')}
        />
      ))}
      {d && (
        <Row gutter={16}>
          <Col span={9}>
            <Card size="small" title={t('finance.clearing.steps')}>
              <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
                <Descriptions.Item label={t('finance.clearing.state')}>
                  <ToneTag tone={d.state === 'sealed' ? 'info' : 'neutral'}>
                    {t(`finance.dayStates.${d.state}`, { defaultValue: d.state })}
                  </ToneTag>
                </Descriptions.Item>
                <Descriptions.Item label={t('finance.clearing.sealedAt')}>
                  {d.sealedAt ? dayjs(d.sealedAt).format('YYYY-MM-DD HH:mm') : '—'}
                </Descriptions.Item>
              </Descriptions>
              <Steps
                direction="vertical"
                size="small"
                current={firstOpen < 0 ? CLEARING_STEPS.length : firstOpen}
                status={pending ? 'wait' : 'process'}
                items={CLEARING_STEPS.map((s) => {
                  const step = done.get(s);
                  return {
                    title: t(`finance.steps.${s}`),
                    status: step ? 'finish' : pending?.step === s ? 'process' : 'wait',
                    description: step
                      ? `${dayjs(step.doneAt).format('MM-DD HH:mm')} · ${step.actor}`
                      : pending?.step === s
                        ? t('finance.clearing.waiting')
                        : undefined,
                  };
                })}
              />
            </Card>
          </Col>
          <Col span={15}>
            <Space direction="vertical" style={{ width: '100%' }}>
              <Card size="small" title={t('finance.clearing.mirror')}>
                {mirror ? (
                  <span data-testid="mirror-result">
                    {t('finance.clearing.mirrorResult', {
                      compared: Number(mirror.detail.compared ?? 0),
                      mismatches: Number(mirror.detail.mismatches ?? 0),
                    })}
                    {((mirror.detail.notAsked as string[] | undefined) ?? []).length > 0 &&
                      ` · ${t('finance.clearing.mirrorNotAsked', { networks: (mirror.detail.notAsked as string[]).join('、') })}`}
                  </span>
                ) : (
                  t('finance.clearing.mirrorNotYet')
                )}
              </Card>
              <Card size="small" title={t('finance.clearing.operators')}>
                <Table
                  size="small"
                  pagination={false}
                  rowKey={(o) => `${o.operatorId}-${o.source}`}
                  dataSource={d.operators}
                  locale={{ emptyText: t('finance.empty') }}
                  columns={[
                    { title: t('finance.operator'), dataIndex: 'operatorId' },
                    { title: t('finance.source'), dataIndex: 'source', render: (s: string) => sourceLabel(t, s) },
                    { title: t('finance.transactions'), dataIndex: 'transactions', align: 'right' },
                    {
                      title: t('finance.amount'),
                      dataIndex: 'amount',
                      align: 'right',
                      render: (a: number) => <Money fen={a} />,
                    },
                  ]}
                  summary={(rows) => (
                    <Table.Summary.Row>
                      <Table.Summary.Cell index={0} colSpan={2}>
                        {t('finance.total')}
                      </Table.Summary.Cell>
                      <Table.Summary.Cell index={2} align="right">
                        {rows.reduce((a, r) => a + r.transactions, 0)}
                      </Table.Summary.Cell>
                      <Table.Summary.Cell index={3} align="right">
                        <Money fen={rows.reduce((a, r) => a + BigInt(r.amount), 0n)} />
                      </Table.Summary.Cell>
                    </Table.Summary.Row>
                  )}
                />
              </Card>
              <Card size="small" title={t('finance.clearing.stepDetail')}>
                <Table
                  size="small"
                  pagination={false}
                  rowKey="step"
                  dataSource={d.steps}
                  columns={[
                    {
                      title: t('finance.clearing.step'),
                      dataIndex: 'step',
                      render: (s: string) => t(`finance.steps.${s}`),
                    },
                    {
                      title: t('finance.clearing.found'),
                      dataIndex: 'detail',
                      render: (x: Record<string, unknown>) => detailText(x) || '—',
                    },
                  ]}
                />
              </Card>
            </Space>
          </Col>
        </Row>
      )}
    </section>
  );
}

// own-card, province:3201 → words
export function sourceLabel(t: (k: string, o?: Record<string, unknown>) => string, source: string): string {
  if (source === 'own-card') return t('finance.sources.own');
  const m = /^province:(\d+)$/.exec(source);
  return m ? t('finance.sources.province', { network: m[1] }) : source;
}
