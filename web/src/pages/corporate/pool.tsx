// The account manager's (or clerk's) pool screen: the corporate customer's pool, each vehicle's
// allocation, allocating from a CSV of plate → yuan or equal amounts to the selected vehicles, and the
// fleet's replenishment rule. Amounts are typed in yuan and sent as integer fen.
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Space, Switch, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, newKey, post } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { Fen } from '../../money.ts';
import type { Batch, Pool, Reference, Rule } from './api.ts';

export function PoolLookupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [id, setId] = useState('');
  return (
    <section aria-labelledby="pool-title">
      <Typography.Title id="pool-title" level={1} style={{ fontSize: 20 }}>
        {t('corporate.pool.title')}
      </Typography.Title>
      <Form
        layout="inline"
        onFinish={() =>
          /^\d+$/.test(id) && void navigate({ to: '/corporate/customers/$customerId/pool', params: { customerId: id } })
        }
      >
        <Form.Item label={t('corporate.pool.customerId')} htmlFor="pool-customer">
          <Input id="pool-customer" autoFocus value={id} onChange={(e) => setId(e.target.value.trim())} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('action.open', { defaultValue: '打开' })}
        </Button>
      </Form>
    </section>
  );
}

export function PaymentReferenceLine({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['corporate-reference', customerId],
    queryFn: () =>
      get<Reference>(`/api/v1/corporate/customers/${customerId}/payment-reference`).catch((e) => {
        if (e instanceof ApiError && e.code === 'payment-reference-not-found') return null;
        throw e;
      }),
  });
  const [error, setError] = useState<unknown>(null);
  if (q.data === undefined) return <ErrorLine error={q.error} />;
  return (
    <Space>
      {q.data ? (
        <Typography.Text copyable strong>
          {q.data.reference}
        </Typography.Text>
      ) : (
        <Button
          size="small"
          onClick={() =>
            post(`/api/v1/corporate/customers/${customerId}/payment-reference`, {}).then(() => q.refetch(), setError)
          }
        >
          {t('corporate.reference.assign')}
        </Button>
      )}
      <ErrorLine error={error} />
    </Space>
  );
}

const yuanRule = (t: (k: string) => string) => ({
  validator: (_: unknown, v: string) =>
    v === undefined || v === '' || (Fen.parse(v) ?? -1n) >= 0n
      ? Promise.resolve()
      : Promise.reject(new Error(t('corporate.pool.badYuan'))),
});

