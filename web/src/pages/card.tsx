// A card: status, balance and history, and the counter's operations on it — each with a
// confirmation step and a receipt. F6 loads (through the reader), F8 reports it lost.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { Button, Card, Descriptions, Form, InputNumber, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReaderStatus } from '../../../reader/client.ts';
import { get, newKey, post, qs } from '../api/client.ts';
import type { Card as CardT, CardIssued, CardCancellation } from '../api/types.ts';
import type { CardHistory, CardHistoryItem } from '../api/hall.ts';
import { ErrorLine, Money, ReasonDialog } from '../components.tsx';
import { useFKeys } from '../fkeys.tsx';
import { Fen } from '../money.ts';
import { ReaderPanel, readerClient, useReaderError } from '../reader.tsx';
import { Receipt, type ReceiptData } from '../receipt.tsx';

type Op =
  'loss-report' | 'loss-cancellation' | 'suspension' | 'resumption' | 'replacement' | 'reissue' | 'cancellation';
// which operations a status admits (the service decides; this only hides what it would refuse)
const OPS_BY_STATUS: Record<number, Op[]> = {
  1: ['loss-report', 'suspension', 'replacement', 'cancellation'],
  2: ['loss-report', 'resumption', 'replacement', 'cancellation'],
  3: ['loss-report', 'resumption', 'cancellation'],
  6: ['loss-cancellation', 'reissue', 'cancellation'],
};

