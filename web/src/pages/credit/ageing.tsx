// Finance's ageing report: outstanding of open bills by days past due, per customer (by name, with its
// account) and in total; from a row, finance opens the account's bills to write off or its grade.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ageingRowJson } from '@server/modules/credit/responses.ts';
import { get, session } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';

type Row = z.infer<typeof ageingRowJson>;
// the theme's primary: antd's default link blue is too light for small text (axe colour contrast)
const LINK = { color: '#0b5cad' };
const BUCKETS = ['current', 'd1to30', 'd31to60', 'd61to90', 'over90', 'total'] as const;

export function AgeingPage() {
  const { t } = useTranslation();
  const finance = session.user()?.role === 'finance';
  const q = useQuery({
    queryKey: ['credit', 'ageing'],
    queryFn: () => get<{ at: string; rows: Row[]; total: Omit<Row, 'customerName'> }>('/api/v1/credit/ageing'),
  });
  const rows: Row[] = q.data
    ? [...q.data.rows, { ...q.data.total, customerId: 0, accountId: 0, customerName: '' }]
    : [];
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
              r.customerId === 0 ? <strong>{t('credit.ageing.total')}</strong> : r.customerName,
          },
          {
            title: t('credit.ageing.account'),
            key: 'account',
            render: (_: unknown, r) => (r.accountId === 0 ? '' : r.accountId),
          },
          ...BUCKETS.map((b) => ({
            title: t(`credit.ageing.${b}`),
            dataIndex: b,
            align: 'right' as const,
            render: (f: number) => <Money fen={f} />,
          })),
          {
            title: t('credit.ageing.actions'),
            key: 'act',
            render: (_: unknown, r) =>
              r.accountId === 0 ? null : (
                <Space>
                  {finance && (
                    <Link to="/credit/write-offs" search={{ account: r.accountId }} style={LINK}>
                      {t('credit.ageing.writeOff')}
                    </Link>
                  )}
                  <Link to="/credit/grades" search={{ account: r.accountId }} style={LINK}>
                    {t('credit.ageing.grade')}
                  </Link>
                </Space>
              ),
          },
        ]}
      />
    </>
  );
}
