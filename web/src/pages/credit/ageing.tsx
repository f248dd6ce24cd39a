// Finance's ageing report: outstanding of open bills by days past due, per customer account and in total.
import { useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';

type Row = {
  customerId: number;
  accountId: number;
  current: number;
  d1to30: number;
  d31to60: number;
  d61to90: number;
  over90: number;
  total: number;
};
const BUCKETS = ['current', 'd1to30', 'd31to60', 'd61to90', 'over90', 'total'] as const;

export function AgeingPage() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['credit', 'ageing'],
    queryFn: () => get<{ at: string; rows: Row[]; total: Row }>('/api/v1/credit/ageing'),
  });
  const rows = q.data ? [...q.data.rows, { ...q.data.total, customerId: 0, accountId: 0 }] : [];
  return (
    <>
      <Typography.Title level={3}>
        {t('credit.ageing.title')} {q.data?.at ?? ''}
      </Typography.Title>
      <ErrorLine error={q.error} />
      <Table<Row>
        rowKey={(r) => `${r.customerId}-${r.accountId}`}
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('credit.ageing.empty') }}
        columns={[
          {
            title: t('credit.ageing.customer'),
            key: 'customer',
            render: (_: unknown, r) =>
              r.customerId === 0 ? <strong>{t('credit.ageing.total')}</strong> : `${r.customerId} / ${r.accountId}`,
          },
          ...BUCKETS.map((b) => ({
            title: t(`credit.ageing.${b}`),
            dataIndex: b,
            align: 'right' as const,
            render: (f: number) => <Money fen={f} />,
          })),
        ]}
      />
    </>
  );
}
