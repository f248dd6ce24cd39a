// Today, for finance: a day (yesterday unless chosen) beside the day before — money in by channel,
// lane revenue by road operator and by source, the float on cards as the ledger holds it, what each
// province owes us and we owe it, the open exceptions by kind and age — the clearing day's progress,
// and 30 days of revenue per operator and per source (ECharts). One read of /api/v1/reports/today.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Card, Col, Progress, Row, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs, session } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import { localDay, type ClearingDay, type TodayDay, type TodayFigures } from './api.ts';
import { Chart, yuanAxis, type ChartOption } from './chart.tsx';
import { CLEARING_STEPS, sourceLabel } from './clearing.tsx';
import { DayField } from './day-field.tsx';
import { channelLabel } from './labels.ts';
import { LINK, ToneTag } from './tone.tsx';

const AGES = ['under1d', 'd1to3', 'd3to7', 'over7d'] as const;
const h2 = (text: string) => <h2 style={{ fontSize: 15, margin: 0 }}>{text}</h2>;

// rows keyed the same way on both days, the day's figures beside the day before's
function beside<R extends { amount: number; count: number }>(
  day: R[] | undefined,
  before: R[] | undefined,
  keyOf: (r: R) => string,
) {
  const m = new Map<
    string,
    { key: string; row: R; count: number; amount: number; countBefore: number; amountBefore: number }
  >();
  for (const r of day ?? [])
    m.set(keyOf(r), { key: keyOf(r), row: r, count: r.count, amount: r.amount, countBefore: 0, amountBefore: 0 });
  for (const r of before ?? []) {
    const x = m.get(keyOf(r)) ?? { key: keyOf(r), row: r, count: 0, amount: 0, countBefore: 0, amountBefore: 0 };
    m.set(keyOf(r), { ...x, countBefore: r.count, amountBefore: r.amount });
  }
  return [...m.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

export function TodayPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { date?: string };
  const date = search.date ?? localDay(-1);
  const figures = useQuery({
    queryKey: ['reports-today', date],
    queryFn: () => get<TodayFigures>(`/api/v1/reports/today${qs({ date })}`),
  });
  const day = useQuery({
    queryKey: ['clearing-day', date],
    queryFn: () => get<{ day: ClearingDay }>(`/api/v1/clearing/days/${date}`),
  });
  // the ledger's invariants (balanced journal, float, splits, mirrors) checked now
  // ledger checks are for finance, auditors and administrators; a supervisor's Today goes without
  const checksLedger = ['finance', 'auditor', 'admin'].includes(session.user()?.role ?? '');
  const ledger = useQuery({
    enabled: checksLedger,
    queryKey: ['ledger-check'],
    queryFn: () => get<{ ok: boolean; failures: Array<{ check: string; detail: string }> }>('/api/v1/ledger/check'),
  });
  const f = figures.data;
  const [d, before]: [TodayDay | undefined, TodayDay | undefined] = [f?.days[0], f?.days[1]];
  const done = new Set((day.data?.day.steps ?? []).map((s) => s.step));
  const openExceptions = (f?.exceptions ?? []).reduce((a, e) => a + e.total, 0);

  const money = (key: 'amount' | 'amountBefore') => ({
    title: key === 'amount' ? t('finance.amount') : t('finance.today.before'),
    dataIndex: key,
    align: 'right' as const,
    render: (a: number) => <Money fen={a} />,
  });
  const count = { title: t('finance.today.count'), dataIndex: 'count', align: 'right' as const };
  const channels = useMemo(() => beside(d?.channels, before?.channels, (c) => c.channel), [d, before]);
  const operators = useMemo(
    () => beside(d?.revenueByOperator, before?.revenueByOperator, (o) => o.operatorId),
    [d, before],
  );
  const sources = useMemo(() => beside(d?.revenueBySource, before?.revenueBySource, (s) => s.source), [d, before]);
  const floatRows = (['purse', 'inFlight', 'carry', 'accounts'] as const).map((k) => ({
    key: k,
    amount: d?.float[k] ?? 0,
    amountBefore: before?.float[k] ?? 0,
  }));

  const chart = (stacked: boolean, series: Array<{ name: string; data: number[] }>): ChartOption => ({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => Fen.format(v) },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 70, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: (f?.series.dates ?? []).map((x) => x.slice(5)) },
    yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
    series: series.map((s) =>
      stacked ? { ...s, type: 'bar', stack: 'all' } : { ...s, type: 'line', showSymbol: false },
    ),
  });
  const operatorChart = useMemo(
    () =>
      chart(
        true,
        (f?.series.operators ?? []).map((o) => ({ name: o.operatorId, data: o.amounts })),
      ),
    [f],
  );
  const sourceChart = useMemo(
    () =>
      chart(
        false,
        (f?.series.sources ?? []).map((s) => ({ name: sourceLabel(t, s.source), data: s.amounts })),
      ),
    [f, t],
  );
  const days = f?.series.dates.length ?? 30;

  return (
    <section aria-labelledby="today-title">
      <Typography.Title id="today-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.today.title', { date })}
      </Typography.Title>
      <DayField
        id="today-date"
        value={date}
        onChange={(x) => void navigate({ to: '/finance/today', search: { date: x } })}
      />
      <ErrorLine error={figures.error ?? day.error} />
      <Row gutter={[12, 12]}>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('finance.today.revenue')} value={Fen.format(d?.revenue.amount ?? 0)} />
            <small>{t('finance.today.beforeWas', { amount: Fen.format(before?.revenue.amount ?? 0) })}</small>
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t('finance.today.loads')}
              value={Fen.format(d?.loads.amount ?? 0)}
              suffix={<small>{t('finance.today.loadCount', { count: d?.loads.count ?? 0 })}</small>}
            />
            <small>{t('finance.today.beforeWas', { amount: Fen.format(before?.loads.amount ?? 0) })}</small>
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('finance.today.purse')} value={Fen.format(d?.float.purse ?? 0)} />
            <small>{t('finance.today.beforeWas', { amount: Fen.format(before?.float.purse ?? 0) })}</small>
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t('finance.today.openExceptions')}
              value={openExceptions}
              suffix={
                <Link to="/finance/exceptions" style={{ ...LINK, fontSize: 14 }}>
                  {t('finance.today.toQueue')}
                </Link>
              }
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={h2(t('finance.today.byChannel'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={channels}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                { title: t('finance.today.channel'), dataIndex: 'key', render: (c: string) => channelLabel(t, c) },
                count,
                money('amount'),
                money('amountBefore'),
              ]}
            />
          </Card>
        </Col>
        <Col span={7}>
          <Card size="small" title={h2(t('finance.today.float'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={floatRows}
              columns={[
                {
                  title: t('finance.today.liability'),
                  dataIndex: 'key',
                  render: (k: string) => t(`finance.today.floats.${k}`),
                },
                money('amount'),
                money('amountBefore'),
              ]}
            />
          </Card>
        </Col>
        <Col span={7}>
          <Card size="small" title={h2(t('finance.today.progress'))}>
            <Progress
              percent={Math.round((done.size * 100) / CLEARING_STEPS.length)}
              format={() => `${done.size}/${CLEARING_STEPS.length}`}
              aria-label={t('finance.today.progress')}
            />
            <p style={{ margin: '8px 0 0' }}>
              {day.data?.day.state === 'sealed' ? t('finance.dayStates.sealed') : t('finance.dayStates.open')}
              {' · '}
              {done.size === CLEARING_STEPS.length
                ? t('finance.today.allDone')
                : t('finance.today.next', { step: t(`finance.steps.${CLEARING_STEPS.find((s) => !done.has(s))}`) })}
              {' · '}
              <Link to="/finance/clearing" search={{ date }} style={LINK}>
                {t('finance.today.toDay')}
              </Link>
            </p>
            {checksLedger && (
              <p style={{ margin: '8px 0 0' }} data-testid="ledger-check">
                {t('finance.today.ledger')}:{' '}
                {ledger.data ? (
                  ledger.data.ok ? (
                    <ToneTag tone="good">{t('finance.today.ledgerOk')}</ToneTag>
                  ) : (
                    <ToneTag tone="bad">{t('finance.today.ledgerBad', { count: ledger.data.failures.length })}</ToneTag>
                  )
                ) : (
                  '…'
                )}
              </p>
            )}
          </Card>
        </Col>
        <Col span={9}>
          <Card size="small" title={h2(t('finance.today.byOperator'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={operators}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                {
                  title: t('finance.operator'),
                  dataIndex: 'key',
                  render: (id: string, r) => (r.row.name ? `${id} ${r.row.name}` : id),
                },
                { ...count, title: t('finance.transactions') },
                money('amount'),
                money('amountBefore'),
              ]}
            />
          </Card>
        </Col>
        <Col span={7}>
          <Card size="small" title={h2(t('finance.today.bySource'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={sources}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                { title: t('finance.source'), dataIndex: 'key', render: (s: string) => sourceLabel(t, s) },
                { ...count, title: t('finance.transactions') },
                money('amount'),
                money('amountBefore'),
              ]}
            />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={h2(t('finance.today.provinceTable'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="network"
              dataSource={d?.provinces ?? []}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                { title: t('finance.network'), dataIndex: 'network' },
                {
                  title: t('finance.receivable'),
                  dataIndex: 'receivable',
                  align: 'right',
                  render: (a: number) => <Money fen={a} />,
                },
                {
                  title: t('finance.payable'),
                  dataIndex: 'payable',
                  align: 'right',
                  render: (a: number) => <Money fen={a} />,
                },
                { title: t('finance.net'), dataIndex: 'net', align: 'right', render: (a: number) => <Money fen={a} /> },
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={h2(t('finance.today.operatorChart', { days }))}>
            <Chart
              option={operatorChart}
              label={t('finance.today.operatorChart', { days })}
              empty={t('finance.empty')}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={h2(t('finance.today.sourceChart', { days }))}>
            <Chart option={sourceChart} label={t('finance.today.sourceChart', { days })} empty={t('finance.empty')} />
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small" title={h2(t('finance.today.exceptionsByAge'))}>
            <Table
              size="small"
              pagination={false}
              rowKey="kind"
              dataSource={f?.exceptions ?? []}
              locale={{ emptyText: t('finance.exceptions.none') }}
              columns={[
                {
                  title: t('finance.exceptions.kind'),
                  dataIndex: 'kind',
                  render: (k: string) => t(`finance.kinds.${k}`, { defaultValue: k }),
                },
                ...AGES.map((a) => ({ title: t(`finance.today.ages.${a}`), dataIndex: a, align: 'right' as const })),
                { title: t('finance.total'), dataIndex: 'total', align: 'right' as const },
                {
                  title: t('finance.amount'),
                  dataIndex: 'amount',
                  align: 'right' as const,
                  render: (a: number) => <Money fen={a} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
