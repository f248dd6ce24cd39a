// The account manager's portfolio: their customers with segment, vehicles, pool, usage per month,
// bills and ageing; a customer's visit log and the form to record a visit.
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Descriptions, Form, Input, Table, Typography } from 'antd';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { get, post } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { BillsTable, type Bill } from './bills-table.tsx';

type Ageing = { current: number; d1to30: number; d31to60: number; d61to90: number; over90: number; total: number };
type PortfolioCustomer = {
  customerId: number;
  name: string;
  segment: string;
  accountId: number;
  vehicles: number;
  pool: { poolFen: number; allocatedFen: number; vehicles: number } | null;
  usage: Array<{ month: string; trips: number; amount: number }>;
  bills: Bill[];
  ageing: Ageing | null;
  lastVisit: string | null;
  nextVisit: string | null;
};
type Visit = { id: number; visitedOn: string; visitedBy: string; notes: string; nextVisit: string | null };

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
const visitSchema = z.object({
  visitedOn: z.string().regex(isoDay, 'credit.visit.dateFormat'),
  visitedBy: z.string().trim().min(1, 'form.required'),
  notes: z.string().trim().min(1, 'form.required'),
  nextVisit: z.string().regex(isoDay, 'credit.visit.dateFormat').or(z.literal('')),
});
type VisitValues = z.infer<typeof visitSchema>;

function VisitLog({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const visits = useQuery({
    queryKey: ['portfolio', customerId, 'visits'],
    queryFn: () => get<{ visits: Visit[] }>(`/api/v1/portfolio/customers/${customerId}/visits`),
  });
  const { control, handleSubmit, reset, formState } = useForm<VisitValues>({
    resolver: zodResolver(visitSchema),
    defaultValues: { visitedOn: new Date().toISOString().slice(0, 10), visitedBy: '', notes: '', nextVisit: '' },
  });
  const save = useMutation({
    mutationFn: (v: VisitValues) =>
      post(`/api/v1/portfolio/customers/${customerId}/visits`, { ...v, nextVisit: v.nextVisit || null }),
    onSuccess: () => {
      reset();
      void qc.invalidateQueries({ queryKey: ['portfolio'] });
    },
  });
  const field = (name: keyof VisitValues, label: string, area = false) => (
    <Controller
      name={name}
      control={control}
      render={({ field: f, fieldState }) => (
        <Form.Item
          label={label}
          htmlFor={`visit-${name}`}
          validateStatus={fieldState.error ? 'error' : undefined}
          help={fieldState.error ? t(fieldState.error.message ?? 'form.required') : undefined}
        >
          {area ? <Input.TextArea id={`visit-${name}`} rows={2} {...f} /> : <Input id={`visit-${name}`} {...f} />}
        </Form.Item>
      )}
    />
  );
  return (
    <>
      <Typography.Title level={5}>{t('credit.visit.title')}</Typography.Title>
      <Table<Visit>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={visits.data?.visits ?? []}
        locale={{ emptyText: t('credit.visit.empty') }}
        columns={[
          { title: t('credit.visit.date'), dataIndex: 'visitedOn' },
          { title: t('credit.visit.by'), dataIndex: 'visitedBy' },
          { title: t('credit.visit.notes'), dataIndex: 'notes' },
          { title: t('credit.visit.next'), dataIndex: 'nextVisit' },
        ]}
      />
      <Form layout="inline" onFinish={() => void handleSubmit((v) => save.mutate(v))()} style={{ marginTop: 8 }}>
        {field('visitedOn', t('credit.visit.date'))}
        {field('visitedBy', t('credit.visit.by'))}
        {field('notes', t('credit.visit.notes'), true)}
        {field('nextVisit', t('credit.visit.next'))}
        <Button type="primary" htmlType="submit" loading={save.isPending || formState.isSubmitting}>
          {t('credit.visit.save')}
        </Button>
      </Form>
      <ErrorLine error={save.error} />
    </>
  );
}

export function PortfolioPage() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['portfolio'],
    queryFn: () => get<{ customers: PortfolioCustomer[] }>('/api/v1/portfolio'),
  });
  const [open, setOpen] = useState<number | null>(null);
  const chosen = q.data?.customers.find((c) => c.customerId === open);
  return (
    <>
      <Typography.Title level={3}>{t('credit.portfolio.title')}</Typography.Title>
      <ErrorLine error={q.error} />
      <Table<PortfolioCustomer>
        rowKey="customerId"
        size="small"
        pagination={false}
        dataSource={q.data?.customers ?? []}
        locale={{ emptyText: t('credit.portfolio.empty') }}
        onRow={(c) => ({ onClick: () => setOpen(c.customerId) })}
        columns={[
          {
            title: t('credit.portfolio.customer'),
            dataIndex: 'name',
            render: (n: string, c) => (
              <Button type="text" style={{ textDecoration: 'underline' }} onClick={() => setOpen(c.customerId)}>
                {n}
              </Button>
            ),
          },
          {
            title: t('credit.portfolio.segment'),
            dataIndex: 'segment',
            render: (s: string) => t(`credit.segment.${s}`),
          },
          { title: t('credit.portfolio.vehicles'), dataIndex: 'vehicles', align: 'right' },
          {
            title: t('credit.portfolio.pool'),
            dataIndex: 'pool',
            align: 'right',
            render: (p: PortfolioCustomer['pool']) => (p ? <Money fen={p.poolFen} /> : t('credit.portfolio.unknown')),
          },
          {
            title: t('credit.portfolio.outstanding'),
            key: 'outstanding',
            align: 'right',
            render: (_: unknown, c) => <Money fen={c.ageing?.total ?? 0} />,
          },
          {
            title: t('credit.portfolio.overdue'),
            key: 'overdue',
            align: 'right',
            render: (_: unknown, c) => <Money fen={(c.ageing?.total ?? 0) - (c.ageing?.current ?? 0)} />,
          },
          { title: t('credit.portfolio.nextVisit'), dataIndex: 'nextVisit' },
        ]}
      />
      {chosen && (
        <Card title={chosen.name} style={{ marginTop: 16 }}>
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t('credit.portfolio.segment')}>
              {t(`credit.segment.${chosen.segment}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('credit.portfolio.vehicles')}>{chosen.vehicles}</Descriptions.Item>
            <Descriptions.Item label={t('credit.portfolio.allocated')}>
              {chosen.pool ? <Money fen={chosen.pool.allocatedFen} /> : t('credit.portfolio.unknown')}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('credit.portfolio.usage')}</Typography.Title>
          <Table
            rowKey="month"
            size="small"
            pagination={false}
            dataSource={chosen.usage}
            locale={{ emptyText: t('credit.portfolio.noUsage') }}
            columns={[
              { title: t('credit.portfolio.month'), dataIndex: 'month' },
              { title: t('credit.portfolio.trips'), dataIndex: 'trips', align: 'right' },
              {
                title: t('credit.bills.amount'),
                dataIndex: 'amount',
                align: 'right',
                render: (f: number) => <Money fen={f} />,
              },
            ]}
          />
          <Typography.Title level={5}>{t('credit.bills.title')}</Typography.Title>
          <BillsTable bills={chosen.bills} />
          <VisitLog customerId={chosen.customerId} />
        </Card>
      )}
    </>
  );
}
