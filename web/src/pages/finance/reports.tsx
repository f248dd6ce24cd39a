// Reports a provincial centre sends upward, made by the service: daily operations, monthly revenue
// per road operator and source, customers and cards by type and tier, bank channel volumes. Each
// over a range of days, on screen as a table with its totals and as the service's CSV or XLSX file
// (downloads are audited there). Amounts are fen on the wire, yuan on screen.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { download, localDay, type ReportList, type ReportTable } from './api.ts';
import { DayRangeFields, type DayRange } from './day-field.tsx';
import { sourceLabel } from './clearing.tsx';

// the money reports first; the service may add reports, which follow in its order
const ORDER = ['monthly-revenue', 'province-settlements', 'bank-channel', 'daily-operations', 'customers-cards'];
const rank = (r: string) => (ORDER.includes(r) ? ORDER.indexOf(r) : ORDER.length);
type Cell = string | number | null;

function ReportCard({ report, range }: { report: string; range: DayRange }) {
  const { t } = useTranslation();
  const [fileError, setFileError] = useState<unknown>(null);
  const q = useQuery({
    queryKey: ['report', report, range.from, range.to],
    queryFn: () => get<ReportTable>(`/api/v1/reports/${report}${qs(range)}`),
  });
  const title = t(`finance.reports.names.${report}`, { defaultValue: report });
  const columns = q.data?.columns ?? [];
  const text = (key: string, v: Cell) => {
    if (v === null) return '—';
    if (key === 'source' && typeof v === 'string') return sourceLabel(t, v);
    return typeof v === 'string' ? t(`finance.reports.values.${v}`, { defaultValue: v }) : String(v);
  };
  const file = (format: 'csv' | 'xlsx') =>
    download(`/api/v1/reports/${report}/export${qs({ ...range, format })}`, `${report}.${format}`).then(
      () => setFileError(null),
      setFileError,
    );
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 15, margin: 0 }}>{title}</h2>}
      extra={
        <Space>
          <Button
            size="small"
            onClick={() => void file('csv')}
            aria-label={`${title} ${t('finance.reports.downloadCsv')}`}
          >
            {t('finance.reports.downloadCsv')}
          </Button>
          <Button
            size="small"
            onClick={() => void file('xlsx')}
            aria-label={`${title} ${t('finance.reports.downloadXlsx')}`}
          >
            {t('finance.reports.downloadXlsx')}
          </Button>
        </Space>
      }
      style={{ marginBottom: 16 }}
      data-report={report}
    >
      <ErrorLine error={q.error ?? fileError} />
      {/* a long report scrolls in its card; the region takes focus so the keyboard scrolls it too */}
      <div role="region" aria-label={title} tabIndex={0} style={{ maxHeight: 360, overflow: 'auto' }}>
        <Table<Record<string, Cell>>
          size="small"
          pagination={false}
          rowKey={(r) => columns.map((c) => String(r[c.key])).join('|')}
          loading={q.isLoading}
          dataSource={q.data?.rows ?? []}
          locale={{ emptyText: t('finance.empty') }}
          columns={columns.map((c) => ({
            title: t(`finance.reports.columns.${c.key}`, { defaultValue: c.key }),
            dataIndex: c.key,
            align: c.kind === 'text' ? undefined : ('right' as const),
            render: (v: Cell) => (c.kind === 'money' ? <Money fen={v as number | null} /> : text(c.key, v)),
          }))}
          summary={() =>
            q.data?.rows.length ? (
              <Table.Summary.Row>
                {columns.map((c, i) => (
                  <Table.Summary.Cell key={c.key} index={i} align={c.kind === 'text' ? undefined : 'right'}>
                    {i === 0 ? (
                      t('finance.total')
                    ) : c.kind === 'money' ? (
                      <Money fen={q.data.totals[c.key]} />
                    ) : (
                      (q.data.totals[c.key]?.toString() ?? '')
                    )}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            ) : null
          }
        />
      </div>
    </Card>
  );
}

export function ReportsPage() {
  const { t } = useTranslation();
  const yesterday = localDay(-1);
  const [range, setRange] = useState<DayRange>({ from: `${yesterday.slice(0, 7)}-01`, to: yesterday });
  const list = useQuery({ queryKey: ['reports'], queryFn: () => get<ReportList>('/api/v1/reports') });
  return (
    <section aria-labelledby="reports-title">
      <Typography.Title id="reports-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.reports.title')}
      </Typography.Title>
      <DayRangeFields
        idPrefix="report"
        labels={{ from: t('finance.reports.from'), to: t('finance.reports.to') }}
        range={range}
        onChange={setRange}
      >
        <Space>{t('finance.reports.period', range)}</Space>
      </DayRangeFields>
      <ErrorLine error={list.error} />
      {[...(list.data?.reports ?? [])]
        .sort((a, b) => rank(a.report) - rank(b.report))
        .map((r) => (
          <ReportCard key={r.report} report={r.report} range={range} />
        ))}
    </section>
  );
}
