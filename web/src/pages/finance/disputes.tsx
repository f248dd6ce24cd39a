// Disputes: transactions we disputed as issuer in other provinces' packages (finance decides: pay or
// bad debt; the decision goes to the province) and ours that provinces disputed (their decision
// arrives). Several open ones can be decided at once with one note. Below them, our confirmations
// still held back for complaints, which finance may send early.
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, qs } from '../../api/client.ts';
import { ErrorLine, Money, ReasonDialog } from '../../components.tsx';
import { isFinance, type Dispute } from './api.ts';
import { HeldConfirmationsCard } from './held-confirmations.tsx';
import { ToneTag } from './tone.tsx';

export function DisputesPage() {
  const { t } = useTranslation();
  const [side, setSide] = useState<'issuer' | 'provider'>('issuer');
  const [status, setStatus] = useState<'open' | 'resolved' | undefined>('open');
  const [network, setNetwork] = useState('');
  const [picked, setPicked] = useState<number[]>([]);
  const [deciding, setDeciding] = useState<0 | 1 | null>(null);
  const q = useQuery({
    queryKey: ['disputes', side, status ?? 'all', network],
    queryFn: () =>
      get<{ disputes: Dispute[] }>(
        `/api/v1/interchange/disputes${qs({ side, status, network: /^\d{4}$/.test(network) ? network : undefined, limit: 500 })}`,
      ),
  });
  const mayDecide = isFinance() && side === 'issuer';
  return (
    <section aria-labelledby="disputes-title">
      <Typography.Title id="disputes-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.disputes.title')}
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item>
          <Segmented
            aria-label={t('finance.disputes.side')}
            value={side}
            onChange={(v) => {
              setSide(v as 'issuer' | 'provider');
              setPicked([]);
            }}
            options={[
              { value: 'issuer', label: t('finance.disputes.issuer') },
              { value: 'provider', label: t('finance.disputes.provider') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('finance.exceptions.status')} htmlFor="disp-status">
          <Select
            id="disp-status"
            allowClear
            placeholder={t('finance.all')}
            value={status}
            onChange={setStatus}
            style={{ width: 110 }}
            options={[
              { value: 'open', label: t('finance.exceptions.open') },
              { value: 'resolved', label: t('finance.exceptions.resolved') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('finance.network')} htmlFor="disp-network">
          <Input id="disp-network" value={network} onChange={(e) => setNetwork(e.target.value)} style={{ width: 90 }} />
        </Form.Item>
        {mayDecide && (
          <Space>
            <Button type="primary" disabled={!picked.length} onClick={() => setDeciding(0)}>
              {t('finance.disputes.pay')}
            </Button>
            <Button danger disabled={!picked.length} onClick={() => setDeciding(1)}>
              {t('finance.disputes.badDebt')}
            </Button>
          </Space>
        )}
      </Form>
      <ErrorLine error={q.error} />
      <Table<Dispute>
        size="small"
        rowKey="id"
        dataSource={q.data?.disputes ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('finance.disputes.none') }}
        rowSelection={
          mayDecide
            ? {
                selectedRowKeys: picked,
                onChange: (keys) => setPicked(keys as number[]),
                getCheckboxProps: (d) => ({ disabled: d.resolution != null, 'aria-label': `${d.transId}` }),
              }
            : undefined
        }
        columns={[
          { title: t('finance.network'), dataIndex: 'network' },
          { title: t('finance.disputes.date'), dataIndex: 'date' },
          { title: t('finance.disputes.package'), dataIndex: 'packageMessageId' },
          { title: t('finance.disputes.transaction'), dataIndex: 'transId' },
          { title: t('finance.disputes.card'), dataIndex: 'cardNo' },
          { title: t('finance.amount'), dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
          { title: t('finance.disputes.result'), dataIndex: 'result' },
          {
            // a dispute raised on request (a complaint ticket) names it; our checks' own show nothing
            title: t('finance.disputes.requested'),
            dataIndex: 'requestReference',
            render: (r: string | null, d) => (r ? `${r} · ${d.requestedBy}` : '—'),
          },
          {
            title: t('finance.disputes.resolution'),
            key: 'res',
            render: (_, d) =>
              d.resolution == null ? (
                <ToneTag tone="warn">{t('finance.exceptions.open')}</ToneTag>
              ) : (
                <ToneTag tone={d.resolution === 0 ? 'good' : 'bad'}>
                  {d.resolution === 0 ? t('finance.disputes.paid') : t('finance.disputes.badDebt')} · {d.resolvedOn} ·{' '}
                  {d.resolvedBy}
                </ToneTag>
              ),
          },
        ]}
      />
      {side === 'issuer' && <HeldConfirmationsCard />}
      <ReasonDialog
        open={deciding !== null}
        title={`${deciding === 0 ? t('finance.disputes.pay') : t('finance.disputes.badDebt')} · ${t('finance.disputes.count', { count: picked.length })}`}
        okText={t('action.confirm')}
        label={t('finance.exceptions.note')}
        onCancel={() => setDeciding(null)}
        onConfirm={async (note) => {
          await post('/api/v1/interchange/disputes/decisions', {
            items: picked.map((id) => ({ id, resolution: deciding })),
            note,
          });
          setDeciding(null);
          setPicked([]);
          void q.refetch();
        }}
      />
    </section>
  );
}
