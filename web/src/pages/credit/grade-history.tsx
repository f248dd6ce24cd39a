// A debit account's grade history (warnings, downgrades, upgrade proposals and decisions), newest last.
import { Table } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';

export type GradeEvent = {
  id: number;
  at: string;
  kind: string;
  fromGrade: string;
  toGrade: string;
  by: string;
  note: string | null;
};
export type GradeView = { grade: 'A' | 'B' | 'C' | 'D'; history: GradeEvent[] };

export function GradeHistory({ history }: { history: GradeEvent[] }) {
  const { t } = useTranslation();
  return (
    <Table<GradeEvent>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={history}
      locale={{ emptyText: t('credit.grade.empty') }}
      columns={[
        { title: t('credit.grade.at'), dataIndex: 'at', render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm') },
        { title: t('credit.grade.kind'), dataIndex: 'kind', render: (k: string) => t(`credit.grade.kinds.${k}`) },
        { title: t('credit.grade.change'), key: 'change', render: (_: unknown, e) => `${e.fromGrade} → ${e.toGrade}` },
        { title: t('credit.grade.by'), dataIndex: 'by', render: (b: string) => b.replace(/^user:/, '') },
        { title: t('credit.grade.note'), dataIndex: 'note' },
      ]}
    />
  );
}