export function CardPage() {
  const { t } = useTranslation();
  const { cardNo } = useParams({ from: '/app/cards/$cardNo' });
  const navigate = useNavigate();
  const queries = useQueryClient();
  const card = useQuery({
    queryKey: ['card', cardNo],
    queryFn: () =>
      get<{ card: CardT; events: Array<{ at: string; action: string; reason: string | null; actor: string }> }>(
        `/api/v1/cards/${cardNo}`,
      ),
  });
  const history = useQuery({
    queryKey: ['card', cardNo, 'history'],
    queryFn: () => get<CardHistory>(`/api/v1/cards/${cardNo}/history${qs({ limit: 50 })}`),
  });
  const [op, setOp] = useState<Op | null>(null);
  const [loading, setLoading] = useState(false);
  const [receipt, setReceipt] = useState<ReceiptData | null>(null);
  const c = card.data?.card;
  const ops = c ? (OPS_BY_STATUS[c.status] ?? []) : [];
  const refresh = () => void queries.invalidateQueries({ queryKey: ['card', cardNo] });
  useFKeys('card', [
    ...(c && c.cardType === 22 && c.status === 1
      ? [{ key: 'F6' as const, label: t('card.load'), run: () => setLoading(true) }]
      : []),
    ...(ops.includes('loss-report')
      ? [{ key: 'F8' as const, label: t('card.ops.loss-report'), run: () => setOp('loss-report') }]
      : []),
  ]);
  if (card.error) return <ErrorLine error={card.error} />;
  if (!c) return <Typography.Text>{t('app.loading')}</Typography.Text>;

  const perform = async (reason: string, extra: { withCard?: boolean; method?: string; refundMethod?: string }) => {
    const o = op!;
    let data: ReceiptData;
    if (o === 'replacement' || o === 'reissue') {
      // a blank card of the same type on the reader becomes the new card, personalised at once
      const reader = readerClient();
      const m = reader ? (await reader.status().catch(() => null))?.medium : null;
      const blank = reader && m?.kind === 'card' && m.blank && m.cardType === c!.cardType ? m.cardNo : null;
      const onto = blank ? { newCardNo: blank, challenge: await reader!.challenge('0015') } : {};
      const res = await post<CardIssued & { predecessor: CardT }>(
        `/api/v1/cards/${cardNo}/${o}`,
        { reason, payment: { method: extra.method ?? 'cash' }, ...onto },
        newKey(),
      );
      if (blank) {
        await reader!.write(res.personalisation.writes as never);
        const c16 = await reader!.challenge('0016');
        const w = await post<{ write: unknown }>(`/api/v1/cards/${res.card.cardNo}/file-writes`, {
          file: '0016',
          challenge: c16,
        });
        await reader!.write([w.write] as never);
      }
      data = {
        operation: t(`card.ops.${o}`),
        reference: res.card.cardNo,
        at: res.card.issuedAt,
        lines: [
          { label: t('card.oldCard'), value: cardNo },
          { label: t('card.newCard'), value: res.card.cardNo },
          { label: t('fee.price'), fen: res.fee.price },
          { label: t('issue.personalised'), value: blank ? t('issue.yes') : t('issue.no') },
          { label: t('form.reason'), value: reason },
        ],
      };
    } else if (o === 'cancellation') {
      const res = await post<{ request: CardCancellation }>(`/api/v1/cards/${cardNo}/cancellation-requests`, {
        reason,
        refundMethod: extra.refundMethod ?? 'cash',
      });
      data = {
        operation: t('card.ops.cancellation'),
        reference: `CR-${res.request.id}`,
        at: res.request.requestedAt,
        lines: [
          { label: t('medium.cardNo'), value: cardNo },
          { label: t('card.refundMethod'), value: t(`card.refund.${res.request.refundMethod}`) },
          { label: t('card.awaiting'), value: t('card.awaitingSupervisor') },
          { label: t('form.reason'), value: reason },
        ],
      };
    } else {
      const body = o === 'suspension' ? { reason, withCard: extra.withCard ?? true } : { reason };
      const res = await post<{ card: CardT }>(`/api/v1/cards/${cardNo}/${o}`, body);
      data = {
        operation: t(`card.ops.${o}`),
        reference: `${cardNo}-${dayjs(res.card.statusChangedAt).format('YYYYMMDDHHmmss')}`,
        at: res.card.statusChangedAt,
        lines: [
          { label: t('medium.cardNo'), value: cardNo },
          { label: t('medium.status.label'), value: t(`medium.status.card.${res.card.status}`) },
          { label: t('form.reason'), value: reason },
        ],
      };
    }
    setOp(null);
    setReceipt(data);
    refresh();
  };

  return (
    <section aria-labelledby="card-title">
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title id="card-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('medium.kinds.card' + c.cardType)} {c.cardNo}
        </Typography.Title>
        <Tag color={c.status === 1 ? '#237804' : '#a8071a'}>{t(`medium.status.card.${c.status}`)}</Tag>
        <Button
          onClick={() => void navigate({ to: '/customers/$customerId', params: { customerId: String(c.customerId) } })}
        >
          {t('card.toCustomer')}
        </Button>
      </Space>
      {receipt ? (
        <Receipt data={receipt} onDone={() => setReceipt(null)} />
      ) : (
        <>
          <Card size="small" title={t('card.details')}>
            <Descriptions column={3} size="small">
              <Descriptions.Item label={t('medium.balance')}>
                <Money fen={c.lastBalance} />
              </Descriptions.Item>
              <Descriptions.Item label={t('card.validity')}>
                {c.startDate} – {c.expiryDate}
              </Descriptions.Item>
              <Descriptions.Item label={t('medium.issuedAt')}>
                {dayjs(c.issuedAt).format('YYYY-MM-DD HH:mm')}
              </Descriptions.Item>
              {c.replacedBy && (
                <Descriptions.Item label={t('card.replacedBy')}>
                  <a
                    href={`/cards/${c.replacedBy}`}
                    onClick={(e) => {
                      e.preventDefault();
                      void navigate({ to: '/cards/$cardNo', params: { cardNo: c.replacedBy! } });
                    }}
                  >
                    {c.replacedBy}
                  </a>
                </Descriptions.Item>
              )}
            </Descriptions>
            <Space wrap style={{ marginTop: 8 }}>
              {c.cardType === 22 && c.status === 1 && (
                <Button onClick={() => setLoading(true)}>{t('card.load')} (F6)</Button>
              )}
              {ops.map((o) => (
                <Button key={o} danger={o === 'cancellation' || o === 'loss-report'} onClick={() => setOp(o)}>
                  {t(`card.ops.${o}`)}
                  {o === 'loss-report' ? ' (F8)' : ''}
                </Button>
              ))}
            </Space>
          </Card>
          <Card size="small" title={t('card.history')} style={{ marginTop: 12 }}>
            <ErrorLine error={history.error} />
            <Table<CardHistoryItem>
              rowKey={(r) => `${r.kind}-${r.id}`}
              size="small"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={history.data?.items ?? []}
              columns={[
                {
                  title: t('history.at'),
                  dataIndex: 'at',
                  render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm:ss'),
                },
                { title: t('history.kind'), dataIndex: 'kind', render: (k: string) => t(`history.kinds.${k}`) },
                {
                  title: t('history.amount'),
                  key: 'amount',
                  render: (_: unknown, r) => ('amount' in r ? <Money fen={r.amount} /> : ''),
                },
                {
                  title: t('history.where'),
                  key: 'where',
                  render: (_: unknown, r) =>
                    r.kind === 'lane-transaction' ? `${r.stationName ?? r.laneId} / ${r.laneNo ?? ''}` : '',
                },
                { title: t('history.detail'), key: 'detail', render: (_: unknown, r) => <HistoryDetail item={r} /> },
              ]}
            />
          </Card>
        </>
      )}
      <OpDialog op={op} onCancel={() => setOp(null)} onConfirm={perform} />
      {loading && (
        <LoadDialog
          cardNo={cardNo}
          onClose={() => setLoading(false)}
          onDone={(r) => {
            setLoading(false);
            setReceipt(r);
            refresh();
          }}
        />
      )}
    </section>
  );
}

