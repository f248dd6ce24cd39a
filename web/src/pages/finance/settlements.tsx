// Settlements with provinces and payouts to road operators of a clearing date: approve, then settle or
// pay with the transfer's bank reference — four eyes: the screen shows who approved, and when that is
// the signed-in user it says so and offers no settle/pay (the service refuses it too); the day's
// statement files as CSV or XLSX downloads.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Button, Card, Segmented, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import {
  download,
  isFinance,
  localDay,
  me,
  type Payout,
  type BankSettlement,
  type Payouts,
  type Settlement,
  type Settlements,
} from './api.ts';
import { DayField } from './day-field.tsx';
import { ToneTag } from './tone.tsx';
import { BankReferenceDialog } from './bank-reference-dialog.tsx';

type Target =
  | { kind: 'settlement'; key: string; approvedBy: string | null; amount: number; date: string }
  | { kind: 'payout'; key: string; approvedBy: string | null; amount: number; date: string }
  | { kind: 'bank'; key: string; id: number; approvedBy: string | null; amount: number; date: string };

// a filter by where each item is in its life: waiting for approval, for the transfer, or done
const STAGES = ['all', 'draft', 'approved', 'done'] as const;
type Stage = (typeof STAGES)[number];
const inStage = (state: string, stage: Stage) =>
  stage === 'all' || (stage === 'done' ? state === 'settled' || state === 'paid' : state === stage);

const path = (t: Target) =>
  t.kind === 'settlement'
    ? `/api/v1/settlements/${t.date}/${t.key}`
    : t.kind === 'bank'
      ? `/api/v1/bank-settlements/${t.id}`
      : `/api/v1/payouts/${t.date}/${t.key}`;

function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  const tone = state === 'draft' ? 'neutral' : state === 'approved' ? 'info' : 'good';
  return <ToneTag tone={tone}>{t(`finance.states.${state}`, { defaultValue: state })}</ToneTag>;
}

