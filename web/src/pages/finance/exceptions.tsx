// Finance exceptions: the queue of findings that need a person, by kind, age and owner, oldest first;
// each resolved with a note saying what was done. Each kind links to where its evidence is (the
// stuck load and its card, the statement line, the clearing day, the settlement).
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Button, Descriptions, Form, Modal, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, newKey, post, qs, session } from '../../api/client.ts';
import { ErrorLine, Money, ReasonDialog } from '../../components.tsx';
import { isFinance, type FinanceException } from './api.ts';
import { LoadEvidence } from './load-evidence.tsx';
import { LINK } from './tone.tsx';

export const EXCEPTION_KINDS = [
  'load-stuck',
  'load-tac-invalid',
  'load-unexplained-online-seq',
  'reconciliation-centre-only',
  'reconciliation-bank-only',
  'reconciliation-amount-mismatch',
  'reconciliation-status-mismatch',
  'reconciliation-statement-extra',
  'reconciliation-statement-missing',
  'reconciliation-statement-mismatch',
  'interchange-package-refused',
  'interchange-document-refused',
  'interchange-resolution-late',
  'interchange-settlement-mismatch',
  'clearing-day-waiting',
  'corporate-transfer-unmatched',
  'till-difference',
  'invariant-broken',
] as const;

const ageDays = (raisedAt: string) => Math.max(0, dayjs().diff(dayjs(raisedAt), 'day'));

// where a finding's evidence is, by its kind and reference
function Evidence({ e }: { e: FinanceException }) {
  const { t } = useTranslation();
  const detail = e.detail as Record<string, unknown>;
  // the load's evidence opens with the resolution (finance does not read card pages)
  if (e.kind.startsWith('load-') && typeof detail.cardNo === 'string')
    return <span>{t('finance.exceptions.loadOfCard', { card: detail.cardNo })}</span>;
  if (e.kind === 'clearing-day-waiting')
    return (
      <Link style={LINK} to="/finance/clearing" search={{ date: e.reference.slice(0, 10) }}>
        {t('finance.exceptions.openDay', { date: e.reference.slice(0, 10) })}
      </Link>
    );
  // a transfer nobody's reference matched waits in corporate's suspense queue
  if (e.kind === 'corporate-transfer-unmatched')
    return (
      <Link style={LINK} to="/corporate/suspense">
        {t('finance.exceptions.openSuspense', { payer: String(detail.payerName ?? '—') })}
      </Link>
    );
  // a till difference names whose drawer it was and the day: the hall's cash screen shows it
  if (e.kind === 'till-difference' && typeof detail.date === 'string')
    return (
      <Link style={LINK} to="/finance/cash" search={{ date: detail.date }}>
        {t('finance.exceptions.tillOf', { user: String(detail.user ?? '—'), date: detail.date })}
      </Link>
    );
  const statement = /^bank-statement:(\d+)$/.exec(e.source);
  if (statement)
    return (
      <Link style={LINK} to="/finance/statements" search={{ statement: Number(statement[1]) }}>
        {t('finance.exceptions.openStatement', { id: statement[1] })}
      </Link>
    );
  const item = /^(settlement|payout):(\d{4}-\d{2}-\d{2}):/.exec(e.reference);
  if (item || e.kind === 'interchange-settlement-mismatch')
    return (
      <Link style={LINK} to="/finance/settlements" search={{ date: item?.[2] ?? e.reference.slice(0, 10) }}>
        {t('finance.exceptions.openSettlements')}
      </Link>
    );
  return null;
}

// Hand an open finding to a team (finance, hall) or a person (a username), with an optional note.
function AssignDialog({ target, onClose }: { target: FinanceException | null; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ owner: string; note?: string }>();
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await post(`/api/v1/finance/exceptions/${target!.id}/assign`, {
        owner: v.owner.trim(),
        note: v.note?.trim() || undefined,
      });
      onClose(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal
      open={!!target}
      title={`${t('finance.exceptions.assign')} · ${target?.reference ?? ''}`}
      okText={t('action.confirm')}
      cancelText={t('action.cancel')}
      onOk={submit}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <p>
        {t('finance.exceptions.owner')}: <strong>{target?.owner}</strong>
      </p>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          label={t('finance.exceptions.newOwner')}
          name="owner"
          extra={t('finance.exceptions.ownerHint')}
          rules={[
            {
              required: true,
              pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
              message: t('finance.exceptions.ownerRule'),
            },
          ]}
        >
          <Input autoFocus maxLength={64} />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.note')} name="note">
          <Input maxLength={200} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
      <ErrorLine error={error} />
    </Modal>
  );
}

