// A customer's page: masked profile (reveal with a reason), vehicles, account and balance, cards and
// OBUs, recent history and open approvals. F4 issues a card, F5 an OBU, F7 takes a deposit.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import {
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, newKey, post, qs } from '../api/client.ts';
import { useCustomer, useCustomerEvents, type Medium } from '../api/hooks.ts';
import type { Pii, Vehicle } from '../api/types.ts';
import { ErrorLine, Money, ReasonDialog } from '../components.tsx';
import { ApprovalsTable } from './approvals.tsx';
import { useFKeys } from '../fkeys.tsx';
import { Fen } from '../money.ts';
import { PaymentReferenceLine } from './corporate/pool.tsx';
import { DebitPanel } from './credit/debit-panel.tsx';

export function CustomerPage() {
  const { t } = useTranslation();
  const { customerId } = useParams({ from: '/app/customers/$customerId' });
  const navigate = useNavigate();
  const queries = useQueryClient();
  const detail = useCustomer(customerId);
  const events = useCustomerEvents(customerId);
  const media = useQuery({
    queryKey: ['customer', customerId, 'media'],
    queryFn: () => get<{ media: Medium[] }>(`/api/v1/customers/${customerId}/media${qs({ limit: 100 })}`),
  });
  const [pii, setPii] = useState<Pii | null>(null);
  const [revealing, setRevealing] = useState(false);
  const [depositing, setDepositing] = useState(false);
  const issue = (medium: 'card' | 'obu') =>
    navigate({ to: '/customers/$customerId/issue/$medium', params: { customerId, medium } });
  useFKeys('customer', [
    { key: 'F4', label: t('customer.issueCard'), run: () => void issue('card') },
    { key: 'F5', label: t('customer.issueObu'), run: () => void issue('obu') },
    { key: 'F7', label: t('customer.deposit'), run: () => setDepositing(true) },
  ]);
  if (detail.error) return <ErrorLine error={detail.error} />;
  if (!detail.data) return <Typography.Text>{t('app.loading')}</Typography.Text>;
  const { customer, vehicles, account } = detail.data;

  return (
    <section aria-labelledby="customer-title">
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title id="customer-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {customer.name}
        </Typography.Title>
        <Tag>{t(`customer.kinds.${customer.kind}`)}</Tag>
        {customer.tier === 'important' && <Tag color="#874d00">{t('customer.important')}</Tag>}
        <Button onClick={() => void issue('card')}>{t('customer.issueCard')} (F4)</Button>
        <Button onClick={() => void issue('obu')}>{t('customer.issueObu')} (F5)</Button>
        <Button onClick={() => setDepositing(true)}>{t('customer.deposit')} (F7)</Button>
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card title={t('customer.profile')} size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('customer.idNumber')}>
                {pii
                  ? (pii.idNumber ?? pii.registrationNumber)
                  : (customer.idNumberMask ?? customer.registrationNumber)}
              </Descriptions.Item>
              <Descriptions.Item label={t('customer.phone')}>{pii ? pii.phone : customer.phoneMask}</Descriptions.Item>
              {customer.contactPerson && (
                <Descriptions.Item label={t('customer.contactPerson')}>{customer.contactPerson}</Descriptions.Item>
              )}
              <Descriptions.Item label={t('customer.address')}>{customer.address ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('customer.status')}>
                {t(`customer.statuses.${customer.status}`)}
              </Descriptions.Item>
            </Descriptions>
            {!pii && (
              <Button size="small" onClick={() => setRevealing(true)}>
                {t('customer.reveal')}
              </Button>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('customer.account')} size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('customer.accountKind')}>
                {t(`customer.accountKinds.${account.kind}`)}
              </Descriptions.Item>
              <Descriptions.Item label={t('customer.balance')}>
                <strong data-testid="account-balance">
                  <Money fen={account.balance} />
                </strong>
              </Descriptions.Item>
              {account.kind === 'debit' && (
                <Descriptions.Item label={t('customer.creditLimit')}>
                  <Money fen={account.creditLimit} />
                </Descriptions.Item>
              )}
              {customer.kind === 'corporate' && (
                <Descriptions.Item label={t('corporate.reference.label')}>
                  <PaymentReferenceLine customerId={customerId} />
                </Descriptions.Item>
              )}
            </Descriptions>
            {customer.kind === 'corporate' && (
              <a
                href={`/corporate/customers/${customerId}/pool`}
                onClick={(e) => {
                  e.preventDefault();
                  void navigate({ to: '/corporate/customers/$customerId/pool', params: { customerId } });
                }}
              >
                {t('corporate.pool.title')}
              </a>
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('customer.vehicles')} size="small">
            <Table<Vehicle>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={vehicles}
              columns={[
                { title: t('vehicle.plate'), dataIndex: 'plate' },
                {
                  title: t('vehicle.plateColor'),
                  dataIndex: 'plateColor',
                  render: (c: number) => t(`vehicle.colors.${c}`),
                },
                { title: t('vehicle.class'), dataIndex: 'vehicleClass' },
                { title: t('vehicle.status'), dataIndex: 'status', render: (s: string) => t(`vehicle.statuses.${s}`) },
              ]}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('customer.media')} size="small">
            <ErrorLine error={media.error} />
            <Table<Medium>
              rowKey="number"
              size="small"
              pagination={false}
              dataSource={media.data?.media ?? []}
              columns={[
                {
                  title: t('medium.kind'),
                  dataIndex: 'kind',
                  render: (k: string, m) => t(`medium.kinds.${k}${m.cardType ?? ''}`),
                },
                {
                  title: t('medium.number'),
                  dataIndex: 'number',
                  render: (n: string, m) =>
                    m.kind === 'card' ? (
                      <a
                        href={`/cards/${n}`}
                        onClick={(e) => {
                          e.preventDefault();
                          void navigate({ to: '/cards/$cardNo', params: { cardNo: n } });
                        }}
                      >
                        {n}
                      </a>
                    ) : (
                      n
                    ),
                },
                {
                  title: t('medium.status.label'),
                  dataIndex: 'status',
                  render: (s: number, m) => t(`medium.status.${m.kind}.${s}`),
                },
                { title: t('vehicle.plate'), key: 'plate', render: (_: unknown, m) => m.vehicle.plate },
                {
                  title: t('medium.balance'),
                  dataIndex: 'purseBalance',
                  render: (b: number | null) => (b == null ? '—' : <Money fen={b} />),
                },
                {
                  title: t('medium.issuedAt'),
                  dataIndex: 'issuedAt',
                  render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
                },
              ]}
            />
          </Card>
        </Col>
        {account.kind === 'debit' && <DebitPanel accountId={account.id} />}
        <Col span={24}>
          <Card title={t('customer.approvals')} size="small">
            <ApprovalsTable customerId={customerId} />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('customer.history')} size="small">
            <Table
              rowKey="id"
              size="small"
              pagination={{ pageSize: 8, hideOnSinglePage: true }}
              dataSource={events.data?.events ?? []}
              columns={[
                {
                  title: t('history.at'),
                  dataIndex: 'at',
                  render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm:ss'),
                },
                { title: t('history.action'), dataIndex: 'action' },
                { title: t('history.actor'), dataIndex: 'actor' },
                { title: t('history.reason'), dataIndex: 'reason' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <ReasonDialog
        open={revealing}
        title={t('customer.revealTitle')}
        okText={t('customer.reveal')}
        onCancel={() => setRevealing(false)}
        onConfirm={async (reason) => {
          setPii(await post<Pii>(`/api/v1/customers/${customerId}/pii-views`, { reason }));
          setRevealing(false);
        }}
      />
      <DepositDialog
        open={depositing}
        accountId={account.id}
        onClose={() => setDepositing(false)}
        onDone={() => void queries.invalidateQueries({ queryKey: ['customer', customerId] })}
      />
    </section>
  );
}

function DepositDialog(props: { open: boolean; accountId: number; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ amount: string; method: 'cash' | 'pos' }>();
  const [error, setError] = useState<unknown>(null);
  const [receipt, setReceipt] = useState<{ amount: bigint; balance: number } | null>(null);
  // one key per deposit: a second Enter or a retried request deposits once; a new key after success
  const [key, setKey] = useState(newKey);
  const submit = async () => {
    const v = await form.validateFields();
    const amount = Fen.parse(v.amount)!;
    setError(null);
    try {
      const r = await post<{ balance: number }>(
        `/api/v1/accounts/${props.accountId}/deposits`,
        { amount: Fen.toJson(amount), method: v.method },
        key,
      );
      setKey(newKey());
      setReceipt({ amount, balance: r.balance });
      props.onDone();
    } catch (e) {
      setError(e);
    }
  };
  const close = () => {
    setReceipt(null);
    form.resetFields();
    props.onClose();
  };
  return (
    <Modal
      open={props.open}
      title={t('deposit.title')}
      okText={receipt ? t('action.close') : t('deposit.submit')}
      cancelText={t('action.cancel')}
      onOk={receipt ? close : submit}
      onCancel={close}
      destroyOnHidden
    >
      {receipt ? (
        <div role="status">
          {t('deposit.done')} <Money fen={receipt.amount} /> · {t('customer.balance')} <Money fen={receipt.balance} />
        </div>
      ) : (
        <Form form={form} layout="vertical" initialValues={{ method: 'cash' }} onFinish={submit}>
          <Form.Item
            label={t('deposit.amount')}
            name="amount"
            rules={[
              {
                validator: (_, v: string) => {
                  const f = Fen.parse(v ?? '');
                  return f !== null && f > 0n ? Promise.resolve() : Promise.reject(new Error(t('form.amountInvalid')));
                },
              },
            ]}
          >
            <InputNumber<string> stringMode autoFocus style={{ width: 200 }} prefix="¥" />
          </Form.Item>
          <Form.Item label={t('payment.method')} name="method">
            <Select
              options={[
                { value: 'cash', label: t('payment.cash') },
                { value: 'pos', label: t('payment.pos') },
              ]}
            />
          </Form.Item>
        </Form>
      )}
      <ErrorLine error={error} />
    </Modal>
  );
}