// approve / settle-or-pay buttons with the four-eyes rule made visible
function Decide({ target, state, onDone }: { target: Target; state: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [finishing, setFinishing] = useState(false);
  if (!isFinance()) return null;
  const finishWord = target.kind === 'payout' ? t('finance.pay') : t('finance.settle');
  if (state === 'draft')
    return (
      <>
        <Button
          size="small"
          onClick={async () => {
            setError(null);
            try {
              await post(`${path(target)}/approve`);
              onDone();
            } catch (e) {
              setError(e);
            }
          }}
        >
          {t('finance.approve')}
        </Button>
        <ErrorLine error={error} />
      </>
    );
  if (state !== 'approved') return null;
  const mine = target.approvedBy === me();
  return (
    <>
      {mine ? (
        <Tooltip title={t('finance.fourEyes.hint')}>
          <Typography.Text strong style={{ color: '#7a4500' }} data-testid="four-eyes">
            {t('finance.fourEyes.own', { action: finishWord })}
          </Typography.Text>
        </Tooltip>
      ) : (
        <Button size="small" type="primary" onClick={() => setFinishing(true)}>
          {finishWord}
        </Button>
      )}
      <BankReferenceDialog
        open={finishing}
        title={`${finishWord} · ${target.key}`}
        approvedBy={target.approvedBy}
        amount={target.amount}
        path={`${path(target)}/${target.kind === 'payout' ? 'pay' : 'settle'}`}
        onClose={(done) => {
          setFinishing(false);
          if (done) onDone();
        }}
      />
    </>
  );
}

function DownloadButtons({ what, date }: { what: 'settlements' | 'payouts'; date: string }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const get = (format: 'csv' | 'xlsx') =>
    download(`/api/v1/${what}/${date}/export?format=${format}`, `${what}-${date}.${format}`).catch(setError);
  return (
    <Space>
      <Button size="small" onClick={() => void get('csv')}>
        {t('finance.downloadCsv')}
      </Button>
      <Button size="small" onClick={() => void get('xlsx')}>
        {t('finance.downloadXlsx')}
      </Button>
      {error ? <ErrorLine error={error} /> : null}
    </Space>
  );
}

export function SettlementsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const search = useSearch({ strict: false }) as { date?: string };
  const date = search.date ?? localDay(-1);
  const [stage, setStage] = useState<Stage>('all');
  const settlements = useQuery({
    queryKey: ['settlements', date],
    queryFn: () => get<Settlements>(`/api/v1/settlements?date=${date}`),
  });
  const payouts = useQuery({
    queryKey: ['payouts', date],
    queryFn: () => get<Payouts>(`/api/v1/payouts?date=${date}`),
  });
  // banks' daily statements of what they owe for their branches' loads (the list is newest first)
  const banks = useQuery({
    queryKey: ['bank-settlements'],
    queryFn: () => get<{ statements: BankSettlement[] }>('/api/v1/bank-settlements'),
  });
  const refresh = () =>
    void queries.invalidateQueries({
      predicate: (q) => ['settlements', 'payouts', 'bank-settlements'].includes(String(q.queryKey[0])),
    });
  const people = (approvedBy: string | null, doneBy: string | null) => (
    <span>
      {approvedBy ?? '—'}
      {doneBy ? ` → ${doneBy}` : ''}
    </span>
  );
  return (
    <section aria-labelledby="settlements-title">
      <Typography.Title id="settlements-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.settlements.title')}
      </Typography.Title>
      <DayField
        id="settlement-date"
        value={date}
        onChange={(d) => void navigate({ to: '/finance/settlements', search: { date: d } })}
      >
        <Segmented
          aria-label={t('finance.state')}
          style={{ marginLeft: 16 }}
          value={stage}
          onChange={(v) => setStage(v as Stage)}
          options={STAGES.map((s) => ({ value: s, label: t(`finance.stages.${s}`) }))}
        />
      </DayField>
      <ErrorLine error={settlements.error ?? payouts.error} />
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.settlements.provinces')}</h2>}
        extra={<DownloadButtons what="settlements" date={date} />}
        style={{ marginBottom: 16 }}
      >
        <Table<Settlement>
          size="small"
          pagination={false}
          rowKey="network"
          dataSource={(settlements.data?.settlements ?? []).filter((s) => inStage(s.state, stage))}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: t('finance.network'), dataIndex: 'network' },
            { title: t('finance.state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
            {
              title: t('finance.receivable'),
              dataIndex: 'receivable',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.payable'),
              dataIndex: 'payable',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            { title: t('finance.net'), dataIndex: 'net', align: 'right', render: (a: number) => <Money fen={a} /> },
            { title: t('finance.approvedAndDone'), key: 'who', render: (_, s) => people(s.approvedBy, s.settledBy) },
            { title: t('finance.bankReference'), dataIndex: 'bankReference', render: (r: string | null) => r ?? '—' },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, s) => (
                <Decide
                  state={s.state}
                  onDone={refresh}
                  target={{ kind: 'settlement', key: s.network, approvedBy: s.approvedBy, amount: s.net, date }}
                />
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.settlements.payouts')}</h2>}
        extra={<DownloadButtons what="payouts" date={date} />}
      >
        <Table<Payout>
          size="small"
          pagination={false}
          rowKey="operatorId"
          dataSource={(payouts.data?.payouts ?? []).filter((p) => inStage(p.state, stage))}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: t('finance.operator'), dataIndex: 'operatorId' },
            { title: t('finance.state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
            { title: t('finance.transactions'), dataIndex: 'transactions', align: 'right' },
            {
              title: t('finance.sources.own'),
              dataIndex: 'ownAmount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.sources.provinces'),
              dataIndex: 'interchangeAmount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            {
              title: t('finance.amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            { title: t('finance.approvedAndDone'), key: 'who', render: (_, p) => people(p.approvedBy, p.paidBy) },
            { title: t('finance.bankReference'), dataIndex: 'bankReference', render: (r: string | null) => r ?? '—' },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, p) => (
                <Decide
                  state={p.state}
                  onDone={refresh}
                  target={{ kind: 'payout', key: p.operatorId, approvedBy: p.approvedBy, amount: p.amount, date }}
                />
              ),
            },
          ]}
          summary={() =>
            payouts.data ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={2}>
                  {t('finance.total')}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {payouts.data.totals.transactions}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <Money fen={payouts.data.totals.ownAmount} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <Money fen={payouts.data.totals.interchangeAmount} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  <Money fen={payouts.data.totals.amount} />
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} colSpan={3} />
              </Table.Summary.Row>
            ) : null
          }
        />
      </Card>
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('finance.settlements.banks')}</h2>}
        style={{ marginTop: 16 }}
      >
        <Table<BankSettlement>
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={(banks.data?.statements ?? []).filter((b) => b.businessDate === date && inStage(b.state, stage))}
          locale={{ emptyText: t('finance.empty') }}
          columns={[
            { title: t('finance.settlements.bank'), dataIndex: 'bank' },
            { title: t('finance.state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
            { title: t('finance.settlements.entries'), dataIndex: 'entries', align: 'right' },
            {
              title: t('finance.amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (a: number) => <Money fen={a} />,
            },
            { title: t('finance.approvedAndDone'), key: 'who', render: (_, b) => people(b.approvedBy, b.settledBy) },
            { title: t('finance.bankReference'), dataIndex: 'bankReference', render: (r: string | null) => r ?? '—' },
            {
              title: t('finance.action'),
              key: 'act',
              render: (_, b) => (
                <Decide
                  state={b.state}
                  onDone={refresh}
                  target={{ kind: 'bank', key: b.bank, id: b.id, approvedBy: b.approvedBy, amount: b.amount, date }}
                />
              ),
            },
          ]}
        />
      </Card>
    </section>
  );
}
