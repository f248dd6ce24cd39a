// The delivery map: every station's lanes as a grid coloured by how far behind the current list
// version each lane is; a lane opens its detail. Polled every few seconds.
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Drawer, Space, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { deliveryResponse } from '@server/modules/statuslist/delivery.ts';
import { get, post } from '../api/client.ts';
import { ErrorLine } from '../components.tsx';
import { useFKeys } from '../fkeys.tsx';

type Delivery = z.infer<typeof deliveryResponse>;
type Lane = Delivery['stations'][number]['lanes'][number];

export const POLL_MS = 3000;

// colour by lag: current green, one version behind amber, more (or past the threshold) red, never grey
export function laneColour(l: Lane): { bg: string; fg: string; key: string } {
  if (l.appliedVersion === null) return { bg: '#595959', fg: '#fff', key: 'never' };
  if (l.versionsBehind === 0) return { bg: '#237804', fg: '#fff', key: 'current' };
  if (l.behind || l.versionsBehind > 1) return { bg: '#a8071a', fg: '#fff', key: 'behind' };
  return { bg: '#874d00', fg: '#fff', key: 'lagging' };
}

export function DeliveryPage() {
  const { t } = useTranslation();
  const [lane, setLane] = useState<Lane | null>(null);
  const map = useQuery({
    queryKey: ['delivery'],
    queryFn: () => get<Delivery>('/api/v1/status-list/delivery'),
    refetchInterval: POLL_MS,
  });
  const { message } = App.useApp();
  const publish = async () => {
    const r = await post<{ published: { version: number } | null }>('/api/v1/status-list/publications');
    void message.success(r.published ? t('lists.published', { version: r.published.version }) : t('lists.nothing'));
    void map.refetch();
  };
  useFKeys('delivery', [{ key: 'F5', label: t('delivery.refresh'), run: () => void map.refetch() }]);
  const d = map.data;
  return (
    <section aria-labelledby="delivery-title">
      <Space style={{ display: 'flex', marginBottom: 12 }} wrap>
        <Typography.Title id="delivery-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('delivery.title')}
        </Typography.Title>
        <Button onClick={() => void publish()}>{t('lists.publish')}</Button>
      </Space>
      <ErrorLine error={map.error} />
      {d && (
        <>
          <Space size="large" wrap style={{ display: 'flex', marginBottom: 12 }}>
            <Statistic title={t('delivery.current')} value={d.currentVersion} />
            <Statistic title={t('delivery.lanes')} value={d.summary.lanes} />
            <Statistic title={t('delivery.upToDate')} value={d.summary.current} />
            <Statistic title={t('delivery.lagging')} value={d.summary.lagging} />
            <Statistic title={t('delivery.behind')} value={d.summary.behind} />
            <Statistic title={t('delivery.never')} value={d.summary.neverReported} />
          </Space>
          <div aria-label={t('delivery.legend')} style={{ marginBottom: 12 }}>
            {(['current', 'lagging', 'behind', 'never'] as const).map((k) => (
              <Tag key={k} color={{ current: '#237804', lagging: '#874d00', behind: '#a8071a', never: '#595959' }[k]}>
                {t(`delivery.legendKeys.${k}`)}
              </Tag>
            ))}
          </div>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: 12 }}>
            {d.stations.map((s) => (
              <Card key={s.stationId} size="small" title={s.stationName}>
                <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
                  {s.lanes.map((l) => {
                    const c = laneColour(l);
                    return (
                      <button
                        key={l.laneId}
                        type="button"
                        data-lane={l.laneId}
                        data-state={c.key}
                        aria-label={t('delivery.laneLabel', {
                          lane: l.laneId,
                          state: t(`delivery.legendKeys.${c.key}`),
                          versions: l.versionsBehind,
                        })}
                        onClick={() => setLane(l)}
                        style={{
                          background: c.bg,
                          color: c.fg,
                          border: 'none',
                          borderRadius: 4,
                          padding: '6px 8px',
                          minWidth: 70,
                          cursor: 'pointer',
                        }}
                      >
                        {l.laneId}
                        <br />v{l.appliedVersion ?? '—'}
                      </button>
                    );
                  })}
                </div>
              </Card>
            ))}
          </div>
        </>
      )}
      <Drawer open={!!lane} onClose={() => setLane(null)} title={lane?.laneId} size={420}>
        {lane && (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('delivery.applied')}>{lane.appliedVersion ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.versionsBehind')}>{lane.versionsBehind}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.secondsBehind')}>{lane.secondsBehind}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.heartbeat')}>{fmt(lane.lastHeartbeatAt)}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.appliedAt')}>{fmt(lane.appliedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.download')}>
              {fmt(lane.lastDownloadAt)} {lane.lastDownloadVersion != null ? `(v${lane.lastDownloadVersion})` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('delivery.software')}>{lane.software ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('delivery.fullRequested')}>
              {lane.fullListRequested ? t('issue.yes') : t('issue.no')}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Drawer>
    </section>
  );
}

const fmt = (s: string | null) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm:ss') : '—');
