// Refunds owed by bank transfer and the batches that pay them: finance records each refund's payee
// (the account number is sealed, shown masked), makes a batch of the selected ones; someone other than
// the maker approves it; the bank's payment file downloads; someone other than the approver marks it
// paid with the transfer's bank reference. Who made and approved a batch is shown, and the same
// person is told plainly why no button is offered.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Modal, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.ts';
import { ErrorLine, Money, ReasonDialog } from '../../components.tsx';
import { download, isFinance, me, type RefundBatch, type RefundOwed } from './api.ts';
import { BankReferenceDialog } from './bank-reference-dialog.tsx';
import { ToneTag, type Tone } from './tone.tsx';

const TONE: Record<string, Tone> = { draft: 'neutral', approved: 'info', paid: 'good', rejected: 'bad' };
type Payee = { accountName: string; accountNumber: string; bankName: string };

function PayeeDialog({ refund, onClose }: { refund: RefundOwed | null; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Payee>();
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await post(`/api/v1/refunds/${refund!.cancellationId}/payee`, v);
      onClose(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal
      open={!!refund}
      title={`${t('finance.refunds.payee')} · ${refund?.cardNo ?? ''}`}
      okText={t('action.confirm')}
      cancelText={t('action.cancel')}
      onOk={submit}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ accountName: refund?.payee?.accountName }}>
        <Form.Item
          label={t('finance.refunds.accountName')}
          name="accountName"
          rules={[{ required: true, whitespace: true }]}
        >
          <Input autoFocus maxLength={100} />
        </Form.Item>
        <Form.Item
          label={t('finance.refunds.accountNumber')}
          name="accountNumber"
          rules={[{ required: true, pattern: /^[0-9 ]{8,40}$/, message: t('finance.refunds.accountNumberRule') }]}
        >
          <Input maxLength={40} inputMode="numeric" />
        </Form.Item>
        <Form.Item label={t('finance.refunds.bankName')} name="bankName" rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
      <ErrorLine error={error} />
    </Modal>
  );
}