function RuleForm({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ threshold: string; target: string; poolFloor: string; active: boolean }>();
  const rule = useQuery({
    queryKey: ['corporate-rule', customerId],
    queryFn: () =>
      get<Rule>(`/api/v1/corporate/customers/${customerId}/replenishment-rule`).catch((e) => {
        if (e instanceof ApiError && e.code === 'replenishment-rule-not-found') return null;
        throw e;
      }),
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (rule.data)
      form.setFieldsValue({
        threshold: Fen.format(rule.data.threshold).replace(/[¥,]/g, ''),
        target: Fen.format(rule.data.target).replace(/[¥,]/g, ''),
        poolFloor: Fen.format(rule.data.poolFloor).replace(/[¥,]/g, ''),
        active: rule.data.active,
      });
  }, [rule.data, form]);
  const save = async (v: { threshold: string; target: string; poolFloor: string; active: boolean }) => {
    setError(null);
    setSaved(false);
    try {
      await post(`/api/v1/corporate/customers/${customerId}/replenishment-rule`, {
        threshold: Fen.toJson(Fen.parse(v.threshold) ?? 0n),
        target: Fen.toJson(Fen.parse(v.target) ?? 0n),
        poolFloor: Fen.toJson(Fen.parse(v.poolFloor || '0') ?? 0n),
        active: v.active ?? true,
      });
      setSaved(true);
      void rule.refetch();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('corporate.rule.title')}</h2>}
    >
      <Form form={form} layout="inline" onFinish={save} initialValues={{ active: true }}>
        <Form.Item name="threshold" label={t('corporate.rule.threshold')} rules={[{ required: true }, yuanRule(t)]}>
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="target" label={t('corporate.rule.target')} rules={[{ required: true }, yuanRule(t)]}>
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="poolFloor" label={t('corporate.rule.poolFloor')} rules={[yuanRule(t)]}>
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="active" label={t('corporate.rule.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Button htmlType="submit">{t('corporate.rule.save')}</Button>
      </Form>
      {saved && <Alert type="success" title={t('corporate.rule.saved')} style={{ marginTop: 8 }} />}
      <ErrorLine error={error} />
    </Card>
  );
}

export function PoolPage() {
  const { t } = useTranslation();
  const { customerId } = useParams({ from: '/app/corporate/customers/$customerId/pool' });
  const q = useQuery({
    queryKey: ['corporate-pool', customerId],
    queryFn: () => get<Pool>(`/api/v1/corporate/customers/${customerId}/pool`),
  });
  const [selected, setSelected] = useState<number[]>([]);
  const [each, setEach] = useState('');
  const [csv, setCsv] = useState('');
  const [batch, setBatch] = useState<Batch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // one key per intended allocation, kept until it succeeds: a second Enter allocates once
  const [key, setKey] = useState(newKey());
  const allocate = async (body: object) => {
    setBusy(true);
    setError(null);
    try {
      setBatch(await post<Batch>(`/api/v1/corporate/customers/${customerId}/allocations`, body, key));
      setKey(newKey());
      setSelected([]);
      setEach('');
      setCsv('');
      void q.refetch();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const eachFen = Fen.parse(each);
  return (
    <section aria-labelledby="pool-title">
      <Typography.Title id="pool-title" level={1} style={{ fontSize: 20 }}>
        {t('corporate.pool.title')}
        {q.data ? ` · ${q.data.customerName}` : ''}
      </Typography.Title>
      <ErrorLine error={q.error} />
      <Descriptions size="small" bordered column={3} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('corporate.pool.pool')}>
          <Money fen={q.data?.pool} />
        </Descriptions.Item>
        <Descriptions.Item label={t('corporate.pool.allocated')}>
          <Money fen={q.data?.allocated} />
        </Descriptions.Item>
        <Descriptions.Item label={t('corporate.reference.label')}>
          <PaymentReferenceLine customerId={customerId} />
        </Descriptions.Item>
      </Descriptions>
      <ErrorLine error={error} />
      {batch && (
        <Alert
          type="success"
          role="status"
          style={{ marginBottom: 12 }}
          title={t('corporate.pool.done', { n: batch.vehicles, total: Fen.format(batch.total) })}
        />
      )}
      <Space align="start" wrap style={{ marginBottom: 12 }}>
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('corporate.pool.equalTitle')}</h2>}>
          <Form
            layout="inline"
            onFinish={() => eachFen && eachFen > 0n && allocate({ vehicleIds: selected, amount: Fen.toJson(eachFen) })}
          >
            <Form.Item
              label={t('corporate.pool.each')}
              htmlFor="alloc-each"
              validateStatus={each && !(eachFen && eachFen > 0n) ? 'error' : undefined}
              help={each && !(eachFen && eachFen > 0n) ? t('corporate.pool.badYuan') : undefined}
            >
              <Input id="alloc-each" value={each} onChange={(e) => setEach(e.target.value)} style={{ width: 120 }} />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              loading={busy}
              disabled={selected.length === 0 || !(eachFen && eachFen > 0n)}
            >
              {t('corporate.pool.allocateSelected', { n: selected.length })}
            </Button>
          </Form>
        </Card>
        <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('corporate.pool.csvTitle')}</h2>}>
          <Form layout="vertical" onFinish={() => csv.trim() && allocate({ csv })}>
            <Form.Item label={t('corporate.pool.csvFile')} htmlFor="alloc-csv-file" style={{ marginBottom: 8 }}>
              <input
                id="alloc-csv-file"
                type="file"
                accept=".csv,text/csv"
                onChange={async (e) => setCsv((await e.target.files?.[0]?.text()) ?? '')}
              />
            </Form.Item>
            <Form.Item label={t('corporate.pool.csvText')} htmlFor="alloc-csv" style={{ marginBottom: 8 }}>
              <Input.TextArea
                id="alloc-csv"
                rows={3}
                value={csv}
                onChange={(e) => setCsv(e.target.value)}
                placeholder="plate,amount"
              />
            </Form.Item>
            <Button htmlType="submit" loading={busy} disabled={!csv.trim()}>
              {t('corporate.pool.allocateCsv')}
            </Button>
          </Form>
        </Card>
      </Space>
      <Table
        rowKey="vehicleId"
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={q.data?.vehicles ?? []}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(Number)),
          getCheckboxProps: (v) => ({ 'aria-label': v.plate }),
        }}
        columns={[
          { title: t('corporate.pool.plate'), dataIndex: 'plate' },
          {
            title: t('corporate.pool.balance'),
            dataIndex: 'balance',
            align: 'right',
            render: (b: number) => <Money fen={b} />,
          },
        ]}
      />
      <RuleForm customerId={customerId} />
    </section>
  );
}
