// Issue a card or an OBU: the vehicle, the fee (list price, discount, price — promotions show),
// the payment method, personalisation through the counter's reader, then the receipt.
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { Button, Card, Descriptions, Radio, Select, Space, Steps, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReaderStatus } from '../../../reader/client.ts';
import { post } from '../api/client.ts';
import { feeToday, useCustomer, useFees } from '../api/hooks.ts';
import type { CardIssued, ObuIssued, Payment } from '../api/types.ts';
import { ErrorLine, Money } from '../components.tsx';
import { useFKeys } from '../fkeys.tsx';
import { ReaderPanel, readerClient, useReaderError } from '../reader.tsx';
import { Receipt, type ReceiptData } from '../receipt.tsx';
import dayjs from 'dayjs';

export function IssuePage() {
  const { t } = useTranslation();
  const { customerId, medium } = useParams({ from: '/app/customers/$customerId/issue/$medium' });
  const isCard = medium === 'card';
  const navigate = useNavigate();
  const queries = useQueryClient();
  const detail = useCustomer(customerId);
  const fees = useFees();
  const [vehicleId, setVehicleId] = useState<number | undefined>();
  const [cardType, setCardType] = useState<22 | 23>(22);
  const [method, setMethod] = useState<Payment>('cash');
  const [status, setStatus] = useState<ReaderStatus | null>(null);
  const [step, setStep] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [readerMsg, setReaderMsg] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<ReceiptData | null>(null);
  const readerError = useReaderError();
  const onStatus = useCallback((s: ReaderStatus | null) => setStatus(s), []);

  const vehicles = (detail.data?.vehicles ?? []).filter((v) => v.status === 'active');
  const chosen = vehicleId ?? vehicles[0]?.id;
  const item = isCard ? `card-${cardType}` : 'obu';
  const fee = feeToday(fees.data?.fees, item, dayjs().format('YYYY-MM-DD'));
  const m = status?.medium;
  const blankOnReader = isCard
    ? m?.kind === 'card' && m.blank && m.cardType === cardType
    : m?.kind === 'obu' && m.blank;

  const issue = async () => {
    if (!chosen || busy) return;
    setBusy(true);
    setError(null);
    setReaderMsg(null);
    const reader = blankOnReader ? readerClient() : null;
    try {
      const base = { customerId: Number(customerId), vehicleId: chosen, payment: { method } };
      let data: ReceiptData;
      if (isCard) {
        const cardNo = m?.kind === 'card' ? m.cardNo : undefined;
        const challenge = reader ? await reader.challenge('0015') : undefined;
        const res = await post<CardIssued>('/api/v1/cards', {
          ...base,
          cardType,
          ...(reader ? { cardNo, challenge } : {}),
        });
        setStep(1);
        if (reader) {
          await reader.write(res.personalisation.writes as never);
          const c2 = await reader.challenge('0016');
          const w = await post<{ write: unknown }>(`/api/v1/cards/${res.card.cardNo}/file-writes`, {
            file: '0016',
            challenge: c2,
          });
          await reader.write([w.write] as never);
        }
        data = {
          operation: t(`issue.op.card${cardType}`),
          customer: detail.data?.customer.name,
          reference: res.card.cardNo,
          at: res.card.issuedAt,
          lines: [
            { label: t('medium.cardNo'), value: res.card.cardNo },
            { label: t('fee.listPrice'), fen: res.fee.listPrice },
            { label: t('fee.discount'), fen: res.fee.listPrice - res.fee.price },
            { label: t('fee.price'), fen: res.fee.price },
            { label: t('payment.method'), value: t(`payment.${method}`) },
            { label: t('issue.personalised'), value: reader ? t('issue.yes') : t('issue.no') },
          ],
        };
      } else {
        const obuNo = m?.kind === 'obu' ? m.obuNo : undefined;
        const challenge = reader ? await reader.challenge('system') : undefined;
        const vehicleChallenge = reader ? await reader.challenge('vehicle') : undefined;
        const res = await post<ObuIssued>('/api/v1/obus', {
          ...base,
          ...(reader ? { obuNo, challenge, vehicleChallenge } : {}),
        });
        setStep(1);
        if (reader) {
          await reader.write(res.personalisation.writes as never);
          const c3 = await reader.challenge('system');
          const a = await post<{ write: unknown }>(`/api/v1/obus/${res.obu.obuNo}/activation`, { challenge: c3 });
          await reader.write([a.write] as never);
        }
        data = {
          operation: t('issue.op.obu'),
          customer: detail.data?.customer.name,
          reference: res.obu.obuNo,
          at: res.obu.issuedAt,
          lines: [
            { label: t('medium.obuNo'), value: res.obu.obuNo },
            { label: t('fee.listPrice'), fen: res.fee.listPrice },
            { label: t('fee.discount'), fen: res.fee.listPrice - res.fee.price },
            { label: t('fee.price'), fen: res.fee.price },
            { label: t('payment.method'), value: t(`payment.${method}`) },
            { label: t('issue.personalised'), value: reader ? t('issue.yes') : t('issue.no') },
          ],
        };
      }
      setStep(2);
      setReceipt(data);
      void queries.invalidateQueries({ queryKey: ['customer', customerId] });
    } catch (e) {
      const r = readerError(e);
      if (r) setReaderMsg(r);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  useFKeys('issue', receipt ? [] : [{ key: 'F10', label: t('issue.submit'), run: () => void issue() }]);

  const done = () => navigate({ to: '/customers/$customerId', params: { customerId } });
  return (
    <section aria-labelledby="issue-title" style={{ maxWidth: 900 }}>
      <Typography.Title id="issue-title" level={1} style={{ fontSize: 20 }}>
        {t(isCard ? 'issue.cardTitle' : 'issue.obuTitle')} · {detail.data?.customer.name}
      </Typography.Title>
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 16 }}
        items={[
          { title: t('issue.stepFee') },
          { title: t('issue.stepPersonalise') },
          { title: t('issue.stepReceipt') },
        ]}
      />
      {receipt ? (
        <Receipt data={receipt} onDone={done} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Card size="small" title={t('issue.what')}>
            <Space wrap size="large">
              <label>
                {t('vehicle.plate')}{' '}
                <Select
                  aria-label={t('vehicle.plate')}
                  value={chosen}
                  onChange={setVehicleId}
                  style={{ width: 180 }}
                  options={vehicles.map((v) => ({ value: v.id, label: v.plate }))}
                />
              </label>
              {isCard && (
                <Radio.Group
                  value={cardType}
                  onChange={(e) => setCardType(e.target.value)}
                  aria-label={t('medium.cardType')}
                >
                  <Radio value={22}>{t('medium.kinds.card22')}</Radio>
                  <Radio value={23}>{t('medium.kinds.card23')}</Radio>
                </Radio.Group>
              )}
            </Space>
          </Card>
          <Card size="small" title={t('fee.title')}>
            {fee ? (
              <Descriptions column={3} size="small">
                <Descriptions.Item label={t('fee.listPrice')}>
                  <Money fen={fee.listPrice} />
                </Descriptions.Item>
                <Descriptions.Item label={t('fee.discount')}>
                  <Money fen={fee.listPrice - fee.price} />
                  {(fee.price === 0 || fee.price < fee.listPrice) && (
                    <Tag color="#237804" style={{ marginLeft: 8 }}>
                      {fee.price === 0 ? t('fee.free') : t('fee.promotion')}
                    </Tag>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('fee.price')}>
                  <strong>
                    <Money fen={fee.price} />
                  </strong>
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Typography.Text>{t('fee.none')}</Typography.Text>
            )}
            <div style={{ marginTop: 8 }}>
              <Radio.Group value={method} onChange={(e) => setMethod(e.target.value)} aria-label={t('payment.method')}>
                <Radio value="cash">{t('payment.cash')}</Radio>
                <Radio value="pos">{t('payment.pos')}</Radio>
              </Radio.Group>
            </div>
          </Card>
          <ReaderPanel
            onStatus={onStatus}
            demoInsert={isCard ? { kind: 'blank-card', cardType } : { kind: 'blank-obu' }}
          />
          <Typography.Text type="secondary">
            {blankOnReader ? t('issue.willPersonalise') : t('issue.noBlank')}
          </Typography.Text>
          {readerMsg && <ErrorLine error={null} />}
          {readerMsg && (
            <Typography.Text type="danger" role="alert">
              {readerMsg}
            </Typography.Text>
          )}
          <ErrorLine error={error} />
          <Button type="primary" onClick={() => void issue()} loading={busy} disabled={!chosen}>
            {t('issue.submit')} (F10)
          </Button>
        </Space>
      )}
    </section>
  );
}
