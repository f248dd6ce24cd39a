// One ticket: what it is about, its clocks, the actions its state allows (accept, reply, wait,
// resume, resolve with root cause and verdict, a remedy, a callback, close, reopen), its work orders
// and its event log.
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import {
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, newKey, post } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import { duration, SD, type Clock, type RootCause, type TicketDetail, type Unit, type WorkOrder } from './api.ts';
import { TicketDisputes } from './ticket-disputes.tsx';
import { onFields } from './fields.ts';

type Dialog =
  'reply' | 'wait' | 'resolve' | 'remedy' | 'callback' | 'close' | 'reopen' | 'workOrder' | 'dispute' | null;

// ETC-REFERENCE §7 issuer result codes a handler may give as a dispute's reason
const ISSUER_RESULTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 100];

export function TicketPage() {
  const { t } = useTranslation();
  const { ticketId } = useParams({ strict: false }) as { ticketId: string };
  const q = useQuery({
    queryKey: ['sd-ticket', ticketId],
    queryFn: () => get<TicketDetail>(`${SD}/tickets/${ticketId}`),
  });
  const causes = useQuery({
    queryKey: ['sd-causes'],
    queryFn: () => get<{ rootCauses: RootCause[] }>(`${SD}/root-causes`),
  });
  const units = useQuery({ queryKey: ['sd-units'], queryFn: () => get<{ units: Unit[] }>(`${SD}/units`) });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const [remedyKey, setRemedyKey] = useState(newKey);
  // one key for the dispute dialog, so a repeated click is the same request
  const [disputeKey] = useState(newKey);
  const d = q.data;
  const tk = d?.ticket;

  const act = async (path: string, body: unknown, key?: string) => {
    setBusy(true);
    setError(null);
    try {
      await post(`${SD}${path}`, body, key);
      setDialog(null);
      form.resetFields();
      await q.refetch();
    } catch (e) {
      if (!onFields(form, e, { result: 'result', note: 'note', reason: 'reason', amount: 'amount', unitId: 'unitId' }))
        setError(e);
    } finally {
      setBusy(false);
    }
  };
  const move = (body: Record<string, unknown>) => act(`/tickets/${ticketId}/transitions`, body);

  const submitDialog = async () => {
    const v = await form.validateFields();
    if (dialog === 'reply') return act(`/tickets/${ticketId}/replies`, { message: v.message });
    if (dialog === 'wait') return move({ action: 'wait', party: v.party, reason: v.reason });
    if (dialog === 'resolve')
      return move({
        action: 'resolve',
        rootCause: v.rootCause,
        verdict: v.verdict,
        responsibleUnitId: v.unitId,
        note: v.note,
      });
    if (dialog === 'close') return move({ action: 'close', confirmedBy: v.confirmedBy });
    if (dialog === 'reopen') return move({ action: 'reopen', reason: v.reason });
    if (dialog === 'callback')
      return act(`/tickets/${ticketId}/callbacks`, {
        reached: v.reached,
        confirmed: v.confirmed,
        satisfaction: v.satisfaction,
      });
    if (dialog === 'dispute')
      return act(`/tickets/${ticketId}/interchange-dispute`, { result: v.result, note: v.note }, disputeKey);
    if (dialog === 'workOrder')
      return act(`/tickets/${ticketId}/work-orders`, {
        step: v.step,
        unitId: v.unitId,
        limitMinutes: v.hours * 60,
        basis: 'working',
      });
    if (dialog === 'remedy') {
      const fen = Fen.parse(String(v.amount));
      if (fen === null || fen <= 0n) {
        form.setFields([{ name: 'amount', errors: [t('sd.remedy.amountInvalid')] }]);
        return;
      }
      await act(
        `/tickets/${ticketId}/remedies`,
        { kind: v.kind, amount: Fen.toJson(fen), reason: v.reason },
        remedyKey,
      );
      setRemedyKey(newKey());
    }
  };

  if (!tk) return <ErrorLine error={q.error} />;
  const s = tk.status;
  const actions: Array<[string, () => void, boolean?]> = [];
  if (s === 'new') actions.push([t('sd.actions.accept'), () => void move({ action: 'accept' }), true]);
  if (s === 'accepted') actions.push([t('sd.actions.start'), () => void move({ action: 'start' })]);
  if (['accepted', 'in-progress', 'waiting', 'resolved'].includes(s))
    actions.push([t('sd.actions.reply'), () => setDialog('reply')]);
  if (['accepted', 'in-progress'].includes(s)) actions.push([t('sd.actions.wait'), () => setDialog('wait')]);
  if (s === 'waiting') actions.push([t('sd.actions.resume'), () => void move({ action: 'resume' })]);
  if (['accepted', 'in-progress', 'waiting'].includes(s))
    actions.push([t('sd.actions.resolve'), () => setDialog('resolve'), true]);
  if (!['new', 'closed'].includes(s) && tk.customerId && tk.verdict !== 'not-justified')
    actions.push([t('sd.actions.remedy'), () => setDialog('remedy')]);
  if (!['new', 'resolved', 'closed'].includes(s))
    actions.push([t('sd.actions.workOrder'), () => setDialog('workOrder')]);
  if (s !== 'new') actions.push([t('sd.actions.callback'), () => setDialog('callback')]);
  if (s === 'resolved') actions.push([t('sd.actions.close'), () => setDialog('close'), true]);
  if (s === 'resolved' || s === 'closed') actions.push([t('sd.actions.reopen'), () => setDialog('reopen')]);
  if (d.disputeEligibility?.eligible) actions.push([t('sd.actions.dispute'), () => setDialog('dispute')]);

  const fields: Record<Exclude<Dialog, null>, React.ReactNode> = {
    reply: (
      <Form.Item name="message" label={t('sd.reply')} rules={[{ required: true, min: 2, message: t('form.required') }]}>
        <Input.TextArea autoFocus rows={3} />
      </Form.Item>
    ),
    wait: (
      <>
        <Form.Item name="party" label={t('sd.waitingParty')} initialValue="customer">
          <Radio.Group
            options={['customer', 'bank', 'other-province', 'third-party'].map((p) => ({
              value: p,
              label: t(`sd.parties.${p}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('form.reason')}
          rules={[{ required: true, min: 2, message: t('form.reasonRequired') }]}
        >
          <Input autoFocus />
        </Form.Item>
      </>
    ),
    resolve: (
      <>
        <Form.Item name="rootCause" label={t('sd.rootCause')} rules={[{ required: true, message: t('form.required') }]}>
          <Select
            showSearch
            autoFocus
            aria-label={t('sd.rootCause')}
            optionFilterProp="label"
            options={(causes.data?.rootCauses ?? [])
              .filter((c) => c.active)
              .map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }))}
          />
        </Form.Item>
        <Form.Item name="verdict" label={t('sd.verdict')} initialValue="justified">
          <Radio.Group
            options={['justified', 'not-justified'].map((v) => ({ value: v, label: t(`sd.verdicts.${v}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="unitId"
          label={t('sd.responsibleUnit')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            aria-label={t('sd.responsibleUnit')}
            options={(units.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('sd.resolutionNote')}
          rules={[{ required: true, min: 2, message: t('form.required') }]}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      </>
    ),
    remedy: (
      <>
        <Form.Item name="kind" label={t('sd.remedy.kind')} initialValue="toll-refund">
          <Radio.Group
            options={['toll-refund', 'fee-waiver'].map((k) => ({ value: k, label: t(`sd.remedy.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('sd.remedy.amount')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input autoFocus inputMode="decimal" addonBefore="¥" />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('form.reason')}
          rules={[{ required: true, min: 2, message: t('form.reasonRequired') }]}
        >
          <Input />
        </Form.Item>
      </>
    ),
    callback: (
      <>
        <Form.Item name="reached" label={t('sd.callback.reached')} initialValue={true}>
          <Radio.Group
            options={[
              { value: true, label: t('sd.yes') },
              { value: false, label: t('sd.no') },
            ]}
          />
        </Form.Item>
        <Form.Item name="confirmed" label={t('sd.callback.confirmed')} initialValue={true}>
          <Radio.Group
            options={[
              { value: true, label: t('sd.yes') },
              { value: false, label: t('sd.no') },
            ]}
          />
        </Form.Item>
        <Form.Item name="satisfaction" label={t('sd.satisfaction')} initialValue={5}>
          <InputNumber min={1} max={5} />
        </Form.Item>
      </>
    ),
    close: (
      <Form.Item name="confirmedBy" label={t('sd.close.confirmedBy')} initialValue="customer">
        <Radio.Group options={['customer', 'callback'].map((c) => ({ value: c, label: t(`sd.close.${c}`) }))} />
      </Form.Item>
    ),
    reopen: (
      <Form.Item
        name="reason"
        label={t('form.reason')}
        rules={[{ required: true, min: 2, message: t('form.reasonRequired') }]}
      >
        <Input autoFocus />
      </Form.Item>
    ),
    dispute: (
      <>
        {d.disputeEligibility?.eligible && (
          <Typography.Paragraph>
            {t('sd.dispute.explain', {
              network: d.disputeEligibility.network,
              pkg: d.disputeEligibility.packageMessageId,
            })}
            {/* with the centre's confirmation hold: until when the dispute can still go into it */}
            {d.disputeEligibility.until && (
              <>
                {' '}
                <Typography.Text strong>
                  {t('sd.dispute.until', { time: dayjs(d.disputeEligibility.until).format('YYYY-MM-DD HH:mm') })}
                </Typography.Text>
              </>
            )}
          </Typography.Paragraph>
        )}
        <Form.Item
          name="result"
          label={t('sd.dispute.result')}
          rules={[{ required: true, message: t('sd.dispute.resultRequired') }]}
        >
          <Select
            showSearch
            autoFocus
            aria-label={t('sd.dispute.result')}
            optionFilterProp="label"
            options={ISSUER_RESULTS.map((c) => ({ value: c, label: `${c} · ${t(`sd.dispute.results.${c}`)}` }))}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('sd.dispute.note')}
          rules={[{ required: true, whitespace: true, min: 2, max: 500, message: t('form.required') }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
      </>
    ),
    workOrder: (
      <>
        <Form.Item
          name="step"
          label={t('sd.workOrder.step')}
          rules={[{ required: true, min: 2, message: t('form.required') }]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="unitId"
          label={t('sd.workOrder.unit')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Select
            aria-label={t('sd.workOrder.unit')}
            options={(units.data?.units ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="hours" label={t('sd.workOrder.hours')} initialValue={8}>
          <InputNumber min={1} max={1440} />
        </Form.Item>
      </>
    ),
  };

  return (
    <section aria-labelledby="sd-ticket-title">
      <Typography.Title id="sd-ticket-title" level={1} style={{ fontSize: 20 }}>
        {t('sd.ticket')} {tk.ticketNo} <Tag>{t(`sd.statuses.${s}`)}</Tag>
      </Typography.Title>
      <ErrorLine error={error} />
      <Space wrap style={{ marginBottom: 12 }}>
        {actions.map(([label, run, primary]) => (
          <Button key={label} type={primary ? 'primary' : 'default'} onClick={run} loading={busy}>
            {label}
          </Button>
        ))}
      </Space>
      <Descriptions size="small" bordered column={2} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('sd.channel')}>{t(`sd.channels.${tk.channel}`)}</Descriptions.Item>
        <Descriptions.Item label={t('sd.category')}>
          {t(`sd.categories.${tk.category}`)} {tk.subcategory ? `· ${tk.subcategory}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('sd.description')} span={2}>
          {tk.description}
        </Descriptions.Item>
        <Descriptions.Item label={t('sd.links.cardNo')}>{tk.links.cardNo ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('sd.links.laneTransactionId')}>
          {tk.links.laneTransactionId ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('sd.replyBy')}>
          {dayjs(tk.replyPromisedAt).format('YYYY-MM-DD HH:mm')}
        </Descriptions.Item>
        <Descriptions.Item label={t('sd.rootCause')}>
          {tk.rootCause ?? '—'} {tk.verdict ? `· ${t(`sd.verdicts.${tk.verdict}`)}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Card size="small" title={t('sd.clocks')} style={{ marginBottom: 12 }}>
        <Table<Clock>
          rowKey="clock"
          size="small"
          pagination={false}
          dataSource={d.clocks}
          columns={[
            { title: t('sd.clock.name'), dataIndex: 'clock', render: (c: string) => t(`sd.clock.${c}`) },
            { title: t('sd.clock.basis'), dataIndex: 'basis', render: (b: string) => t(`sd.basis.${b}`) },
            { title: t('sd.clock.elapsed'), dataIndex: 'elapsedMinutes', render: (m: number) => duration(m, t) },
            {
              title: t('sd.clock.remaining'),
              key: 'remaining',
              render: (_: unknown, c) =>
                c.stoppedAt ? t('sd.clock.done') : c.paused ? t('sd.clock.paused') : duration(c.remainingMinutes, t),
            },
            {
              title: t('sd.clock.due'),
              dataIndex: 'dueAt',
              render: (v: string | null) => (v ? dayjs(v).format('MM-DD HH:mm') : '—'),
            },
          ]}
        />
      </Card>
      <TicketDisputes disputes={d.disputes} eligibility={d.disputeEligibility} />
      {d.remedies.length > 0 && (
        <Card size="small" title={t('sd.remedy.title')} style={{ marginBottom: 12 }}>
          {d.remedies.map((r) => (
            <div key={r.id}>
              {t(`sd.remedy.kinds.${r.kind}`)} <Money fen={r.amount} /> · {t(`sd.remedy.statuses.${r.status}`)} ·{' '}
              {r.reason}
            </div>
          ))}
        </Card>
      )}
      {d.workOrders.length > 0 && (
        <Card size="small" title={t('sd.workOrder.title')} style={{ marginBottom: 12 }}>
          {d.workOrders.map((w: WorkOrder) => (
            <Space key={w.id} style={{ display: 'flex' }}>
              {w.step} · {t('sd.clock.due')} {dayjs(w.dueAt).format('MM-DD HH:mm')} ·{' '}
              {t(`sd.workOrder.statuses.${w.status}`)}
              {w.status === 'open' && (
                <Button
                  size="small"
                  onClick={() =>
                    void act(`/work-orders/${w.id}/completion`, { outcome: t('sd.workOrder.doneOutcome') })
                  }
                >
                  {t('sd.workOrder.complete')}
                </Button>
              )}
            </Space>
          ))}
        </Card>
      )}
      <Card size="small" title={t('sd.events')}>
        <Timeline
          items={d.events.map((e) => ({
            children: (
              <span>
                {dayjs(e.at).format('YYYY-MM-DD HH:mm')} · {t(`sd.eventKinds.${e.kind}`, { defaultValue: e.kind })} ·{' '}
                {e.actor}
                {e.toStatus ? ` → ${t(`sd.statuses.${e.toStatus}`)}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
      <Modal
        open={!!dialog}
        title={dialog ? t(`sd.actions.${dialog}`) : ''}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        onOk={() => void submitDialog()}
        confirmLoading={busy}
        onCancel={() => setDialog(null)}
        // the modal takes the focus when it opens: the dispute's reason code is the first thing to choose
        afterOpenChange={(open) => open && dialog === 'dispute' && form.getFieldInstance('result')?.focus()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={() => void submitDialog()}>
          {dialog && fields[dialog]}
        </Form>
        <ErrorLine error={error} />
      </Modal>
    </section>
  );
}
