// Today, for finance: the last clearing day's figures — lane revenue by operator and by source (own
// cards, each province), what each province owes us and we owe it, payouts, the exceptions open by
// kind and age — the clearing day's progress, and the daily flows per operator and per province
// over the last 30 days (ECharts).
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Card, Col, Progress, Row, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import { localDay, type ClearingDay, type FinanceException, type Payouts, type Settlements } from './api.ts';
import { Chart, yuanAxis, type ChartOption } from './chart.tsx';
import { CLEARING_STEPS, sourceLabel } from './clearing.tsx';
import { LINK, ToneTag } from './tone.tsx';

const DAYS = 30;
const AGES = [
  { key: 'd0', max: 1 },
  { key: 'd1', max: 3 },
  { key: 'd3', max: 7 },
  { key: 'd7', max: Infinity },
] as const;

const sum = (xs: number[]) => xs.reduce((a, b) => a + BigInt(b), 0n);

// one series per key over the dates, zero where a key has nothing that day
function seriesByDay<T>(
  rows: T[],
  dates: string[],
  keyOf: (r: T) => string,
  dayOf: (r: T) => string,
  value: (r: T) => number,
) {
  const keys = [...new Set(rows.map(keyOf))].sort();
  return keys.map((k) => {
    const byDay = new Map<string, number>();
    for (const r of rows) if (keyOf(r) === k) byDay.set(dayOf(r), (byDay.get(dayOf(r)) ?? 0) + value(r));
    return { name: k, data: dates.map((d) => byDay.get(d) ?? 0) };
  });
}