function OpDialog(props: {
  op: Op | null;
  onCancel: () => void;
  onConfirm: (reason: string, extra: { withCard?: boolean; method?: string; refundMethod?: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [withCard, setWithCard] = useState(true);
  const [method, setMethod] = useState('cash');
  const [refundMethod, setRefundMethod] = useState('cash');
  const o = props.op;
  return (
    <ReasonDialog
      open={!!o}
      title={o ? t('card.confirm', { op: t(`card.ops.${o}`) }) : ''}
      okText={t('action.confirm')}
      onCancel={props.onCancel}
      onConfirm={(reason) => props.onConfirm(reason, { withCard, method, refundMethod })}
    >
      {o === 'suspension' && (
        <Radio.Group
          value={withCard}
          onChange={(e) => setWithCard(e.target.value)}
          aria-label={t('card.withCard')}
          style={{ marginBottom: 12 }}
        >
          <Radio value={true}>{t('card.withCardYes')}</Radio>
          <Radio value={false}>{t('card.withCardNo')}</Radio>
        </Radio.Group>
      )}
      {(o === 'replacement' || o === 'reissue') && (
        <Radio.Group
          value={method}
          onChange={(e) => setMethod(e.target.value)}
          aria-label={t('payment.method')}
          style={{ marginBottom: 12 }}
        >
          <Radio value="cash">{t('payment.cash')}</Radio>
          <Radio value="pos">{t('payment.pos')}</Radio>
        </Radio.Group>
      )}
      {o === 'cancellation' && (
        <Radio.Group
          value={refundMethod}
          onChange={(e) => setRefundMethod(e.target.value)}
          aria-label={t('card.refundMethod')}
          style={{ marginBottom: 12 }}
        >
          <Radio value="cash">{t('card.refund.cash')}</Radio>
          <Radio value="bank-account">{t('card.refund.bank-account')}</Radio>
        </Radio.Group>
      )}
    </ReasonDialog>
  );
}

// Counter load: the reader reads the card and makes MAC1, the centre authorises (MAC2), the card
// credits and returns its TAC, the centre confirms. A failed credit is never retried with the same MAC2.
function LoadDialog(props: { cardNo: string; onClose: () => void; onDone: (r: ReceiptData) => void }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState<string | null>(null);
  const [method, setMethod] = useState<'cash' | 'pos'>('cash');
  const [status, setStatus] = useState<ReaderStatus | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [readerMsg, setReaderMsg] = useState<string | null>(null);
  const readerError = useReaderError();
  const onStatus = useCallback((s: ReaderStatus | null) => setStatus(s), []);
  const fen = amount ? Fen.parse(amount) : null;
  const onReader = status?.medium?.kind === 'card' && status.medium.cardNo === props.cardNo;
  const run = async () => {
    if (!fen || fen <= 0n || !onReader) return;
    if (!confirming) return setConfirming(true);
    setBusy(true);
    setError(null);
    setReaderMsg(null);
    try {
      const reader = readerClient()!;
      const init = await reader.loadInit({ amount: Fen.toJson(fen) });
      const auth = await post<{ loadId: string; mac2: string; hostDate: string; hostTime: string }>(
        '/api/v1/channel/loads',
        { ...init, payment: { method } },
        newKey(),
      );
      const credit = await reader.loadCredit({ hostDate: auth.hostDate, hostTime: auth.hostTime, mac2: auth.mac2 });
      await post(`/api/v1/channel/loads/${auth.loadId}/confirm`, { tac: credit.tac });
      props.onDone({
        operation: t('card.load'),
        reference: auth.loadId,
        lines: [
          { label: t('medium.cardNo'), value: props.cardNo },
          { label: t('load.amount'), fen },
          { label: t('load.before'), fen: init.card.balance },
          { label: t('load.after'), fen: credit.balance },
          { label: t('payment.method'), value: t(`payment.${method}`) },
        ],
      });
    } catch (e) {
      const r = readerError(e);
      if (r) setReaderMsg(r);
      else setError(e);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('card.load')}
      okText={confirming ? t('load.confirm', { amount: fen ? Fen.format(fen) : '' }) : t('action.next')}
      cancelText={t('action.cancel')}
      onOk={() => void run()}
      okButtonProps={{ disabled: !fen || fen <= 0n || !onReader, loading: busy }}
      onCancel={props.onClose}
    >
      <ReaderPanel onStatus={onStatus} demoInsert={{ kind: 'card', cardNo: props.cardNo }} />
      <Form layout="vertical" style={{ marginTop: 12 }} onFinish={() => void run()}>
        <Form.Item label={t('load.amount')} htmlFor="load-amount">
          <InputNumber<string>
            id="load-amount"
            stringMode
            autoFocus
            prefix="¥"
            min="0.01"
            value={amount}
            onChange={(v) => {
              setAmount(v);
              setConfirming(false);
            }}
            onPressEnter={() => void run()}
            style={{ width: 200 }}
          />
        </Form.Item>
        <Radio.Group value={method} onChange={(e) => setMethod(e.target.value)} aria-label={t('payment.method')}>
          <Radio value="cash">{t('payment.cash')}</Radio>
          <Radio value="pos">{t('payment.pos')}</Radio>
        </Radio.Group>
      </Form>
      {confirming && fen && (
        <Typography.Paragraph role="status" strong style={{ marginTop: 12 }}>
          {t('load.check', { amount: Fen.format(fen), card: props.cardNo })}
        </Typography.Paragraph>
      )}
      {readerMsg && (
        <Typography.Text type="danger" role="alert">
          {readerMsg}
        </Typography.Text>
      )}
      <ErrorLine error={error} />
    </Modal>
  );
}

function HistoryDetail({ item: r }: { item: CardHistoryItem }) {
  const { t } = useTranslation();
  switch (r.kind) {
    case 'event':
      return (
        <>
          {t(`medium.status.card.${r.toStatus}`)} · {r.actor}
          {r.reason ? ` · ${r.reason}` : ''}
        </>
      );
    case 'load':
      return (
        <>
          {t(`payment.${r.paymentMethod}`, { defaultValue: r.paymentMethod })} · {t(`history.loadStatus.${r.status}`)}
        </>
      );
    case 'list-change':
      return (
        <>
          {t(`lists.actions.${r.action}`)} · {t(`history.listState.${r.state}`)}
          {r.version != null ? ` v${r.version}` : ''}
        </>
      );
    case 'lane-transaction':
      return <>{t(`history.disposition.${r.disposition}`)}</>;
  }
}
