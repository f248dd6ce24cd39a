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

// The notes the service writes itself (credit/grades.ts) are stored in English; shown in the user's language.
const SYSTEM_NOTES: Record<string, string> = {
  'first late payment within 12 months': 'credit.grade.systemNotes.firstLate',
  'second late payment within 12 months': 'credit.grade.systemNotes.secondLate',
};

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
        {
          title: t('credit.grade.note'),
          dataIndex: 'note',
          render: (note: string | null, e) =>
            e.by === 'system' && note && SYSTEM_NOTES[note] ? t(SYSTEM_NOTES[note]) : note,
        },
      ]}
    />
  );
}
