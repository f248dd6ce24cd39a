// On a debit customer's page: the account's bills (PDF/CSV) and its credit grade with history.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { BillsTable, type Bill } from './bills-table.tsx';

type GradeEvent = {
  id: number;
  at: string;
  kind: string;
  fromGrade: string;
  toGrade: string;
  by: string;
  note: string | null;
};

export function DebitPanel({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const bills = useQuery({
    queryKey: ['credit', accountId, 'bills'],
    queryFn: () => get<{ bills: Bill[] }>(`/api/v1/accounts/${accountId}/bills`),
  });
  const grade = useQuery({
    queryKey: ['credit', accountId, 'grade'],
    queryFn: () => get<{ grade: string; history: GradeEvent[] }>(`/api/v1/accounts/${accountId}/credit-grade`),
  });
  return (
    <Col span={24}>
      <Card
        title={
          <>
            {t('credit.bills.title')} · {t('credit.grade.title')} <Tag>{grade.data?.grade ?? '…'}</Tag>
          </>
        }
        size="small"
      >
        <ErrorLine error={bills.error ?? grade.error} />
        <BillsTable bills={bills.data?.bills ?? []} />
        <Table<GradeEvent>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={grade.data?.history ?? []}
          locale={{ emptyText: t('credit.grade.empty') }}
          columns={[
            { title: t('credit.grade.at'), dataIndex: 'at', render: (d: string) => dayjs(d).format('YYYY-MM-DD') },
            { title: t('credit.grade.kind'), dataIndex: 'kind', render: (k: string) => t(`credit.grade.kinds.${k}`) },
            {
              title: t('credit.grade.change'),
              key: 'change',
              render: (_: unknown, e) => `${e.fromGrade} → ${e.toGrade}`,
            },
            { title: t('credit.grade.by'), dataIndex: 'by' },
            { title: t('credit.grade.note'), dataIndex: 'note' },
          ]}
        />
      </Card>
    </Col>
  );
}
