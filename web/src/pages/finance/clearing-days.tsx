// The clearing days of a period, newest first: where each stands (open, clearing, waiting, cleared),
// its steps done, what a waiting day waits for and the mirror check's result. Keyboard first: the
// rows take focus, ↑/↓ move between them and Enter opens the day on the clearing screen.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Space, Table, Typography } from 'antd';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, qs } from '../../api/client.ts';
import { ErrorLine } from '../../components.tsx';
import { localDay, type ClearingDayListItem } from './api.ts';
import { DayRangeFields } from './day-field.tsx';
import { LINK, ToneTag, type Tone } from './tone.tsx';

const PHASE_TONE: Record<ClearingDayListItem['phase'], Tone> = {
  open: 'neutral',
  running: 'info',
  waiting: 'warn',
  cleared: 'good',
};

export function ClearingDaysPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [range, setRange] = useState({ from: localDay(-30), to: localDay(-1) });
  const q = useQuery({
    queryKey: ['clearing-days', range.from, range.to],
    queryFn: () => get<{ days: ClearingDayListItem[] }>(`/api/v1/clearing/days${qs(range)}`),
  });
  const open = (date: string) => void navigate({ to: '/finance/clearing', search: { date } });
  // ↑/↓ between the rows, Enter opens the focused day
  const onKey = (e: KeyboardEvent<HTMLElement>, date: string) => {
    const row = e.currentTarget;
    if (e.key === 'Enter') open(date);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
      if (next instanceof HTMLElement && next.dataset.rowKey) next.focus();
    }
  };
  return (
    <section aria-labelledby="clearing-days-title">
      <Typography.Title id="clearing-days-title" level={1} style={{ fontSize: 20 }}>
        {t('finance.clearingDays.title')}
      </Typography.Title>
      <DayRangeFields
        idPrefix="days"
        labels={{ from: t('finance.clearingDays.from'), to: t('finance.clearingDays.to') }}
        range={range}
        onChange={setRange}
      >
        <Space>{t('finance.clearingDays.hint')}</Space>
      </DayRangeFields>
      <ErrorLine error={q.error} />
      <Table<ClearingDayListItem>
        size="small"
        rowKey="date"
        loading={q.isLoading}
        dataSource={q.data?.days ?? []}
        pagination={{ pageSize: 31, hideOnSinglePage: true }}
        locale={{ emptyText: t('finance.clearingDays.none') }}
        onRow={(r) => ({
          tabIndex: 0,
          'aria-label': `${r.date} ${t(`finance.clearingDays.phases.${r.phase}`)}`,
          onKeyDown: (e) => onKey(e, r.date),
          onDoubleClick: () => open(r.date),
        })}
        columns={[
          {
            title: t('finance.clearingDays.date'),
            dataIndex: 'date',
            render: (d: string) => (
              <Link to="/finance/clearing" search={{ date: d }} style={LINK} tabIndex={-1}>
                {d}
              </Link>
            ),
          },
          {
            title: t('finance.clearingDays.phase'),
            dataIndex: 'phase',
            render: (p: ClearingDayListItem['phase']) => (
              <ToneTag tone={PHASE_TONE[p]}>{t(`finance.clearingDays.phases.${p}`)}</ToneTag>
            ),
          },
          {
            title: t('finance.clearingDays.steps'),
            key: 'steps',
            align: 'right',
            render: (_: unknown, r) => `${r.stepsDone}/${r.stepsTotal}`,
          },
          {
            title: t('finance.clearingDays.nextStep'),
            dataIndex: 'nextStep',
            render: (s: string | null) => (s ? t(`finance.steps.${s}`) : '—'),
          },
          {
            title: t('finance.clearingDays.waitingFor'),
            key: 'waiting',
            render: (_: unknown, r) =>
              r.waitingFor
                ? `${t(`finance.steps.${r.waitingFor.step}`, { defaultValue: r.waitingFor.step })}: ${r.waitingFor.reasons.join('；')}`
                : '—',
          },
          {
            title: t('finance.clearingDays.mirror'),
            key: 'mirror',
            render: (_: unknown, r) =>
              r.mirror ? (
                <ToneTag tone={r.mirror.mismatches ? 'bad' : 'good'}>
                  {t('finance.clearingDays.mirrorShort', r.mirror)}
                </ToneTag>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </section>
  );
}
