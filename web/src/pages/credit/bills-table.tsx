// A debit account's bills with PDF/CSV downloads (portfolio and customer pages).
import { Button, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { billJson } from '@server/modules/credit/responses.ts';
import { Money } from '../../components.tsx';
import { downloadBill } from './download.ts';

export type Bill = z.infer<typeof billJson>;

export function BillsTable({ bills }: { bills: Bill[] }) {
  const { t } = useTranslation();
  return (
    <Table<Bill>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={bills}
      locale={{ emptyText: t('credit.bills.empty') }}
      columns={[
        { title: t('credit.bills.period'), dataIndex: 'periodStart', render: (d: string) => d.slice(0, 7) },
        { title: t('credit.bills.due'), dataIndex: 'dueDate' },
        {
          title: t('credit.bills.amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (f: number) => <Money fen={f} />,
        },
        { title: t('credit.bills.paid'), dataIndex: 'paid', align: 'right', render: (f: number) => <Money fen={f} /> },
        {
          title: t('credit.bills.outstanding'),
          dataIndex: 'outstanding',
          align: 'right',
          render: (f: number) => <Money fen={f} />,
        },
        {
          title: t('credit.bills.download'),
          key: 'download',
          render: (_: unknown, b) => (
            <Space>
              <Button size="small" onClick={() => void downloadBill(b.id, 'pdf')}>
                PDF
              </Button>
              <Button size="small" onClick={() => void downloadBill(b.id, 'csv')}>
                CSV
              </Button>
            </Space>
          ),
        },
      ]}
    />
  );
}
