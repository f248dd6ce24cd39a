// The supervisor's approval of remedies above the threshold: approve (one journal entry posts, once:
// the same Idempotency-Key is kept until the approval succeeds) or reject with a reason.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Button, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, newKey, post } from '../../api/client.ts';
import { ErrorLine, Money, ReasonDialog } from '../../components.tsx';
import { SD, type Remedy } from './api.ts';

export function RemediesPage() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['sd-remedies'],
    queryFn: () => get<{ remedies: Remedy[] }>(`${SD}/remedies?status=proposed`),
    refetchInterval: 10_000,
  });
  const [keys] = useState(() => new Map<number, string>());
  const [error, setError] = useState<unknown>(null);
  const [rejecting, setRejecting] = useState<Remedy | null>(null);
  const approve = async (r: Remedy) => {
    setError(null);
    if (!keys.has(r.id)) keys.set(r.id, newKey());
    try {
      await post(`${SD}/remedies/${r.id}/approve`, {}, keys.get(r.id));
      keys.delete(r.id);
    } catch (e) {
      setError(e);
    }
    void q.refetch();
  };
  return (
    <section aria-labelledby="sd-remedies-title">
      <Typography.Title id="sd-remedies-title" level={1} style={{ fontSize: 20 }}>
        {t('sd.remedy.approvals')}
      </Typography.Title>
      <ErrorLine error={error ?? q.error} />
      <Table<Remedy>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data?.remedies ?? []}
        locale={{ emptyText: t('sd.remedy.none') }}
        columns={[
          {
            title: t('sd.ticket'),
            dataIndex: 'ticketId',
            render: (id: number) => (
              <Link to="/servicedesk/tickets/$ticketId" params={{ ticketId: String(id) }} style={{ color: '#0b5cad' }}>
                {t('sd.openTicket')} #{id}
              </Link>
            ),
          },
          { title: t('sd.remedy.kind'), dataIndex: 'kind', render: (k: string) => t(`sd.remedy.kinds.${k}`) },
          { title: t('sd.remedy.amount'), dataIndex: 'amount', render: (a: number) => <Money fen={a} /> },
          { title: t('form.reason'), dataIndex: 'reason' },
          { title: t('sd.remedy.proposedBy'), dataIndex: 'proposedBy' },
          {
            title: t('history.at'),
            dataIndex: 'proposedAt',
            render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: t('lists.decide'),
            key: 'decide',
            render: (_: unknown, r) => (
              <Space>
                <Button size="small" type="primary" onClick={() => void approve(r)}>
                  {t('sd.remedy.approve')}
                </Button>
                <Button size="small" onClick={() => setRejecting(r)}>
                  {t('sd.remedy.reject')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ReasonDialog
        open={!!rejecting}
        title={t('sd.remedy.reject')}
        okText={t('action.confirm')}
        onCancel={() => setRejecting(null)}
        onConfirm={async (reason) => {
          await post(`${SD}/remedies/${rejecting!.id}/reject`, { reason });
          setRejecting(null);
          void q.refetch();
        }}
      />
    </section>
  );
}
