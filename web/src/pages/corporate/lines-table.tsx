// Statement lines as a table: when, amount, payer, purpose, status and how it matched.
import { Table, Tag } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components.tsx';
import type { Line } from './api.ts';

const COLOURS: Record<string, string> = {
  matched: 'green',
  assigned: 'green',
  suspense: 'orange',
  returned: 'default',
};

export function LinesTable({ lines, actions }: { lines: Line[]; actions?: (l: Line) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <Table<Line>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={lines}
      locale={{ emptyText: t('corporate.lines.empty') }}
      columns={[
        {
          title: t('corporate.lines.bookedAt'),
          dataIndex: 'bookedAt',
          render: (d: string) => dayjs(d).format('MM-DD HH:mm'),
        },
        { title: t('corporate.lines.bank'), dataIndex: 'bank' },
        { title: t('corporate.lines.serial'), dataIndex: 'serial' },
        {
          title: t('corporate.lines.amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (a: number, l) =>
            l.direction === 'debit' ? (
              <>
                -<Money fen={a} />
              </>
            ) : (
              <Money fen={a} />
            ),
        },
        { title: t('corporate.lines.payer'), render: (_: unknown, l) => `${l.payerName} ${l.payerAccount}`.trim() },
        { title: t('corporate.lines.purpose'), dataIndex: 'purpose' },
        {
          title: t('corporate.lines.status'),
          dataIndex: 'status',
          render: (s: string, l) => (
            <>
              <Tag>{t(`corporate.status.${s}`)}</Tag>
              {l.matchedBy ? t(`corporate.matchedBy.${l.matchedBy}`, { defaultValue: l.matchedBy }) : ''}
            </>
          ),
        },
        { title: t('corporate.lines.customer'), dataIndex: 'customerId', render: (c: number | null) => c ?? '' },
        {
          title: t('corporate.lines.note'),
          dataIndex: 'note',
          render: (n: string | null) => (n ? t(`corporate.notes.${n}`, { defaultValue: n }) : ''),
        },
        ...(actions
          ? [{ title: t('corporate.lines.actions'), key: 'a', render: (_: unknown, l: Line) => actions(l) }]
          : []),
      ]}
    />
  );
}
