// Our confirmations of other provinces' packages held back so that complaints can still be disputed
// in them (the centre's confirmation hold): when each goes out, and — for finance — a release that
// sends one now, with a note. Shown above the disputes we raised; nothing when none is held.
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../../api/client.ts';
import { ErrorLine, Money, ReasonDialog } from '../../components.tsx';
import { isFinance, type HeldConfirmation, type HeldConfirmations } from './api.ts';
import { ToneTag } from './tone.tsx';

export function HeldConfirmationsCard() {
  const { t } = useTranslation();
  const [releasing, setReleasing] = useState<HeldConfirmation | null>(null);
  const q = useQuery({
    queryKey: ['held-confirmations'],
    queryFn: () => get<HeldConfirmations>('/api/v1/interchange/held-confirmations'),
  });
  const rows = q.data?.confirmations ?? [];
  if (!q.error && rows.length === 0) return null;
  return (
    <Card size="small" title={t('finance.held.title')} style={{ marginTop: 12 }}>
      <Typography.Paragraph type="secondary">
        {t('finance.held.explain', { minutes: q.data?.holdMinutes ?? 0 })}
      </Typography.Paragraph>
      <ErrorLine error={q.error} />
      <Table<HeldConfirmation>
        size="small"
        rowKey="packageId"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('finance.network'), dataIndex: 'network' },
          { title: t('finance.disputes.date'), dataIndex: 'date' },
          { title: t('finance.disputes.package'), dataIndex: 'packageMessageId' },
          { title: t('finance.held.confirmed'), dataIndex: 'count', align: 'right' },
          { title: t('finance.amount'), dataIndex: 'amount', align: 'right', render: (a: number) => <Money fen={a} /> },
          { title: t('finance.held.disputed'), dataIndex: 'disputedCount', align: 'right' },
          {
            title: t('finance.held.until'),
            key: 'until',
            render: (_, c) =>
              c.releasedAt ? (
                <ToneTag tone="info">
                  {t('finance.held.released', { by: c.releasedBy, at: dayjs(c.releasedAt).format('MM-DD HH:mm') })}
                </ToneTag>
              ) : c.held ? (
                <ToneTag tone="warn">{dayjs(c.heldUntil).format('YYYY-MM-DD HH:mm')}</ToneTag>
              ) : (
                <ToneTag tone="info">{t('finance.held.due')}</ToneTag>
              ),
          },
          ...(isFinance()
            ? [
                {
                  title: t('finance.action'),
                  key: 'release',
                  render: (_: unknown, c: HeldConfirmation) =>
                    c.held ? (
                      <Button size="small" onClick={() => setReleasing(c)}>
                        {t('finance.held.release')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <ReasonDialog
        open={releasing !== null}
        title={`${t('finance.held.release')} · ${releasing?.packageMessageId ?? ''}`}
        okText={t('action.confirm')}
        label={t('finance.exceptions.note')}
        minLength={3}
        onCancel={() => setReleasing(null)}
        onConfirm={async (note) => {
          await post(`/api/v1/interchange/held-confirmations/${releasing!.packageId}/release`, { note });
          setReleasing(null);
          void q.refetch();
        }}
      >
        <Typography.Paragraph>{t('finance.held.releaseExplain')}</Typography.Paragraph>
      </ReasonDialog>
    </Card>
  );
}
