// On a debit customer's page: the account's bills (PDF/CSV) and its credit grade with history.
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { BillsTable, type Bill } from './bills-table.tsx';
import { GradeHistory, type GradeView } from './grade-history.tsx';

export function DebitPanel({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const bills = useQuery({
    queryKey: ['credit', accountId, 'bills'],
    queryFn: () => get<{ bills: Bill[] }>(`/api/v1/accounts/${accountId}/bills`),
  });
  const grade = useQuery({
    queryKey: ['credit', accountId, 'grade'],
    queryFn: () => get<GradeView>(`/api/v1/accounts/${accountId}/credit-grade`),
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
        <GradeHistory history={grade.data?.history ?? []} />
      </Card>
    </Col>
  );
}
