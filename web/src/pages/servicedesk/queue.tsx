// The handler's queue: open tickets, soonest deadline first, with the SLA clocks as columns (due
// time, and overdue in red). "Mine" by default; supervisors see every open ticket.
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs, session } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { SD, type TicketListItem } from './api.ts';

export function Due({ at, now }: { at: string | null; now: number }) {
  const { t } = useTranslation();
  if (!at) return <Typography.Text type="secondary">{t('sd.clock.paused')}</Typography.Text>;
  const late = new Date(at).getTime() < now;
  return (
    <Typography.Text style={late ? { color: '#a8071a', fontWeight: 600 } : undefined}>
      {dayjs(at).format('MM-DD HH:mm')}
      {late ? ` · ${t('sd.clock.overdue')}` : ''}
    </Typography.Text>
  );
}

export function QueuePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [scope, setScope] = useState<'me' | 'all'>(session.user()?.role === 'supervisor' ? 'all' : 'me');
  const q = useQuery({
    queryKey: ['sd-queue', scope],
    queryFn: () =>
      get<{ tickets: TicketListItem[] }>(
        `${SD}/tickets${qs({ status: 'open', assignee: scope === 'me' ? 'me' : undefined, limit: 200 })}`,
      ),
    refetchInterval: 30_000,
  });
  const now = Date.now();
  const open = (id: number) =>
    void navigate({ to: '/servicedesk/tickets/$ticketId', params: { ticketId: String(id) } });
  return (
    <section aria-labelledby="sd-queue-title">
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title id="sd-queue-title" level={1} style={{ fontSize: 20 }}>
          {t('sd.queue.title')}
        </Typography.Title>
        <Segmented
          aria-label={t('sd.queue.scope')}
          value={scope}
          onChange={(v) => setScope(v as 'me' | 'all')}
          options={[
            { value: 'me', label: t('sd.queue.mine') },
            { value: 'all', label: t('sd.queue.all') },
          ]}
        />
      </Space>
      <ErrorLine error={q.error} />
      <Table<TicketListItem>
        rowKey="id"
        size="small"
        pagination={false}
        loading={q.isLoading}
        dataSource={q.data?.tickets ?? []}
        locale={{ emptyText: t('sd.queue.empty') }}
        onRow={(r) => ({ onClick: () => open(r.id) })}
        columns={[
          {
            title: t('sd.ticketNo'),
            dataIndex: 'ticketNo',
            render: (v: string, r) => (
              <a
                href={`/servicedesk/tickets/${r.id}`}
                style={{ color: '#0b5cad' }}
                onClick={(e) => {
                  e.preventDefault();
                  open(r.id);
                }}
              >
                {v}
              </a>
            ),
          },
          { title: t('sd.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`sd.statuses.${s}`)}</Tag> },
          { title: t('sd.channel'), dataIndex: 'channel', render: (c: string) => t(`sd.channels.${c}`) },
          { title: t('sd.category'), dataIndex: 'category', render: (c: string) => t(`sd.categories.${c}`) },
          { title: t('sd.description'), dataIndex: 'description', ellipsis: true },
          {
            title: t('sd.clock.first-reply'),
            dataIndex: 'firstReplyDueAt',
            render: (v: string | null, r) => (r.firstRepliedAt ? t('sd.clock.done') : <Due at={v} now={now} />),
          },
          {
            title: t('sd.clock.update'),
            dataIndex: 'updateDueAt',
            render: (v: string | null) => (v ? <Due at={v} now={now} /> : '—'),
          },
          {
            title: t('sd.clock.resolution'),
            dataIndex: 'resolutionDueAt',
            render: (v: string | null, r) => (r.status === 'resolved' ? t('sd.clock.done') : <Due at={v} now={now} />),
          },
        ]}
      />
    </section>
  );
}
