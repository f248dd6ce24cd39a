// Bad-debt write-offs: finance proposes writing off (part of) an open bill of a debit account with a
// reason; two approvals follow, by two different people, neither the proposer (finance or supervisor);
// the second posts it. The service decides who may approve; a refusal is shown as it says.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Alert, Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { writeOffRowJson } from '@server/modules/credit/responses.ts';
import { ApiError, get, post, session } from '../../api/client.ts';
import { ErrorLine, Money, useErrorText } from '../../components.tsx';
import { Fen } from '../../money.ts';
import type { Bill } from './bills-table.tsx';

type WriteOff = z.infer<typeof writeOffRowJson>;
// solid dark colours: white text on them keeps axe's contrast ratio
const STATE_COLOUR: Record<WriteOff['state'], string> = {
  proposed: '#874d00',
  'approved-once': '#0b5cad',
  posted: '#237804',
  rejected: '#595959',
};
const yuanText = (fen: number) => Fen.format(fen).replace(/[¥,]/g, '');

const proposalSchema = z.object({
  amount: z.string().refine((v) => (Fen.parse(v) ?? 0n) > 0n, 'credit.writeOff.amountInvalid'),
  reason: z.string().trim().min(5, 'credit.writeOff.reasonShort').max(500, 'credit.writeOff.reasonShort'),
});
type Proposal = z.infer<typeof proposalSchema>;

function ProposalForm({ bill, onDone }: { bill: Bill; onDone: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const [error, setError] = useState<unknown>(null);
  const {
    control,
    handleSubmit,
    setError: setFieldError,
    formState,
  } = useForm<Proposal>({
    resolver: zodResolver(proposalSchema),
    defaultValues: { amount: yuanText(bill.outstanding), reason: '' },
  });
  const submit = handleSubmit(async (v) => {
    setError(null);
    try {
      await post(`/api/v1/bills/${bill.id}/write-offs`, { amount: Fen.toJson(Fen.parse(v.amount)!), reason: v.reason });
      onDone();
    } catch (e) {
      // a refusal about a field lands on it; anything else above the form
      if (e instanceof ApiError && (e.field === 'amount' || e.field === 'reason'))
        setFieldError(e.field, { message: text(e) });
      else setError(e);
    }
  });
  const item = (name: keyof Proposal, label: string, input: (f: object) => React.ReactNode) => (
    <Controller
      name={name}
      control={control}
      render={({ field, fieldState }) => (
        <Form.Item
          label={label}
          htmlFor={`writeoff-${name}`}
          required
          validateStatus={fieldState.error ? 'error' : undefined}
          help={fieldState.error ? t(fieldState.error.message ?? 'form.required') : undefined}
        >
          {input({ ...field, id: `writeoff-${name}` })}
        </Form.Item>
      )}
    />
  );
  return (
    <Form layout="vertical" onFinish={() => void submit()} style={{ maxWidth: 520 }}>
      <Typography.Paragraph>
        {t('credit.writeOff.billLine', { period: bill.periodStart.slice(0, 7), due: bill.dueDate })}{' '}
        <Money fen={bill.outstanding} />
      </Typography.Paragraph>
      {item('amount', t('credit.writeOff.amount'), (f) => (
        <Input autoFocus {...f} />
      ))}
      {item('reason', t('credit.writeOff.reason'), (f) => (
        <Input.TextArea rows={2} {...f} />
      ))}
      <Button type="primary" htmlType="submit" loading={formState.isSubmitting}>
        {t('credit.writeOff.propose')}
      </Button>
      <ErrorLine error={error} />
    </Form>
  );
}

function Propose({ accountId }: { accountId: number | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [typed, setTyped] = useState<number | null>(accountId ?? null);
  const [chosen, setChosen] = useState<Bill | null>(null);
  const [done, setDone] = useState(false);
  useEffect(() => setTyped(accountId ?? null), [accountId]);
  const bills = useQuery({
    queryKey: ['credit', accountId, 'bills'],
    queryFn: () => get<{ bills: Bill[] }>(`/api/v1/accounts/${accountId}/bills`),
    enabled: !!accountId,
  });
  const open = (bills.data?.bills ?? []).filter((b) => b.settledAt === null);
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('credit.writeOff.proposeTitle')}</h2>}>
      <Form
        layout="inline"
        onFinish={() => {
          setChosen(null);
          setDone(false);
          if (typed) void navigate({ to: '/credit/write-offs', search: { account: typed } });
        }}
      >
        <Form.Item label={t('credit.writeOff.account')} htmlFor="writeoff-account">
          <InputNumber id="writeoff-account" autoFocus min={1} precision={0} value={typed} onChange={setTyped} />
        </Form.Item>
        <Button htmlType="submit">{t('credit.writeOff.showBills')}</Button>
      </Form>
      <ErrorLine error={bills.error} />
      {accountId && bills.data && (
        <Table<Bill>
          style={{ marginTop: 12 }}
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={open}
          locale={{ emptyText: t('credit.writeOff.noOpenBills') }}
          columns={[
            { title: t('credit.bills.period'), dataIndex: 'periodStart', render: (d: string) => d.slice(0, 7) },
            { title: t('credit.bills.due'), dataIndex: 'dueDate' },
            {
              title: t('credit.bills.outstanding'),
              dataIndex: 'outstanding',
              align: 'right',
              render: (f: number) => <Money fen={f} />,
            },
            {
              title: t('credit.writeOff.actions'),
              key: 'act',
              render: (_: unknown, b) => (
                <Button size="small" onClick={() => (setChosen(b), setDone(false))}>
                  {t('credit.writeOff.choose', { period: b.periodStart.slice(0, 7) })}
                </Button>
              ),
            },
          ]}
        />
      )}
      {chosen && (
        <div style={{ marginTop: 12 }}>
          <ProposalForm
            key={chosen.id}
            bill={chosen}
            onDone={() => {
              setChosen(null);
              setDone(true);
              void qc.invalidateQueries({ queryKey: ['credit'] });
            }}
          />
        </div>
      )}
      {done && <Alert type="success" title={t('credit.writeOff.proposed')} style={{ marginTop: 12 }} />}
    </Card>
  );
}

