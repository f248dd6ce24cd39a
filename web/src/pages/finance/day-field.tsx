// A calendar-day field (YYYY-MM-DD typed or picked; Enter shows that day) for the screens that show
// one clearing date, kept in the URL so a link or a reload shows the same day.
import { Button, DatePicker, Form } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';

export function DayField(props: {
  id: string;
  value: string;
  onChange: (date: string) => void;
  children?: React.ReactNode;
  label?: string;
}) {
  const { t } = useTranslation();
  return (
    <Form layout="inline" style={{ marginBottom: 12 }}>
      <Form.Item label={props.label ?? t('finance.clearing.date')} htmlFor={props.id}>
        <DatePicker
          id={props.id}
          autoFocus
          allowClear={false}
          format="YYYY-MM-DD"
          value={dayjs(props.value)}
          onChange={(d) => d && props.onChange(d.format('YYYY-MM-DD'))}
          style={{ width: 150 }}
        />
      </Form.Item>
      <Button onClick={() => props.onChange(dayjs(props.value).subtract(1, 'day').format('YYYY-MM-DD'))}>
        {t('finance.dayBefore')}
      </Button>
      <Button
        onClick={() => props.onChange(dayjs(props.value).add(1, 'day').format('YYYY-MM-DD'))}
        style={{ marginLeft: 8 }}
      >
        {t('finance.dayAfter')}
      </Button>
      {props.children}
    </Form>
  );
}

export type DayRange = { from: string; to: string };

/** A from–to pair of calendar-day fields in one inline form, the first focused; `children` follow. */
export function DayRangeFields(props: {
  idPrefix: string;
  labels: { from: string; to: string };
  range: DayRange;
  onChange: (range: DayRange) => void;
  children?: React.ReactNode;
}) {
  const day = (key: keyof DayRange) => (
    <Form.Item label={props.labels[key]} htmlFor={`${props.idPrefix}-${key}`}>
      <DatePicker
        id={`${props.idPrefix}-${key}`}
        autoFocus={key === 'from'}
        allowClear={false}
        format="YYYY-MM-DD"
        value={dayjs(props.range[key])}
        onChange={(d) => d && props.onChange({ ...props.range, [key]: d.format('YYYY-MM-DD') })}
        style={{ width: 150 }}
      />
    </Form.Item>
  );
  return (
    <Form layout="inline" style={{ marginBottom: 12 }}>
      {day('from')}
      {day('to')}
      {props.children}
    </Form>
  );
}
