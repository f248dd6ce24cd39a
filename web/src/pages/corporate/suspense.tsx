// Finance's suspense queue: each unmatched transfer assigned to a corporate customer (its payer
// account is then learned) or returned to the payer, each with a note.
import { useQuery } from '@tanstack/react-query';
import { Button, Form, InputNumber, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, newKey, post } from '../../api/client.ts';
import { ErrorLine, ReasonDialog } from '../../components.tsx';
import type { Line, Lines } from './api.ts';
import { LinesTable } from './lines-table.tsx';

export function SuspensePage() {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['corporate-suspense'],
    queryFn: () => get<Lines>('/api/v1/corporate/statement-lines?status=suspense&limit=200'),
  });
  const [acting, setActing] = useState<{ line: Line; kind: 'assign' | 'return'; key: string } | null>(null);
  const [customerId, setCustomerId] = useState<number | null>(null);
  return (
    <section aria-labelledby="suspense-title">
      <Typography.Title id="suspense-title" level={1} style={{ fontSize: 20 }}>
        {t('corporate.suspense.title')}
      </Typography.Title>
      <ErrorLine error={q.error} />
      <LinesTable
        lines={q.data?.lines ?? []}
        actions={(l) => (
          <Space>
            <Button size="small" type="primary" onClick={() => setActing({ line: l, kind: 'assign', key: newKey() })}>
              {t('corporate.suspense.assign')}
            </Button>
            <Button size="small" onClick={() => setActing({ line: l, kind: 'return', key: newKey() })}>
              {t('corporate.suspense.return')}
            </Button>
          </Space>
        )}
      />
      <ReasonDialog
        open={!!acting}
        title={acting ? `${t(`corporate.suspense.${acting.kind}`)} · ${acting.line.bank} ${acting.line.serial}` : ''}
        okText={t('action.confirm')}
        onCancel={() => setActing(null)}
        onConfirm={async (note) => {
          const a = acting!;
          if (a.kind === 'assign')
            await post(`/api/v1/corporate/statement-lines/${a.line.id}/assignment`, { customerId, note }, a.key);
          else await post(`/api/v1/corporate/statement-lines/${a.line.id}/return`, { reason: note }, a.key);
          setActing(null);
          setCustomerId(null);
          void q.refetch();
        }}
      >
        {acting?.kind === 'assign' && (
          <Form layout="vertical">
            <Form.Item label={t('corporate.suspense.customerId')} htmlFor="assign-customer" required>
              <InputNumber
                id="assign-customer"
                min={1}
                precision={0}
                value={customerId}
                onChange={(v) => setCustomerId(v)}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Form>
        )}
      </ReasonDialog>
    </section>
  );
}
