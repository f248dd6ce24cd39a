// The status list for supervisors: held changes (confirm or release), manual entries and removals
// with a reason, publish now and a full list for a lane.
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChangeView } from '@server/modules/statuslist/changes.ts';
import { MANUAL_REASONS } from '../../../src/modules/statuslist/reasons.ts';
import { get, post } from '../api/client.ts';
import type { Json } from '../api/json.ts';
import { ErrorLine, ReasonDialog } from '../components.tsx';
import { useFKeys } from '../fkeys.tsx';

type Change = Json<ChangeView>;

export function ListsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const held = useQuery({
    queryKey: ['lists', 'held'],
    queryFn: () => get<{ changes: Change[] }>('/api/v1/status-list/changes?state=held&limit=100'),
  });
  const [deciding, setDeciding] = useState<{ change: Change; decision: 'confirm' | 'discard' } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [addForm] = Form.useForm<{
    medium: 'card' | 'obu';
    id: string;
    reason: number;
    note: string;
    op: 'add' | 'remove';
  }>();
  const [fullForm] = Form.useForm<{ laneId: string; note: string }>();
  const medium = Form.useWatch('medium', addForm) ?? 'card';
  const publish = async () => {
    setError(null);
    try {
      const r = await post<{ published: { version: number } | null }>('/api/v1/status-list/publications');
      void message.success(r.published ? t('lists.published', { version: r.published.version }) : t('lists.nothing'));
    } catch (e) {
      setError(e);
    }
  };
  useFKeys('lists', [{ key: 'F6', label: t('lists.publish'), run: () => void publish() }]);
  const manual = async () => {
    const v = await addForm.validateFields();
    setError(null);
    try {
      if (v.op === 'add')
        await post('/api/v1/status-list/entries', { medium: v.medium, id: v.id, reason: v.reason, note: v.note });
      else await post(`/api/v1/status-list/entries/${v.medium}/${v.id}/removal`, { reason: v.reason, note: v.note });
      void message.success(t('lists.recorded'));
      addForm.resetFields(['id', 'note']);
    } catch (e) {
      setError(e);
    }
  };
  const full = async () => {
    const v = await fullForm.validateFields();
    setError(null);
    try {
      await post(`/api/v1/status-list/lanes/${v.laneId}/full-list`, { note: v.note });
      void message.success(t('lists.fullRequested'));
      fullForm.resetFields();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="lists-title">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Title id="lists-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('lists.title')}
        </Typography.Title>
        <Button type="primary" onClick={() => void publish()}>
          {t('lists.publish')} (F6)
        </Button>
      </Space>
      <ErrorLine error={error ?? held.error} />
      <Card size="small" title={t('lists.held')}>
        <Table<Change>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={held.data?.changes ?? []}
          columns={[
            { title: t('medium.kind'), dataIndex: 'medium', render: (m: string) => t(`medium.kinds.${m}`) },
            { title: t('medium.number'), dataIndex: 'mediumId' },
            { title: t('lists.action'), dataIndex: 'action', render: (a: string) => t(`lists.actions.${a}`) },
            { title: t('lists.reason'), dataIndex: 'reason' },
            {
              title: t('history.at'),
              dataIndex: 'createdAt',
              render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
            },
            {
              title: t('lists.decide'),
              key: 'decide',
              render: (_: unknown, c) => (
                <Space>
                  <Button size="small" type="primary" onClick={() => setDeciding({ change: c, decision: 'confirm' })}>
                    {t('lists.confirm')}
                  </Button>
                  <Button size="small" onClick={() => setDeciding({ change: c, decision: 'discard' })}>
                    {t('lists.release')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('lists.manual')} style={{ marginTop: 12 }}>
        <Form
          form={addForm}
          layout="inline"
          initialValues={{ medium: 'card', op: 'add', reason: 1 }}
          onFinish={() => void manual()}
        >
          <Form.Item name="op" label={t('lists.op')}>
            <Select
              style={{ width: 110 }}
              options={[
                { value: 'add', label: t('lists.add') },
                { value: 'remove', label: t('lists.remove') },
              ]}
            />
          </Form.Item>
          <Form.Item name="medium" label={t('medium.kind')}>
            <Select
              style={{ width: 110 }}
              options={[
                { value: 'card', label: t('medium.kinds.card') },
                { value: 'obu', label: t('medium.kinds.obu') },
              ]}
            />
          </Form.Item>
          <Form.Item name="id" label={t('medium.number')} rules={[{ required: true, message: t('form.required') }]}>
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="reason" label={t('lists.reason')}>
            <Select
              style={{ width: 160 }}
              options={MANUAL_REASONS[medium].map((r) => ({
                value: r,
                label: t(`lists.reasons.${medium}.${r}`, { defaultValue: String(r) }),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('form.reason')}
            rules={[{ required: true, min: 2, message: t('form.reasonRequired') }]}
          >
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Button htmlType="submit">{t('action.submit')}</Button>
        </Form>
      </Card>
      <Card size="small" title={t('lists.full')} style={{ marginTop: 12 }}>
        <Form form={fullForm} layout="inline" onFinish={() => void full()}>
          <Form.Item name="laneId" label={t('lists.lane')} rules={[{ required: true, message: t('form.required') }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('form.reason')}
            rules={[{ required: true, min: 2, message: t('form.reasonRequired') }]}
          >
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Button htmlType="submit">{t('lists.forceFull')}</Button>
        </Form>
      </Card>
      <ReasonDialog
        open={!!deciding}
        title={
          deciding
            ? t(`lists.${deciding.decision === 'confirm' ? 'confirm' : 'release'}`) + ' · ' + deciding.change.mediumId
            : ''
        }
        okText={t('action.confirm')}
        onCancel={() => setDeciding(null)}
        onConfirm={async (note) => {
          await post(`/api/v1/status-list/changes/${deciding!.change.id}/${deciding!.decision}`, { note });
          setDeciding(null);
          void held.refetch();
        }}
      />
    </section>
  );
}