export function RefundsPage() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [picked, setPicked] = useState<number[]>([]);
  const [payeeFor, setPayeeFor] = useState<RefundOwed | null>(null);
  const [paying, setPaying] = useState<RefundBatch | null>(null);
  const [rejecting, setRejecting] = useState<RefundBatch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refunds = useQuery({
    queryKey: ['refunds', 'open'],
    queryFn: () => get<{ refunds: RefundOwed[] }>('/api/v1/refunds?filter=open'),
  });
  const batches = useQuery({
    queryKey: ['refund-batches'],
    queryFn: () => get<{ batches: RefundBatch[] }>('/api/v1/refund-batches'),
  });
  const refresh = () =>
    void queries.invalidateQueries({ predicate: (q) => ['refunds', 'refund-batches'].includes(String(q.queryKey[0])) });
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      refresh();
    } catch (e) {
      setError(e);
    }
  };
  const finance = isFinance();
  return (
    <section aria-labelledby="refunds-title">
      <Typography.Title id="refunds-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.refunds.title')}
      </Typography.Title>
      <ErrorLine error={error ?? refunds.error ?? batches.error} />
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.refunds.owed')}</h2>}
        extra={
          finance && (
            <Button
              type="primary"
              size="small"
              disabled={!picked.length}
              onClick={() =>
                act(async () => {
                  await post('/api/v1/refund-batches', { cancellationIds: picked });
                  setPicked([]);
                })
              }
            >
              {t('finance.refunds.makeBatch', { count: picked.length })}
            </Button>
          )
        }
        style={{ marginBottom: 16 }}
      >
        <Table<RefundOwed>
          size="small"
          rowKey="cancellationId"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={refunds.data?.refunds ?? []}
          locale={{ emptyText: t('finance.refunds.none') }}
          rowSelection={
            finance
              ? {
                  selectedRowKeys: picked,
                  onChange: (keys) => setPicked(keys as number[]),
                  getCheckboxProps: (r) => ({ disabled: !r.payee, 'aria-label': r.cardNo }),
                }
              : undefined
          }
          columns={[
            { title: t('finance.disputes.card'), dataIndex: 'cardNo' },
            {
              title: t('finance.amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.refunds.approvedAt'),
              dataIndex: 'approvedAt',
              render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
            },
            {
              title: t('finance.refunds.payee'),
              key: 'payee',
              render: (_, r) =>
                r.payee
                  ? `${r.payee.accountName} · ${r.payee.bankName} · ${r.payee.accountNumberMask}`
                  : t('finance.refunds.noPayee'),
            },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, r) =>
                finance ? (
                  <Button size="small" onClick={() => setPayeeFor(r)}>
                    {r.payee ? t('finance.refunds.changePayee') : t('finance.refunds.recordPayee')}
                  </Button>
                ) : null,
            },
          ]}
        />
      </Card>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.refunds.batches')}</h2>}>
        <Table<RefundBatch>
          size="small"
          rowKey="id"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={batches.data?.batches ?? []}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: '#', dataIndex: 'id' },
            {
              title: t('finance.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <ToneTag tone={TONE[s] ?? 'neutral'}>{t(`finance.states.${s}`, { defaultValue: s })}</ToneTag>
              ),
            },
            { title: t('finance.refunds.count'), dataIndex: 'refundCount', align: 'right' },
            {
              title: t('finance.amount'),
              dataIndex: 'total',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.refunds.people'),
              key: 'who',
              render: (_, b) => [b.createdBy, b.approvedBy, b.paidBy ?? b.rejectedBy].filter(Boolean).join(' → '),
            },
            { title: t('finance.bankReference'), dataIndex: 'bankReference', render: (r: string | null) => r ?? '—' },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, b) => {
                if (!finance) return null;
                const file = (format: 'csv' | 'xlsx') => (
                  <Button
                    size="small"
                    onClick={() =>
                      void download(
                        `/api/v1/refund-batches/${b.id}/payment-file?format=${format}`,
                        `refund-batch-${b.id}.${format}`,
                      ).catch(setError)
                    }
                  >
                    {format.toUpperCase()}
                  </Button>
                );
                if (b.state === 'draft')
                  return (
                    <Space>
                      {b.createdBy === me() ? (
                        <Typography.Text strong style={{ color: '#7a4500' }}>
                          {t('finance.refunds.ownBatch')}
                        </Typography.Text>
                      ) : (
                        <Button size="small" onClick={() => act(() => post(`/api/v1/refund-batches/${b.id}/approve`))}>
                          {t('finance.approve')}
                        </Button>
                      )}
                      <Button size="small" danger onClick={() => setRejecting(b)}>
                        {t('finance.refunds.reject')}
                      </Button>
                    </Space>
                  );
                if (b.state === 'approved')
                  return (
                    <Space>
                      {b.approvedBy === me() ? (
                        <Typography.Text strong style={{ color: '#7a4500' }}>
                          {t('finance.fourEyes.own', { action: t('finance.pay') })}
                        </Typography.Text>
                      ) : (
                        <Button size="small" type="primary" onClick={() => setPaying(b)}>
                          {t('finance.refunds.markPaid')}
                        </Button>
                      )}
                      {file('csv')}
                      {file('xlsx')}
                    </Space>
                  );
                if (b.state === 'paid')
                  return (
                    <Space>
                      {file('csv')}
                      {file('xlsx')}
                    </Space>
                  );
                return b.rejectNote;
              },
            },
          ]}
        />
      </Card>
      <PayeeDialog
        refund={payeeFor}
        onClose={(saved) => {
          setPayeeFor(null);
          if (saved) refresh();
        }}
      />
      <BankReferenceDialog
        open={!!paying}
        title={`${t('finance.refunds.markPaid')} · #${paying?.id ?? ''}`}
        approvedBy={paying?.approvedBy}
        amount={paying?.total}
        path={`/api/v1/refund-batches/${paying?.id}/paid`}
        onClose={(done) => {
          setPaying(null);
          if (done) refresh();
        }}
      />
      <ReasonDialog
        open={!!rejecting}
        title={`${t('finance.refunds.reject')} · #${rejecting?.id ?? ''}`}
        okText={t('finance.refunds.reject')}
        label={t('finance.exceptions.note')}
        onCancel={() => setRejecting(null)}
        onConfirm={async (note) => {
          await post(`/api/v1/refund-batches/${rejecting!.id}/reject`, { note });
          setRejecting(null);
          refresh();
        }}
      />
    </section>
  );
}
