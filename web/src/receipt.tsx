// A printed receipt: operation, amounts, numbers, masked customer, clerk, time and a reference.
import { Button, Descriptions, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { session } from './api/client.ts';
import { Money } from './components.tsx';

export type ReceiptData = {
  operation: string;
  customer?: string;
  lines: Array<{ label: string; value?: string; fen?: number | bigint | null }>;
  reference: string;
  at?: string;
};

// A receipt leaves the counter with the customer: the name is shown as the hall masks it (first and
// last character kept), never in full.
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function Receipt({ data, onDone }: { data: ReceiptData; onDone?: () => void }) {
  const { t } = useTranslation();
  const user = session.user();
  return (
    <div>
      <section
        className="receipt"
        aria-label={t('receipt.title')}
        style={{ border: '1px dashed #999', padding: 12, background: '#fff' }}
      >
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('app.title')} · {t('receipt.title')}
        </Typography.Title>
        <Descriptions column={1} size="small" bordered={false}>
          <Descriptions.Item label={t('receipt.operation')}>{data.operation}</Descriptions.Item>
          {data.customer && (
            <Descriptions.Item label={t('receipt.customer')}>{maskName(data.customer)}</Descriptions.Item>
          )}
          {data.lines.map((l) => (
            <Descriptions.Item key={l.label} label={l.label}>
              {l.fen !== undefined ? <Money fen={l.fen} /> : l.value}
            </Descriptions.Item>
          ))}
          <Descriptions.Item label={t('receipt.clerk')}>{user?.displayName ?? user?.username}</Descriptions.Item>
          <Descriptions.Item label={t('receipt.time')}>
            {dayjs(data.at).format('YYYY-MM-DD HH:mm:ss')}
          </Descriptions.Item>
          <Descriptions.Item label={t('receipt.reference')}>{data.reference}</Descriptions.Item>
        </Descriptions>
      </section>
      <div className="no-print" style={{ marginTop: 12, display: 'flex', gap: 8 }}>
        <Button type="primary" onClick={() => window.print()} autoFocus>
          {t('receipt.print')}
        </Button>
        {onDone && <Button onClick={onDone}>{t('action.done')}</Button>}
      </div>
    </div>
  );
}