export function ExceptionsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [kind, setKind] = useState<string | undefined>();
  const [owner, setOwner] = useState('');
  const [reference, setReference] = useState('');
  const [minAge, setMinAge] = useState<number | null>(null);
  const [resolving, setResolving] = useState<FinanceException | null>(null);
  const [assigning, setAssigning] = useState<FinanceException | null>(null);
  // an unmatched transfer assigned to a customer from here (corporate's suspense step, one key per line)
  const [toCustomer, setToCustomer] = useState<{ e: FinanceException; key: string } | null>(null);
  const [customerId, setCustomerId] = useState<number | null>(null);
  const q = useQuery({
    queryKey: ['exceptions', status, kind ?? 'all'],
    queryFn: () =>
      get<{ exceptions: FinanceException[] }>(`/api/v1/finance/exceptions${qs({ status, kind, limit: 500 })}`),
  });
  const rows = useMemo(
    () =>
      (q.data?.exceptions ?? [])
        .filter((e) => !reference || e.reference.includes(reference.trim()))
        .filter((e) => !owner || e.owner.includes(owner))
        .filter((e) => minAge == null || ageDays(e.raisedAt) >= minAge)
        .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt)),
    [q.data, reference, owner, minAge],
  );
  const byKind = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of q.data?.exceptions ?? []) m.set(e.kind, (m.get(e.kind) ?? 0) + 1);
    return [...m];
  }, [q.data]);
  return (
    <section aria-labelledby="exceptions-title">
      <Typography.Title id="exceptions-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.exceptions.title')}
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item label={t('finance.exceptions.reference')} htmlFor="exc-reference">
          <Input
            id="exc-reference"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            style={{ width: 200 }}
            autoFocus
          />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.status')} htmlFor="exc-status">
          <Select
            id="exc-status"
            value={status}
            onChange={setStatus}
            style={{ width: 110 }}
            options={[
              { value: 'open', label: t('finance.exceptions.open') },
              { value: 'resolved', label: t('finance.exceptions.resolved') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.kind')} htmlFor="exc-kind">
          <Select
            id="exc-kind"
            allowClear
            value={kind}
            onChange={setKind}
            style={{ width: 220 }}
            placeholder={t('finance.all')}
            options={EXCEPTION_KINDS.map((k) => ({ value: k, label: t(`finance.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.owner')} htmlFor="exc-owner">
          <Input id="exc-owner" value={owner} onChange={(e) => setOwner(e.target.value)} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.minAge')} htmlFor="exc-age">
          <InputNumber id="exc-age" min={0} value={minAge} onChange={(v) => setMinAge(v)} style={{ width: 90 }} />
        </Form.Item>
      </Form>
      <Space wrap style={{ marginBottom: 12 }} aria-label={t('finance.exceptions.byKind')}>
        {byKind.map(([k, n]) => (
          <Button
            key={k}
            size="small"
            type={k === kind ? 'primary' : 'default'}
            aria-pressed={k === kind}
            onClick={() => setKind(k === kind ? undefined : k)}
          >
            {t(`finance.kinds.${k}`, { defaultValue: k })}: {n}
          </Button>
        ))}
      </Space>
      <ErrorLine error={q.error} />
      <Table<FinanceException>
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('finance.exceptions.none') }}
        columns={[
          {
            title: t('finance.exceptions.kind'),
            dataIndex: 'kind',
            render: (k: string) => t(`finance.kinds.${k}`, { defaultValue: k }),
          },
          { title: t('finance.exceptions.reference'), dataIndex: 'reference' },
          {
            title: t('finance.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (a: number | null) => <Money fen={a} />,
          },
          {
            title: t('finance.exceptions.raisedAt'),
            dataIndex: 'raisedAt',
            render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: t('finance.exceptions.age'),
            key: 'age',
            align: 'right',
            render: (_, e) => t('finance.days', { count: ageDays(e.raisedAt) }),
          },
          { title: t('finance.exceptions.owner'), dataIndex: 'owner' },
          { title: t('finance.exceptions.evidence'), key: 'evidence', render: (_, e) => <Evidence e={e} /> },
          status === 'open'
            ? {
                title: t('finance.action'),
                key: 'act',
                render: (_, e) =>
                  isFinance() || session.user()?.role === 'supervisor' ? (
                    <Space>
                      {isFinance() && (
                        <Button size="small" onClick={() => setResolving(e)}>
                          {t('finance.exceptions.resolve')}
                        </Button>
                      )}
                      {isFinance() && e.kind === 'corporate-transfer-unmatched' && e.detail.lineId != null && (
                        <Button size="small" onClick={() => setToCustomer({ e, key: newKey() })}>
                          {t('finance.exceptions.assignToCustomer')}
                        </Button>
                      )}
                      <Button size="small" onClick={() => setAssigning(e)}>
                        {t('finance.exceptions.assign')}
                      </Button>
                    </Space>
                  ) : null,
              }
            : {
                title: t('finance.exceptions.resolution'),
                key: 'note',
                render: (_, e) => `${e.resolvedBy ?? ''}: ${e.note ?? ''}`,
              },
        ]}
      />
      <AssignDialog
        target={assigning}
        onClose={(done) => {
          setAssigning(null);
          if (done) void q.refetch();
        }}
      />
      <ReasonDialog
        open={!!toCustomer}
        title={toCustomer ? `${t('finance.exceptions.assignToCustomer')} · ${toCustomer.e.reference}` : ''}
        okText={t('action.confirm')}
        label={t('finance.exceptions.note')}
        onCancel={() => setToCustomer(null)}
        onConfirm={async (note) => {
          const { e, key } = toCustomer!;
          // corporate moves the money to the customer's account and resolves this exception with it
          await post(
            `/api/v1/corporate/statement-lines/${String(e.detail.lineId)}/assignment`,
            { customerId, note },
            key,
          );
          setToCustomer(null);
          setCustomerId(null);
          void q.refetch();
        }}
      >
        <p>
          {t('finance.amount')}: <Money fen={toCustomer?.e.amount} /> · {String(toCustomer?.e.detail.payerName ?? '')}
        </p>
        <Form layout="vertical">
          <Form.Item label={t('finance.exceptions.customerId')} htmlFor="exc-customer" required>
            <InputNumber
              id="exc-customer"
              min={1}
              precision={0}
              value={customerId}
              onChange={(v) => setCustomerId(v)}
              style={{ width: '100%' }}
            />
          </Form.Item>
        </Form>
      </ReasonDialog>
      <ReasonDialog
        open={!!resolving}
        title={
          resolving
            ? `${t('finance.exceptions.resolve')} · ${t(`finance.kinds.${resolving.kind}`, { defaultValue: resolving.kind })}`
            : ''
        }
        width={720}
        okText={t('finance.exceptions.resolve')}
        label={t('finance.exceptions.note')}
        onCancel={() => setResolving(null)}
        onConfirm={async (note) => {
          await post(`/api/v1/finance/exceptions/${resolving!.id}/resolve`, { note });
          setResolving(null);
          void q.refetch();
        }}
      >
        {resolving?.kind.startsWith('load-') ? (
          <LoadEvidence loadId={resolving.reference} />
        ) : (
          resolving && (
            <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('finance.exceptions.reference')}>{resolving.reference}</Descriptions.Item>
              {Object.entries(resolving.detail).map(([k, v]) => (
                <Descriptions.Item key={k} label={k}>
                  {typeof v === 'object' ? JSON.stringify(v) : String(v)}
                </Descriptions.Item>
              ))}
            </Descriptions>
          )
        )}
      </ReasonDialog>
    </section>
  );
}
