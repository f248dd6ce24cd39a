// The hall's cash to the bank: a day's till closes (declared by the clerks, confirmed by a supervisor)
// and the deposit slips that bank their counted cash — made, approved by someone other than the maker,
// marked banked with the bank's reference by someone other than the approver.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Button, Card, Form, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, qs } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import { isFinance, localDay, me, type DepositSlip, type TillClose } from './api.ts';
import { BankReferenceDialog } from './bank-reference-dialog.tsx';
import { DayField } from './day-field.tsx';
import { ToneTag, type Tone } from './tone.tsx';

const TONE: Record<string, Tone> = {
  declared: 'neutral',
  confirmed: 'info',
  draft: 'neutral',
  approved: 'info',
  banked: 'good',
};
const OWN = { color: '#7a4500' };

export function CashPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const search = useSearch({ strict: false }) as { date?: string };
  const date = search.date ?? localDay(0);
  const [slipNo, setSlipNo] = useState('');
  const [banking, setBanking] = useState<DepositSlip | null>(null);
  const [error, setError] = useState<unknown>(null);
  const tills = useQuery({
    queryKey: ['till-closes', date],
    queryFn: () => get<{ tillCloses: TillClose[] }>(`/api/v1/till-closes${qs({ date })}`),
  });
  const slips = useQuery({
    queryKey: ['deposit-slips', date],
    queryFn: () => get<{ slips: DepositSlip[] }>(`/api/v1/cash-deposit-slips${qs({ date })}`),
  });
  const refresh = () =>
    void queries.invalidateQueries({
      predicate: (q) => ['till-closes', 'deposit-slips'].includes(String(q.queryKey[0])),
    });
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
    <section aria-labelledby="cash-title">
      <Typography.Title id="cash-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.cash.title')}
      </Typography.Title>
      <DayField
        id="cash-date"
        value={date}
        onChange={(d) => void navigate({ to: '/finance/cash', search: { date: d } })}
      />
      <ErrorLine error={error ?? tills.error ?? slips.error} />
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.cash.tills')}</h2>}
        style={{ marginBottom: 16 }}
      >
        <Table<TillClose>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={tills.data?.tillCloses ?? []}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: t('finance.cash.clerk'), dataIndex: 'username' },
            {
              title: t('finance.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <ToneTag tone={TONE[s] ?? 'neutral'}>{t(`finance.cash.states.${s}`, { defaultValue: s })}</ToneTag>
              ),
            },
            {
              title: t('finance.cash.expected'),
              dataIndex: 'expectedCash',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.cash.counted'),
              dataIndex: 'countedCash',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.cash.difference'),
              dataIndex: 'difference',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            { title: t('finance.cash.confirmedBy'), dataIndex: 'confirmedBy', render: (x: string | null) => x ?? '—' },
            { title: t('finance.cash.slip'), dataIndex: 'slipId', render: (x: number | null) => (x ? `#${x}` : '—') },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.cash.slips')}</h2>}
        extra={
          finance && (
            <Form
              layout="inline"
              onFinish={() =>
                act(async () => {
                  await post('/api/v1/cash-deposit-slips', { date, slipNo });
                  setSlipNo('');
                })
              }
            >
              <Form.Item label={t('finance.cash.slipNo')} htmlFor="slip-no" style={{ marginBottom: 0 }}>
                <Input
                  id="slip-no"
                  size="small"
                  value={slipNo}
                  onChange={(e) => setSlipNo(e.target.value)}
                  style={{ width: 140 }}
                />
              </Form.Item>
              <Button size="small" type="primary" htmlType="submit" disabled={!slipNo.trim()}>
                {t('finance.cash.makeSlip')}
              </Button>
            </Form>
          )
        }
      >
        <Table<DepositSlip>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={slips.data?.slips ?? []}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: t('finance.cash.slipNo'), dataIndex: 'slipNo' },
            {
              title: t('finance.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <ToneTag tone={TONE[s] ?? 'neutral'}>{t(`finance.cash.states.${s}`, { defaultValue: s })}</ToneTag>
              ),
            },
            { title: t('finance.cash.tillCount'), dataIndex: 'tillCount', align: 'right' },
            {
              title: t('finance.amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.refunds.people'),
              key: 'who',
              render: (_, s) => [s.createdBy, s.approvedBy, s.bankedBy].filter(Boolean).join(' → '),
            },
            { title: t('finance.bankReference'), dataIndex: 'bankReference', render: (r: string | null) => r ?? '—' },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, s) => {
                if (!finance) return null;
                if (s.state === 'draft')
                  return s.createdBy === me() ? (
                    <Typography.Text strong style={OWN}>
                      {t('finance.refunds.ownBatch')}
                    </Typography.Text>
                  ) : (
                    <Button size="small" onClick={() => act(() => post(`/api/v1/cash-deposit-slips/${s.id}/approve`))}>
                      {t('finance.approve')}
                    </Button>
                  );
                if (s.state === 'approved')
                  return s.approvedBy === me() ? (
                    <Typography.Text strong style={OWN}>
                      {t('finance.fourEyes.own', { action: t('finance.cash.bank') })}
                    </Typography.Text>
                  ) : (
                    <Space>
                      <Button size="small" type="primary" onClick={() => setBanking(s)}>
                        {t('finance.cash.markBanked')}
                      </Button>
                    </Space>
                  );
                return null;
              },
            },
          ]}
        />
      </Card>
      <BankReferenceDialog
        open={!!banking}
        title={`${t('finance.cash.markBanked')} · ${banking?.slipNo ?? ''}`}
        approvedBy={banking?.approvedBy}
        amount={banking?.amount}
        path={`/api/v1/cash-deposit-slips/${banking?.id}/banked`}
        onClose={(done) => {
          setBanking(null);
          if (done) refresh();
        }}
      />
    </section>
  );
}
