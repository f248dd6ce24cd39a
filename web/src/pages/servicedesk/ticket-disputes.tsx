// The interchange disputes of the lane transaction a ticket links: the province, the package, the
// reason code, and finance's decision once made (sent to the province as a resolution). When no
// dispute can be raised, why — for another province's card on our roads, what to do instead.
import { Alert, Card, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Money } from '../../components.tsx';
import { ToneTag } from '../finance/tone.tsx';
import type { TicketDetail, TicketDispute } from './api.ts';

export function TicketDisputes({
  disputes,
  eligibility,
}: {
  disputes: TicketDispute[];
  eligibility: TicketDetail['disputeEligibility'];
}) {
  const { t } = useTranslation();
  const why = eligibility && !eligibility.eligible && disputes.length === 0 ? eligibility.code : null;
  if (disputes.length === 0 && !why) return null;
  return (
    <Card size="small" title={t('sd.dispute.title')} style={{ marginBottom: 12 }}>
      {why && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: disputes.length ? 8 : 0 }}
          title={t(`sd.dispute.why.${why}`, { defaultValue: t('sd.dispute.why.other') })}
        />
      )}
      {disputes.length > 0 && (
        <Table<TicketDispute>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={disputes}
          columns={[
            { title: t('sd.dispute.network'), dataIndex: 'network' },
            { title: t('sd.dispute.package'), dataIndex: 'packageMessageId' },
            { title: t('sd.dispute.transId'), dataIndex: 'transId' },
            { title: t('sd.remedy.amount'), dataIndex: 'amount', render: (a: number) => <Money fen={a} /> },
            {
              title: t('sd.dispute.result'),
              dataIndex: 'result',
              render: (c: number) => `${c} · ${t(`sd.dispute.results.${c}`, { defaultValue: '' })}`,
            },
            {
              title: t('sd.dispute.decision'),
              key: 'decision',
              render: (_: unknown, x) =>
                x.resolution === null ? (
                  <ToneTag tone="warn">{t('sd.dispute.open')}</ToneTag>
                ) : (
                  <ToneTag tone={x.resolution === 0 ? 'info' : 'bad'}>
                    {t(`sd.dispute.resolutions.${x.resolution}`)} · {x.resolvedOn}
                  </ToneTag>
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}
