// The audit trail for auditors (and supervisors): filters by actor, subject, action (exact or a
// prefix such as customer.*) and time; newest first, page by page; the same filters as a CSV export,
// which is itself audited.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Form, Input, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { useFKeys } from '../../fkeys.tsx';
import { download, type AuditEntry, type AuditPage, type StaffUser } from '../finance/api.ts';

type Filters = {
  actor?: string;
  subjectType?: string;
  subjectId?: string;
  action?: string;
  from?: string;
  to?: string;
};
type FormValues = Omit<Filters, 'from' | 'to'> & { from?: Dayjs | null; to?: Dayjs | null };

// picked local times → instants with their offset
const instant = (v?: Dayjs | null) => (v ? v.second(0).format('YYYY-MM-DDTHH:mm:ssZ') : undefined);

export function AuditLogPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<Filters>({});
  const [error, setError] = useState<unknown>(null);
  // staff by id, to show and to filter by username (auditors may list users; others see ids)
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ users: StaffUser[] }>('/api/v1/users'),
    retry: false,
    staleTime: 60_000,
  });
  const byId = new Map((users.data?.users ?? []).map((u) => [String(u.id), u]));
  const byName = new Map((users.data?.users ?? []).map((u) => [u.username, u]));
  const actorParam = (a?: string) => (a && byName.has(a) ? `user:${byName.get(a)!.id}` : a);
  const params = { ...filters, actor: actorParam(filters.actor) };
  const actorText = (e: AuditEntry) => {
    const u = e.actor.kind === 'user' ? byId.get(e.actor.id) : undefined;
    return u ? `${u.username}（${t(`role.${u.role}`)} ${u.displayName}）` : `${e.actor.kind}:${e.actor.id}`;
  };
  const q = useInfiniteQuery({
    queryKey: ['audit-log', params],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<AuditPage>(`/api/v1/audit-log${qs({ ...params, limit: 100, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.entries) ?? [];
  const exportCsv = () => download(`/api/v1/audit-log/export${qs(params)}`, 'audit-log.csv').catch(setError);
  useFKeys('audit', [{ key: 'F10', label: t('audit.export'), run: () => void exportCsv() }]);
  const clean = ({ from, to, ...text }: FormValues): Filters => ({
    ...(Object.fromEntries(
      Object.entries(text).filter(([, x]) => typeof x === 'string' && x.trim() !== ''),
    ) as Filters),
    from: instant(from),
    to: instant(to),
  });
  return (
    <section aria-labelledby="audit-title">
      <Typography.Title id="audit-title" level={1} style={{ fontSize: 20 }}>
        {t('audit.title')}
      </Typography.Title>
      <Form form={form} layout="inline" onFinish={(v) => setFilters(clean(v))} style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item label={t('audit.actor')} name="actor">
          <Input autoFocus placeholder="clerk1 / user:17" style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('audit.action')} name="action">
          <Input placeholder="customer.*" style={{ width: 170 }} />
        </Form.Item>
        <Form.Item label={t('audit.subjectType')} name="subjectType">
          <Input placeholder="customer" style={{ width: 110 }} />
        </Form.Item>
        <Form.Item label={t('audit.subjectId')} name="subjectId">
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item label={t('audit.from')} name="from">
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            needConfirm={false}
            style={{ width: 170 }}
          />
        </Form.Item>
        <Form.Item label={t('audit.to')} name="to">
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            needConfirm={false}
            style={{ width: 170 }}
          />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('audit.search')}
          </Button>
          <Button onClick={() => void exportCsv()}>{t('audit.export')} (F10)</Button>
        </Space>
      </Form>
      <ErrorLine error={error ?? q.error} />
      <Table<AuditEntry>
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={false}
        loading={q.isFetching}
        locale={{ emptyText: t('audit.none') }}
        columns={[
          {
            title: t('audit.at'),
            dataIndex: 'at',
            width: 150,
            render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm:ss'),
          },
          { title: t('audit.actor'), key: 'actor', width: 210, render: (_, e) => actorText(e) },
          { title: t('audit.action'), dataIndex: 'action', width: 170 },
          {
            title: t('audit.subject'),
            key: 'subject',
            width: 170,
            render: (_, e) => `${e.subjectType} ${e.subjectId}`,
          },
          {
            title: t('audit.detail'),
            dataIndex: 'detail',
            render: (d: unknown) => (
              <code style={{ fontSize: 12, wordBreak: 'break-all' }}>{d == null ? '' : JSON.stringify(d)}</code>
            ),
          },
          { title: t('audit.source'), dataIndex: 'sourceIp', width: 110 },
        ]}
      />
      {q.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('audit.more')}
        </Button>
      )}
    </section>
  );
}
