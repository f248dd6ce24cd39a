// Reports a provincial centre sends upward, on screen and as files: a month's revenue per road
// operator and source (own cards, other provinces) from the payouts, and the month's position with
// each province from the settlements. The files are the tables as shown (CSV with a BOM, for
// spreadsheets reading Chinese), amounts in fen and in yuan.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import { localDay, type Payouts, type Settlements } from './api.ts';

type Column<T> = { title: string; key: keyof T & string; money?: boolean };

function csvOf<T extends Record<string, unknown>>(columns: Column<T>[], rows: T[]): string {
  const cell = (v: unknown) => {
    const s = String(v ?? '');
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const head = columns.flatMap((c) => (c.money ? [`${c.title} (fen)`, `${c.title} (yuan)`] : [c.title]));
  const body = rows.map((r) =>
    columns.flatMap((c) =>
      c.money ? [String(r[c.key]), Fen.format(r[c.key] as bigint).replace(/[¥,]/g, '')] : [String(r[c.key])],
    ),
  );
  return '\uFEFF' + [head, ...body].map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}

function saveCsv(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ReportCard<T extends Record<string, unknown>>(props: {
  title: string;
  file: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: keyof T & string;
}) {
  const { t } = useTranslation();
  const totals = useMemo(() => {
    const sums: Record<string, bigint> = {};
    for (const c of props.columns)
      if (c.money || typeof props.rows[0]?.[c.key] === 'bigint')
        sums[c.key] = props.rows.reduce((a, r) => a + BigInt(r[c.key] as bigint), 0n);
    return sums;
  }, [props.columns, props.rows]);
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 15, margin: 0 }}>{props.title}</h2>}
      extra={
        <Button size="small" onClick={() => saveCsv(props.file, csvOf(props.columns, props.rows))}>
          {t('finance.downloadCsv')}
        </Button>
      }
      style={{ marginBottom: 16 }}
    >
      <Table<T>
        size="small"
        pagination={false}
        rowKey={props.rowKey}
        dataSource={props.rows}
        locale={{ emptyText: t('finance.empty') }}
        columns={props.columns.map((c) => ({
          title: c.title,
          dataIndex: c.key,
          align: c.money || typeof props.rows[0]?.[c.key] === 'bigint' ? ('right' as const) : undefined,
          render: (v: unknown) => (c.money ? <Money fen={v as bigint} /> : String(v)),
        }))}
        summary={() =>
          props.rows.length ? (
            <Table.Summary.Row>
              {props.columns.map((c, i) => (
                <Table.Summary.Cell key={c.key} index={i} align={c.key in totals ? 'right' : undefined}>
                  {i === 0 ? (
                    t('finance.total')
                  ) : c.money ? (
                    <Money fen={totals[c.key]} />
                  ) : (
                    (totals[c.key]?.toString() ?? '')
                  )}
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          ) : null
        }
      />
    </Card>
  );
}

export function ReportsPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(localDay(-1).slice(0, 7));
  const from = `${month}-01`;
  const end = dayjs(from).endOf('month').format('YYYY-MM-DD');
  const to = end < localDay(-1) ? end : localDay(-1) < from ? from : localDay(-1);
  const payouts = useQuery({
    queryKey: ['payouts', from, to],
    queryFn: () => get<Payouts>(`/api/v1/payouts${qs({ from, to })}`),
  });
  const settlements = useQuery({
    queryKey: ['settlements', from, to],
    queryFn: () => get<Settlements>(`/api/v1/settlements${qs({ from, to })}`),
  });
  const revenue = useMemo(() => {
    const m = new Map<
      string,
      { operatorId: string; days: bigint; transactions: bigint; own: bigint; provinces: bigint; total: bigint }
    >();
    for (const p of payouts.data?.payouts ?? []) {
      const r = m.get(p.operatorId) ?? {
        operatorId: p.operatorId,
        days: 0n,
        transactions: 0n,
        own: 0n,
        provinces: 0n,
        total: 0n,
      };
      r.days += 1n;
      r.transactions += BigInt(p.transactions);
      r.own += BigInt(p.ownAmount);
      r.provinces += BigInt(p.interchangeAmount);
      r.total += BigInt(p.amount);
      m.set(p.operatorId, r);
    }
    return [...m.values()].sort((a, b) => a.operatorId.localeCompare(b.operatorId));
  }, [payouts.data]);
  const provinces = useMemo(() => {
    const m = new Map<
      string,
      {
        network: string;
        transactionsIn: bigint;
        transactionsOut: bigint;
        receivable: bigint;
        payable: bigint;
        net: bigint;
      }
    >();
    for (const s of settlements.data?.settlements ?? []) {
      const r = m.get(s.network) ?? {
        network: s.network,
        transactionsIn: 0n,
        transactionsOut: 0n,
        receivable: 0n,
        payable: 0n,
        net: 0n,
      };
      r.transactionsOut += BigInt(s.confirmedCount);
      r.transactionsIn += BigInt(s.acceptedCount);
      r.receivable += BigInt(s.receivable);
      r.payable += BigInt(s.payable);
      r.net += BigInt(s.net);
      m.set(s.network, r);
    }
    return [...m.values()].sort((a, b) => a.network.localeCompare(b.network));
  }, [settlements.data]);
  return (
    <section aria-labelledby="reports-title">
      <Typography.Title id="reports-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.reports.title')}
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 12 }}>
        <Form.Item label={t('finance.reports.month')} htmlFor="report-month">
          <DatePicker
            id="report-month"
            picker="month"
            autoFocus
            allowClear={false}
            format="YYYY-MM"
            value={dayjs(from)}
            onChange={(d) => d && setMonth(d.format('YYYY-MM'))}
          />
        </Form.Item>
        <Space>{t('finance.reports.period', { from, to })}</Space>
      </Form>
      <ErrorLine error={payouts.error ?? settlements.error} />
      <ReportCard
        title={t('finance.reports.revenue')}
        file={`revenue-${month}.csv`}
        rowKey="operatorId"
        rows={revenue}
        columns={[
          { title: t('finance.operator'), key: 'operatorId' },
          { title: t('finance.transactions'), key: 'transactions' },
          { title: t('finance.sources.own'), key: 'own', money: true },
          { title: t('finance.sources.provinces'), key: 'provinces', money: true },
          { title: t('finance.amount'), key: 'total', money: true },
        ]}
      />
      <ReportCard
        title={t('finance.reports.provinces')}
        file={`provinces-${month}.csv`}
        rowKey="network"
        rows={provinces}
        columns={[
          { title: t('finance.network'), key: 'network' },
          { title: t('finance.reports.theirCardsHere'), key: 'transactionsOut' },
          { title: t('finance.reports.ourCardsThere'), key: 'transactionsIn' },
          { title: t('finance.receivable'), key: 'receivable', money: true },
          { title: t('finance.payable'), key: 'payable', money: true },
          { title: t('finance.net'), key: 'net', money: true },
        ]}
      />
    </section>
  );
}
