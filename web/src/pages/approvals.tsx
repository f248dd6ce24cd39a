// The supervisor's queue: everything awaiting a second pair of eyes, each decided with a note
// through the URLs the queue names.
import { useQuery } from '@tanstack/react-query';
import { Button, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { get, post, qs } from '../api/client.ts';
import type { Approval, Approvals } from '../api/hall.ts';
import { ErrorLine, Money, ReasonDialog } from '../components.tsx';

export function useApprovals(customerId?: string) {
  return useQuery({
    queryKey: ['approvals', customerId ?? 'all'],
    queryFn: () => get<Approvals>(`/api/v1/approvals${qs({ customerId, limit: 100 })}`),
    refetchInterval: 10_000,
  });
}

// What is asked, in the user's language, from the facts the queue gives (its summary is the
// service's own English)
function aboutText(t: TFunction, a: Approval): string {
  const about = a.about;
  if ('refundMethod' in about)
    return t('approvals.about.cancellation', { method: t(`card.refund.${about.refundMethod}`) });
  const parts = [t(`lists.actions.${about.action}`)];
  if (about.listReason !== null)
    parts.push(t(`lists.reasons.${a.subject.medium}.${about.listReason}`, { defaultValue: String(about.listReason) }));
  if (about.event !== null)
    parts.push(
      t('approvals.about.after', { event: t(`approvals.events.${about.event}`, { defaultValue: about.event }) }),
    );
  return parts.join(' · ');
}

export function ApprovalsTable({ customerId }: { customerId?: string }) {
  const { t } = useTranslation();
  const q = useApprovals(customerId);
  const [deciding, setDeciding] = useState<{ a: Approval; decision: Approval['decisions'][number] } | null>(null);
  return (
    <>
      <ErrorLine error={q.error} />
      <Table<Approval>
        rowKey={(a) => `${a.kind}-${a.id}`}
        size="small"
        pagination={false}
        dataSource={q.data?.approvals ?? []}
        locale={{ emptyText: t('approvals.empty') }}
        columns={[
          { title: t('approvals.kind'), dataIndex: 'kind', render: (k: string) => t(`approvals.kinds.${k}`) },
          {
            title: t('approvals.subject'),
            key: 'subject',
            render: (_: unknown, a) => `${t(`medium.kinds.${a.subject.medium}`)} ${a.subject.id}`,
          },
          { title: t('history.detail'), key: 'about', render: (_: unknown, a) => aboutText(t, a) },
          {
            title: t('approvals.amount'),
            dataIndex: 'amount',
            render: (a: number | null) => (a == null ? '' : <Money fen={a} />),
          },
          {
            title: t('approvals.requestedBy'),
            key: 'requestedBy',
            render: (_: unknown, a) => a.requestedByName ?? a.requestedBy,
          },
          {
            title: t('history.at'),
            dataIndex: 'requestedAt',
            render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
          },
          { title: t('history.reason'), dataIndex: 'reason' },
          {
            title: t('lists.decide'),
            key: 'decide',
            render: (_: unknown, a) =>
              a.mayDecide ? (
                <Space>
                  {a.decisions.map((d, i) => (
                    <Button
                      key={d.decision}
                      size="small"
                      type={i === 0 ? 'primary' : 'default'}
                      onClick={() => setDeciding({ a, decision: d })}
                    >
                      {t(`approvals.decisions.${d.decision}`, { defaultValue: d.decision })}
                    </Button>
                  ))}
                </Space>
              ) : (
                t('approvals.awaiting')
              ),
          },
        ]}
      />
      <ReasonDialog
        open={!!deciding}
        title={
          deciding
            ? `${t(`approvals.decisions.${deciding.decision.decision}`, { defaultValue: deciding.decision.decision })} · ${deciding.a.subject.id}`
            : ''
        }
        okText={t('action.confirm')}
        onCancel={() => setDeciding(null)}
        onConfirm={async (note) => {
          await post(deciding!.decision.url, { note });
          setDeciding(null);
          void q.refetch();
        }}
      />
    </>
  );
}

export function ApprovalsPage() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="approvals-title">
      <Typography.Title id="approvals-title" level={1} style={{ fontSize: 20 }}>
        {t('approvals.title')}
      </Typography.Title>
      <ApprovalsTable />
    </section>
  );
}