function Queue() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = `user:${session.user()?.username ?? ''}`;
  const list = useQuery({
    queryKey: ['credit', 'write-offs'],
    queryFn: () => get<{ writeOffs: WriteOff[] }>('/api/v1/credit/write-offs'),
  });
  const [refusal, setRefusal] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const decide = async (w: WriteOff, decision: 'approve' | 'reject') => {
    setRefusal(null);
    setBusy(w.id);
    try {
      await post(`/api/v1/credit/write-offs/${w.id}/decision`, { decision });
    } catch (e) {
      setRefusal(e);
    } finally {
      setBusy(null);
      void qc.invalidateQueries({ queryKey: ['credit'] });
    }
  };
  const who = (label: string | null) => (label ? label.replace(/^user:/, '') : '—');
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('credit.writeOff.queueTitle')}</h2>}
    >
      <ErrorLine error={list.error} />
      {refusal ? <RefusalLine error={refusal} /> : null}
      <Table<WriteOff>
        rowKey="id"
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={list.data?.writeOffs ?? []}
        locale={{ emptyText: t('credit.writeOff.empty') }}
        columns={[
          { title: t('credit.writeOff.no'), dataIndex: 'id' },
          {
            title: t('credit.writeOff.customer'),
            key: 'customer',
            render: (_: unknown, w) => `${w.customerName} · ${t('credit.writeOff.accountNo', { id: w.accountId })}`,
          },
          { title: t('credit.bills.period'), dataIndex: 'periodStart', render: (d: string) => d.slice(0, 7) },
          {
            title: t('credit.writeOff.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (f: number) => <Money fen={f} />,
          },
          { title: t('credit.writeOff.reason'), dataIndex: 'reason' },
          {
            title: t('credit.writeOff.state'),
            dataIndex: 'state',
            render: (s: WriteOff['state']) => <Tag color={STATE_COLOUR[s]}>{t(`credit.writeOff.states.${s}`)}</Tag>,
          },
          { title: t('credit.writeOff.proposedBy'), dataIndex: 'proposedBy', render: who },
          { title: t('credit.writeOff.approvedBy'), dataIndex: 'approvedBy', render: who },
          {
            title: t('credit.writeOff.actions'),
            key: 'act',
            render: (_: unknown, w) =>
              w.state === 'proposed' || w.state === 'approved-once' ? (
                <Space>
                  <Button size="small" type="primary" loading={busy === w.id} onClick={() => void decide(w, 'approve')}>
                    {w.state === 'proposed' ? t('credit.writeOff.approveFirst') : t('credit.writeOff.approveSecond')}
                  </Button>
                  <Button size="small" danger onClick={() => void decide(w, 'reject')}>
                    {t('credit.writeOff.reject')}
                  </Button>
                  {(w.proposedBy === me || w.approvedBy === me) && (
                    <Typography.Text type="secondary">{t('credit.writeOff.yours')}</Typography.Text>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}

function RefusalLine({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <Alert
      type="error"
      role="alert"
      title={`${t('credit.writeOff.refused')}：${text(error)}`}
      style={{ marginBottom: 12 }}
    />
  );
}

export function WriteOffsPage() {
  const { t } = useTranslation();
  const { account } = useSearch({ from: '/app/credit/write-offs' });
  const finance = session.user()?.role === 'finance';
  return (
    <section aria-labelledby="writeoffs-title">
      <Typography.Title id="writeoffs-title" level={1} style={{ fontSize: 20 }}>
        {t('credit.writeOff.title')}
      </Typography.Title>
      {finance && <Propose accountId={account} />}
      <Queue />
    </section>
  );
}