export function TodayPage() {
  const { t } = useTranslation();
  const yesterday = localDay(-1);
  const from = localDay(-DAYS);
  const dates = useMemo(
    () => Array.from({ length: DAYS }, (_, i) => dayjs(from).add(i, 'day').format('YYYY-MM-DD')),
    [from],
  );
  const day = useQuery({
    queryKey: ['clearing-day', yesterday],
    queryFn: () => get<{ day: ClearingDay }>(`/api/v1/clearing/days/${yesterday}`),
  });
  const payouts = useQuery({
    queryKey: ['payouts', from, yesterday],
    queryFn: () => get<Payouts>(`/api/v1/payouts${qs({ from, to: yesterday })}`),
  });
  const settlements = useQuery({
    queryKey: ['settlements', from, yesterday],
    queryFn: () => get<Settlements>(`/api/v1/settlements${qs({ from, to: yesterday })}`),
  });
  const exceptions = useQuery({
    queryKey: ['exceptions', 'open', 'all'],
    queryFn: () =>
      get<{ exceptions: FinanceException[] }>(`/api/v1/finance/exceptions${qs({ status: 'open', limit: 500 })}`),
  });

  // the ledger's invariants (balanced journal, float, splits, mirrors) checked now
  const ledger = useQuery({
    queryKey: ['ledger-check'],
    queryFn: () => get<{ ok: boolean; failures: Array<{ check: string; detail: string }> }>('/api/v1/ledger/check'),
  });
  const d = day.data?.day;
  const done = new Set((d?.steps ?? []).map((s) => s.step));
  const revenue = sum((d?.operators ?? []).map((o) => o.amount));
  const bySource = useMemo(() => {
    const m = new Map<string, { transactions: number; amount: bigint }>();
    for (const o of d?.operators ?? []) {
      const x = m.get(o.source) ?? { transactions: 0, amount: 0n };
      m.set(o.source, { transactions: x.transactions + o.transactions, amount: x.amount + BigInt(o.amount) });
    }
    return [...m].map(([source, x]) => ({ source, ...x }));
  }, [d]);
  const yesterdaySettlements = (settlements.data?.settlements ?? []).filter((s) => s.clearingDate === yesterday);
  const yesterdayPayouts = (payouts.data?.payouts ?? []).filter((p) => p.clearingDate === yesterday);
  const ageRows = useMemo(() => {
    const m = new Map<string, Record<string, number>>();
    for (const e of exceptions.data?.exceptions ?? []) {
      const age = Math.max(0, dayjs().diff(dayjs(e.raisedAt), 'day', true));
      const bucket = AGES.find((a) => age < a.max)!.key;
      const row = m.get(e.kind) ?? { d0: 0, d1: 0, d3: 0, d7: 0 };
      row[bucket] = (row[bucket] ?? 0) + 1;
      m.set(e.kind, row);
    }
    return [...m].map(([kind, r]) => ({ kind, ...r, total: Object.values(r).reduce((a, b) => a + b, 0) }));
  }, [exceptions.data]);

  const axisDates = dates.map((x) => x.slice(5));
  const operatorChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => Fen.format(v) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 70, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: axisDates },
      yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
      series: seriesByDay(
        payouts.data?.payouts ?? [],
        dates,
        (p) => p.operatorId,
        (p) => p.clearingDate,
        (p) => p.amount,
      ).map((s) => ({ ...s, type: 'bar', stack: 'operators' })),
    }),
    [payouts.data, dates],
  );
  const provinceChart: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => Fen.format(v) },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 70, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: axisDates },
      yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
      series: seriesByDay(
        settlements.data?.settlements ?? [],
        dates,
        (s) => s.network,
        (s) => s.clearingDate,
        (s) => s.net,
      ).map((s) => ({ ...s, type: 'line', showSymbol: false })),
    }),
    [settlements.data, dates],
  );

  return (
    <section aria-labelledby="today-title">
      <Typography.Title id="today-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.today.title', { date: yesterday })}
      </Typography.Title>
      <ErrorLine error={day.error ?? payouts.error ?? settlements.error ?? exceptions.error} />
      <Row gutter={[12, 12]}>
        <Col span={6}>
          <Card size="small">
            <Statistic title={t('finance.today.revenue')} value={Fen.format(revenue)} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t('finance.today.payouts')}
              value={Fen.format(sum(yesterdayPayouts.map((p) => p.amount)))}
              suffix={<small>{t('finance.today.operators', { count: yesterdayPayouts.length })}</small>}
            />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t('finance.today.provincesNet')}
              value={Fen.format(sum(yesterdaySettlements.map((s) => s.net)))}
              suffix={<small>{t('finance.today.provinces', { count: yesterdaySettlements.length })}</small>}
            />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={t('finance.today.openExceptions')}
              value={exceptions.data?.exceptions.length ?? 0}
              suffix={
                <Link to="/finance/exceptions" style={{ ...LINK, fontSize: 14 }}>
                  {t('finance.today.toQueue')}
                </Link>
              }
            />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.progress')}</h2>}>
            <Progress
              percent={Math.round((done.size * 100) / CLEARING_STEPS.length)}
              format={() => `${done.size}/${CLEARING_STEPS.length}`}
              aria-label={t('finance.today.progress')}
            />
            <p style={{ margin: '8px 0 0' }}>
              {d?.state === 'sealed' ? t('finance.dayStates.sealed') : t('finance.dayStates.open')}
              {' · '}
              {done.size === CLEARING_STEPS.length
                ? t('finance.today.allDone')
                : t('finance.today.next', { step: t(`finance.steps.${CLEARING_STEPS.find((s) => !done.has(s))}`) })}
              {' · '}
              <Link to="/finance/clearing" search={{ date: yesterday }} style={LINK}>
                {t('finance.today.toDay')}
              </Link>
            </p>
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
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.bySource')}</h2>}>
            <Table
              size="small"
              pagination={false}
              rowKey="source"
              dataSource={bySource}
              locale={{ emptyText: t('finance.empty') }}
              columns={[
                { title: t('finance.source'), dataIndex: 'source', render: (s: string) => sourceLabel(t, s) },
                { title: t('finance.transactions'), dataIndex: 'transactions', align: 'right' },
                {
                  title: t('finance.amount'),
                  dataIndex: 'amount',
                  align: 'right',
                  render: (a: bigint) => <Money fen={a} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.provinceTable')}</h2>}>
            <Table
              size="small"
              pagination={false}
              rowKey="network"
              dataSource={yesterdaySettlements}
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
              ]}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card
            size="small"
            title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.operatorChart', { days: DAYS })}</h2>}
          >
            <Chart
              option={operatorChart}
              label={t('finance.today.operatorChart', { days: DAYS })}
              empty={t('finance.empty')}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card
            size="small"
            title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.provinceChart', { days: DAYS })}</h2>}
          >
            <Chart
              option={provinceChart}
              label={t('finance.today.provinceChart', { days: DAYS })}
              empty={t('finance.empty')}
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.byOperator')}</h2>}>
            <Table
              size="small"
              pagination={false}
              rowKey={(o) => `${o.operatorId}-${o.source}`}
              dataSource={d?.operators ?? []}
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
            />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finance.today.exceptionsByAge')}</h2>}>
            <Table
              size="small"
              pagination={false}
              rowKey="kind"
              dataSource={ageRows}
              locale={{ emptyText: t('finance.exceptions.none') }}
              columns={[
                {
                  title: t('finance.exceptions.kind'),
                  dataIndex: 'kind',
                  render: (k: string) => t(`finance.kinds.${k}`, { defaultValue: k }),
                },
                ...AGES.map((a) => ({
                  title: t(`finance.today.ages.${a.key}`),
                  dataIndex: a.key,
                  align: 'right' as const,
                })),
                { title: t('finance.total'), dataIndex: 'total', align: 'right' as const },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
