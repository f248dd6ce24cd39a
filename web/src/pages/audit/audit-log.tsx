// The audit trail for auditors (and supervisors): filters by actor, subject, action (exact or a
// prefix such as customer.*) and time; newest first, page by page; the same filters as a CSV export,
// which is itself audited.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Form, Input, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { useFKeys } from '../../fkeys.tsx';
import { download, type AuditEntry, type AuditPage } from '../finance/api.ts';

type Filters = {
  actor?: string;
  subjectType?: string;
  subjectId?: string;
  action?: string;
  from?: string;
  to?: string;
};

// local datetime-local values → instants with the centre's offset
const instant = (v?: string) => (v ? dayjs(v).format('YYYY-MM-DDTHH:mm:ssZ') : undefined);

export function AuditLogPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [error, setError] = useState<unknown>(null);
  const params = { ...filters, from: instant(filters.from), to: instant(filters.to) };
  const q = useInfiniteQuery({
    queryKey: ['audit-log', params],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<AuditPage>(`/api/v1/audit-log${qs({ ...params, limit: 100, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.entries) ?? [];
  const exportCsv = () => download(`/api/v1/audit-log/export${qs(params)}`, 'audit-log.csv').catch(setError);
  useFKeys('audit', [{ key: 'F10', label: t('audit.export'), run: () => void exportCsv() }]);
  const clean = (v: Filters): Filters =>
    Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string' && x.trim() !== '')) as Filters;
  return (
    <section aria-labelledby="audit-title">
      <Typography.Title id="audit-title" level={1} style={{ fontSize: 20 }}>
        {t('audit.title')}
      </Typography.Title>
      <Form form={form} layout="inline" onFinish={(v) => setFilters(clean(v))} style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item label={t('audit.actor')} name="actor">
          <Input autoFocus placeholder="user:clerk1" style={{ width: 150 }} />
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
          <Input type="datetime-local" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t('audit.to')} name="to">
          <Input type="datetime-local" style={{ width: 200 }} />
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
          { title: t('audit.actor'), key: 'actor', width: 140, render: (_, e) => `${e.actor.kind}:${e.actor.id}` },
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
