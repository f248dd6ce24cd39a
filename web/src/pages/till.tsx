// The clerk's till for a day: what was taken by method, what was paid out, how many operations.
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Descriptions, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../api/client.ts';
import type { Till } from '../api/hall.ts';
import { ErrorLine, Money } from '../components.tsx';

type Operation = Till['operations'][number];

export function TillPage() {
  const { t } = useTranslation();
  const [day, setDay] = useState<Dayjs>(dayjs());
  const date = day.format('YYYY-MM-DD');
  const q = useQuery({
    queryKey: ['till', date],
    queryFn: () => get<Till>(`/api/v1/tills/${date}${qs({ limit: 200 })}`),
  });
  const till = q.data;
  return (
    <section aria-labelledby="till-title">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Title id="till-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('till.title')}
        </Typography.Title>
        <DatePicker aria-label={t('till.date')} value={day} onChange={(d) => d && setDay(d)} allowClear={false} />
      </Space>
      <ErrorLine error={q.error} />
      {till && (
        <>
          <Card size="small">
            <Descriptions column={3} size="small">
              <Descriptions.Item label={t('till.clerk')}>{till.clerk.displayName}</Descriptions.Item>
              <Descriptions.Item label={t('till.operations')}>
                <span data-testid="till-count">{till.operationCount}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('till.net')}>
                <Money fen={till.net} />
              </Descriptions.Item>
              <Descriptions.Item label={t('till.takenCash')}>
                <Money fen={till.takenByMethod.cash} />
              </Descriptions.Item>
              <Descriptions.Item label={t('till.takenPos')}>
                <Money fen={till.takenByMethod.pos} />
              </Descriptions.Item>
              <Descriptions.Item label={t('till.taken')}>
                <strong data-testid="till-taken">
                  <Money fen={till.taken} />
                </strong>
              </Descriptions.Item>
              <Descriptions.Item label={t('till.paidCash')}>
                <Money fen={till.paidOutByMethod.cash} />
              </Descriptions.Item>
              <Descriptions.Item label={t('till.paidPos')}>
                <Money fen={till.paidOutByMethod.pos} />
              </Descriptions.Item>
              <Descriptions.Item label={t('till.paidOut')}>
                <Money fen={till.paidOut} />
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Table<Operation>
            style={{ marginTop: 12 }}
            rowKey={(r) => `${r.entryId}-${r.method}`}
            size="small"
            dataSource={till.operations}
            pagination={{ pageSize: 15, hideOnSinglePage: true }}
            columns={[
              { title: t('history.at'), dataIndex: 'at', render: (d: string) => dayjs(d).format('HH:mm:ss') },
              {
                title: t('history.kind'),
                dataIndex: 'kind',
                render: (k: string) => t(`till.kinds.${k}`, { defaultValue: k }),
              },
              { title: t('history.amount'), dataIndex: 'amount', render: (a: number) => <Money fen={a} /> },
              { title: t('payment.method'), dataIndex: 'method', render: (m: string) => t(`payment.${m}`) },
              { title: t('receipt.reference'), dataIndex: 'reference' },
              { title: t('history.detail'), dataIndex: 'memo' },
            ]}
          />
        </>
      )}
    </section>
  );
}
