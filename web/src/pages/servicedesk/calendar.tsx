// The working-time calendar of one year (admin): public holidays and make-up working days (调休),
// each added, changed or removed with a reason. A year seeded with its statutory days only is
// marked provisional until the official arrangement is entered. Every change queues the
// recomputation of all open tickets' clocks; the change list shows it waiting, then done.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Form, Input, InputNumber, Modal, Radio, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get } from '../../api/client.ts';
import { ErrorLine, ReasonDialog } from '../../components.tsx';
import { useFKeys } from '../../fkeys.tsx';
import { ToneTag } from '../finance/tone.tsx';
import { SD, type CalendarChange, type CalendarDay } from './api.ts';
import { clearErrors, onFields } from './fields.ts';

type Edit = { day?: string; kind: 'holiday' | 'workday'; name?: string; reason?: string };

export function CalendarPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState(() => new Date().getFullYear() + 1);
  const q = useQuery({
    queryKey: ['sd-calendar', year],
    queryFn: () => get<{ days: CalendarDay[]; changes: CalendarChange[] }>(`${SD}/calendar?year=${year}`),
    // while a recomputation waits, look again so that "done" shows without a reload
    refetchInterval: (query) => (query.state.data?.changes.some((c) => !c.recomputedAt) ? 3_000 : false),
  });
  const [editing, setEditing] = useState<{ isNew: boolean } | null>(null);
  const [removing, setRemoving] = useState<CalendarDay | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Edit>();
  const add = () => {
    form.resetFields();
    setError(null);
    setEditing({ isNew: true });
  };
  useFKeys('sd-calendar', [{ key: 'F4', label: t('sd.calendar.add'), run: add }]);

  const put = async (day: string, body: Record<string, unknown>) => {
    await api('PUT', `${SD}/calendar/${day}`, body);
    setQueued(day);
    await q.refetch();
  };
  const save = async () => {
    // the form shows what is wrong on each field; nothing to send until it holds
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      await put(v.day!, { kind: v.kind, name: v.name, reason: v.reason });
      setEditing(null);
    } catch (e) {
      // a refusal about one field (a weekday cannot be a make-up day…) shows on that field
      if (!onFields(form, e, { kind: 'kind', name: 'name', reason: 'reason', date: 'day' })) setError(e);
    } finally {
      setBusy(false);
    }
  };
  const days = q.data?.days ?? [];
  const provisional = days.some((d) => d.source === 'provisional');
  const weekday = (d: string) => t(`sd.calendar.weekdays.${dayjs(d).day()}`);

  return (
    <section aria-labelledby="sd-calendar-title">
      <Space style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }} wrap>
        <Typography.Title id="sd-calendar-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('sd.calendar.title')}
        </Typography.Title>
        <Space>
          <label htmlFor="sd-calendar-year">{t('sd.calendar.year')}</label>
          <InputNumber
            id="sd-calendar-year"
            autoFocus
            min={2000}
            max={2100}
            value={year}
            onChange={(v) => v && setYear(v)}
          />
          <Button type="primary" onClick={add}>
            {t('sd.calendar.add')} (F4)
          </Button>
        </Space>
      </Space>
      {provisional && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('sd.calendar.provisionalYear', { year })} />
      )}
      {queued && (
        <Alert
          type="info"
          role="status"
          showIcon
          closable
          onClose={() => setQueued(null)}
          style={{ marginBottom: 8 }}
          title={t('sd.calendar.queued', { day: queued })}
        />
      )}
      <ErrorLine error={q.error} />
      <Table<CalendarDay>
        rowKey="day"
        size="small"
        pagination={false}
        dataSource={days}
        locale={{ emptyText: t('sd.calendar.none') }}
        columns={[
          { title: t('sd.calendar.day'), dataIndex: 'day', render: (d: string) => `${d} ${weekday(d)}` },
          {
            title: t('sd.calendar.kind'),
            dataIndex: 'kind',
            render: (k: string) => (
              <ToneTag tone={k === 'holiday' ? 'bad' : 'info'}>{t(`sd.calendar.kinds.${k}`)}</ToneTag>
            ),
          },
          { title: t('sd.calendar.name'), dataIndex: 'name' },
          {
            title: t('sd.calendar.source'),
            dataIndex: 'source',
            render: (s: string) => (
              <ToneTag tone={s === 'provisional' ? 'warn' : 'neutral'}>{t(`sd.calendar.sources.${s}`)}</ToneTag>
            ),
          },
          {
            title: t('sd.calendar.actions'),
            key: 'actions',
            render: (_: unknown, d) => (
              <Space>
                <Button
                  size="small"
                  aria-label={`${t('sd.calendar.edit')} ${d.day}`}
                  onClick={() => {
                    form.setFieldsValue({ day: d.day, kind: d.kind, name: d.name, reason: undefined });
                    setError(null);
                    setEditing({ isNew: false });
                  }}
                >
                  {t('sd.calendar.edit')}
                </Button>
                <Button
                  size="small"
                  danger
                  aria-label={`${t('sd.calendar.remove')} ${d.day}`}
                  onClick={() => setRemoving(d)}
                >
                  {t('sd.calendar.remove')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
        {t('sd.calendar.changes')}
      </Typography.Title>
      <Table<CalendarChange>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={q.data?.changes ?? []}
        locale={{ emptyText: t('sd.calendar.noChanges') }}
        columns={[
          { title: t('sd.calendar.day'), dataIndex: 'day' },
          {
            title: t('sd.calendar.change'),
            key: 'change',
            render: (_: unknown, c) =>
              `${c.fromKind ? t(`sd.calendar.kinds.${c.fromKind}`) : t('sd.calendar.kinds.normal')} → ${
                c.toKind ? t(`sd.calendar.kinds.${c.toKind}`) : t('sd.calendar.kinds.normal')
              }`,
          },
          { title: t('form.reason'), dataIndex: 'reason', render: (r: string | null) => r ?? '—' },
          { title: t('sd.calendar.by'), dataIndex: 'changedBy' },
          {
            title: t('sd.calendar.at'),
            dataIndex: 'changedAt',
            render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: t('sd.calendar.recomputation'),
            dataIndex: 'recomputedAt',
            render: (v: string | null) =>
              v ? (
                <ToneTag tone="good">{t('sd.calendar.recomputed', { at: dayjs(v).format('MM-DD HH:mm') })}</ToneTag>
              ) : (
                <ToneTag tone="warn">{t('sd.calendar.pending')}</ToneTag>
              ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing?.isNew ? t('sd.calendar.add') : t('sd.calendar.edit')}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        onOk={() => void save()}
        confirmLoading={busy}
        onCancel={() => setEditing(null)}
        // the modal takes the focus when it opens: hand it to the first field to fill
        afterOpenChange={(open) => open && form.getFieldInstance(editing?.isNew ? 'day' : 'name')?.focus()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={() => void save()}
          initialValues={{ kind: 'holiday' }}
          // a refusal shown on one field stands until something is changed
          onValuesChange={() => clearErrors(form)}
        >
          <Form.Item
            name="day"
            label={t('sd.calendar.day')}
            rules={[
              { required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('sd.calendar.dayFormat') },
              {
                validator: (_, v?: string) =>
                  // a real calendar date: 2027-02-30 does not come back as itself
                  !v || dayjs(v).format('YYYY-MM-DD') === v
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('sd.calendar.dayFormat'))),
              },
            ]}
          >
            <Input autoFocus={editing?.isNew} disabled={!editing?.isNew} placeholder="2027-02-09" />
          </Form.Item>
          <Form.Item name="kind" label={t('sd.calendar.kind')}>
            <Radio.Group
              options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`sd.calendar.kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('sd.calendar.name')}
            rules={[{ required: true, whitespace: true, max: 50, message: t('sd.calendar.nameRequired') }]}
          >
            <Input autoFocus={!editing?.isNew} placeholder={t('sd.calendar.namePlaceholder')} />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('form.reason')}
            rules={[{ required: true, whitespace: true, min: 2, max: 500, message: t('form.reasonRequired') }]}
          >
            <Input />
          </Form.Item>
          {/* Enter in any field sends the form (implicit submission needs a submit button) */}
          <button type="submit" hidden aria-hidden tabIndex={-1} />
        </Form>
        <ErrorLine error={error} />
      </Modal>
      <ReasonDialog
        open={!!removing}
        title={removing ? t('sd.calendar.removeTitle', { day: removing.day, name: removing.name }) : ''}
        okText={t('sd.calendar.remove')}
        onCancel={() => setRemoving(null)}
        onConfirm={async (reason) => {
          await put(removing!.day, { kind: null, reason });
          setRemoving(null);
        }}
      />
    </section>
  );
}
