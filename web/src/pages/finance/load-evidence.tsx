// The evidence of a load finding (stuck, TAC invalid, unexplained online sequence): the load as the
// centre holds it now and its status history, so finance resolves it from what happened — confirmed
// by the card's TAC, reversed by the bank, re-authorised — and says so in the note.
import { useQuery } from '@tanstack/react-query';
import { Descriptions, Timeline } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';
import type { LoadEvidence as Evidence } from './api.ts';

export function LoadEvidence({ loadId }: { loadId: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['load', loadId],
    queryFn: () => get<Evidence>(`/api/v1/channel/loads/${loadId}`),
  });
  if (q.error) return <ErrorLine error={q.error} />;
  const l = q.data?.load;
  if (!l) return null;
  return (
    <section aria-label={t('finance.evidence.title')} style={{ marginBottom: 12 }}>
      <Descriptions size="small" column={2} bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
        <Descriptions.Item label={t('finance.evidence.load')} span={2}>
          {l.loadId}
        </Descriptions.Item>
        <Descriptions.Item label={t('finance.evidence.card')}>{l.cardNo}</Descriptions.Item>
        <Descriptions.Item label={t('finance.evidence.status')}>
          <strong>{t(`finance.evidence.statuses.${l.status}`, { defaultValue: l.status })}</strong>
        </Descriptions.Item>
        <Descriptions.Item label={t('finance.amount')}>
          <Money fen={l.amount} />
        </Descriptions.Item>
        <Descriptions.Item label={t('finance.evidence.balanceBefore')}>
          <Money fen={l.balanceBefore} />
        </Descriptions.Item>
        <Descriptions.Item label={t('finance.evidence.channel')}>
          {l.channel} · {l.bank}
        </Descriptions.Item>
        <Descriptions.Item label={t('finance.evidence.onlineSeq')}>{l.onlineSeq}</Descriptions.Item>
      </Descriptions>
      <Timeline
        style={{ marginTop: 12 }}
        items={(q.data?.history ?? []).map((h) => ({
          children: `${dayjs(h.at).format('MM-DD HH:mm:ss')} · ${h.from ?? '—'} → ${h.to} · ${h.actor} · ${h.reason}`,
        }))}
      />
    </section>
  );
}
