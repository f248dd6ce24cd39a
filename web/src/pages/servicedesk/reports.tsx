// Service desk reports: the end-of-day summary per outlet (a bar chart), a month's on-time rates,
// satisfaction, breaches and top root causes; each downloadable as CSV or XLSX.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Descriptions, Select, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs, session } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { SD, type Breach, type CauseCount, type OutletDay, type SlaRates } from './api.ts';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

function OutletChart({ rows }: { rows: OutletDay[] }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.setOption({
      animation: false,
      tooltip: {},
      legend: { data: [t('sd.reports.received'), t('sd.reports.closed'), t('sd.reports.openAtEnd')] },
      xAxis: { type: 'category', data: rows.map((r) => r.outlet) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('sd.reports.received'),
          type: 'bar',
          data: rows.map((r) => r.received),
          itemStyle: { color: '#1f5fa8' },
        },
        { name: t('sd.reports.closed'), type: 'bar', data: rows.map((r) => r.closed), itemStyle: { color: '#2e7d32' } },
        {
          name: t('sd.reports.openAtEnd'),
          type: 'bar',
          data: rows.map((r) => r.openAtEnd),
          itemStyle: { color: '#b45309' },
        },
      ],
    });
    return () => chart.dispose();
  }, [rows, t]);
  return (
    <div ref={el} role="img" aria-label={t('sd.reports.chart')} style={{ width: '100%', maxWidth: 720, height: 260 }} />
  );
}

async function download(params: Record<string, string>) {
  const res = await fetch(`${SD}/reports/export${qs(params)}`, {
    headers: { Authorization: `Bearer ${session.token()}` },
  });
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `servicedesk-${params.report}.${params.format}`;
  a.click();
}

export function ReportsPage() {
  const { t } = useTranslation();
  const [day, setDay] = useState<Dayjs>(dayjs());
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [by, setBy] = useState<'outlet' | 'channel' | 'category'>('category');
  const date = day.format('YYYY-MM-DD');
  const m = month.format('YYYY-MM');
  const daily = useQuery({
    queryKey: ['sd-daily', date],
    queryFn: () => get<{ outlets: OutletDay[] }>(`${SD}/reports/daily${qs({ date })}`),
  });
  const monthly = useQuery({
    queryKey: ['sd-monthly', m, by],
    queryFn: () =>
      get<{ rates: SlaRates; breaches: Breach[]; rootCauses: CauseCount[] }>(
        `${SD}/reports/monthly${qs({ month: m, by })}`,
      ),
  });
  const rate = (ok: number, late: number) => (ok + late ? `${Math.round((ok * 1000) / (ok + late)) / 10}%` : '—');
  const r = monthly.data?.rates;
  return (
    <section aria-labelledby="sd-reports-title">
      <Typography.Title id="sd-reports-title" level={1} style={{ fontSize: 20 }}>
        {t('sd.reports.title')}
      </Typography.Title>
      <ErrorLine error={daily.error ?? monthly.error} />
      <Card
        size="small"
        title={t('sd.reports.daily')}
        extra={
          <Space>
            <DatePicker
              aria-label={t('sd.reports.date')}
              value={day}
              onChange={(d) => d && setDay(d)}
              allowClear={false}
            />
            <Button onClick={() => void download({ report: 'daily', date, format: 'csv' })}>CSV</Button>
            <Button onClick={() => void download({ report: 'daily', date, format: 'xlsx' })}>XLSX</Button>
          </Space>
        }
        style={{ marginBottom: 12 }}
      >
        <OutletChart rows={daily.data?.outlets ?? []} />
      </Card>
      <Card
        size="small"
        title={t('sd.reports.monthly')}
        extra={
          <DatePicker
            picker="month"
            aria-label={t('sd.reports.month')}
            value={month}
            onChange={(d) => d && setMonth(d)}
            allowClear={false}
          />
        }
        style={{ marginBottom: 12 }}
      >
        {r && (
          <Descriptions size="small" bordered column={3}>
            <Descriptions.Item label={t('sd.reports.tickets')}>{r.tickets}</Descriptions.Item>
            <Descriptions.Item label={t('sd.reports.firstReplyRate')}>
              {rate(r.firstReplyOnTime, r.firstReplyLate)}
            </Descriptions.Item>
            <Descriptions.Item label={t('sd.reports.resolutionRate')}>
              {rate(r.resolvedOnTime, r.resolvedLate)}
            </Descriptions.Item>
            <Descriptions.Item label={t('sd.reports.satisfaction')}>{r.averageSatisfaction ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sd.reports.callbacks')}>{r.callbacks}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card
        size="small"
        title={t('sd.reports.rootCauses')}
        extra={
          <Space>
            <Select
              aria-label={t('sd.reports.by')}
              value={by}
              onChange={setBy}
              options={(['category', 'channel', 'outlet'] as const).map((b) => ({
                value: b,
                label: t(`sd.reports.byOptions.${b}`),
              }))}
              style={{ width: 120 }}
            />
            <Button onClick={() => void download({ report: 'root-causes', month: m, by, format: 'xlsx' })}>XLSX</Button>
          </Space>
        }
        style={{ marginBottom: 12 }}
      >
        <Table<CauseCount>
          rowKey={(x) => `${x.rootCause}-${x.group}`}
          size="small"
          pagination={false}
          dataSource={monthly.data?.rootCauses ?? []}
          columns={[
            { title: t('sd.rootCause'), dataIndex: 'name' },
            {
              title: t(`sd.reports.byOptions.${by}`),
              dataIndex: 'group',
              render: (g: string) =>
                by === 'outlet' ? g : t(`sd.${by === 'channel' ? 'channels' : 'categories'}.${g}`),
            },
            { title: t('sd.reports.tickets'), dataIndex: 'tickets' },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('sd.reports.breaches')}
        extra={<Button onClick={() => void download({ report: 'breaches', month: m, format: 'csv' })}>CSV</Button>}
      >
        <Table<Breach>
          rowKey={(x) => `${x.ticketId}-${x.clock}`}
          size="small"
          pagination={{ pageSize: 20 }}
          dataSource={monthly.data?.breaches ?? []}
          columns={[
            { title: t('sd.ticketNo'), dataIndex: 'ticketNo' },
            { title: t('sd.clock.name'), dataIndex: 'clock', render: (c: string) => t(`sd.clock.${c}`) },
            { title: t('sd.clock.due'), dataIndex: 'dueAt', render: (v: string) => dayjs(v).format('MM-DD HH:mm') },
            { title: t('sd.links.outlet'), dataIndex: 'outlet' },
          ]}
        />
      </Card>
    </section>
  );
}
