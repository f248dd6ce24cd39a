// Logging a complaint at the counter, keyboard first: the customer box (card number, phone or
// name) has the focus; Tab walks category, description and links; Enter (Ctrl+Enter in the
// description) logs it. The answer is the ticket number and the promised reply time, printable.
import { zodResolver } from '@hookform/resolvers/zod';
import { useNavigate } from '@tanstack/react-router';
import { Alert, Button, Card, Form, Input, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Controller, useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ApiError, get, post, qs } from '../../api/client.ts';
import type { Customer } from '../../api/types.ts';
import { ErrorLine } from '../../components.tsx';
import { searchKind } from '../search.tsx';
import { CATEGORIES, CHANNELS, SD, type Ticket } from './api.ts';

const schema = z.object({
  customerQuery: z.string().trim(),
  callerName: z.string().trim().max(100),
  callerContact: z.string().trim().max(100),
  channel: z.enum(CHANNELS),
  category: z.enum(CATEGORIES),
  subcategory: z.string().trim().max(50),
  description: z.string().trim().min(2, 'form.required').max(2000),
  cardNo: z
    .string()
    .trim()
    .regex(/^(\d{20})?$/, 'sd.form.cardNo'),
  laneTransactionId: z
    .string()
    .trim()
    .regex(/^(\d+)?$/, 'sd.form.id'),
  outlet: z.string().trim().max(32),
});
type Values = z.infer<typeof schema>;

export function IntakePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const first = useRef<HTMLInputElement>(null);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [created, setCreated] = useState<{ ticket: Ticket; replyBy: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const {
    control,
    handleSubmit,
    setError: setFieldError,
    formState,
    reset,
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      customerQuery: '',
      callerName: '',
      callerContact: '',
      channel: 'counter',
      category: 'technical',
      subcategory: '',
      description: '',
      cardNo: '',
      laneTransactionId: '',
      outlet: localStorage.getItem('etc.console.outlet') ?? '',
    },
  });
  useEffect(() => first.current?.focus(), []);

  const findCustomer = async (text: string) => {
    setCustomer(null);
    if (!text.trim()) return;
    const { key, value } = searchKind(text);
    try {
      const res = await get<{ customers: Customer[] }>(`/api/v1/customers${qs({ [key]: value, limit: 2 })}`);
      if (res.customers.length === 1) setCustomer(res.customers[0]!);
      else setFieldError('customerQuery', { message: t('sd.form.customerAmbiguous') });
    } catch {
      setFieldError('customerQuery', { message: t('search.none') });
    }
  };

  const submit = async (v: Values) => {
    setError(null);
    if (!customer && !v.callerName) {
      setFieldError('callerName', { message: t('sd.form.customerOrCaller') }, { shouldFocus: true });
      return;
    }
    localStorage.setItem('etc.console.outlet', v.outlet);
    try {
      const res = await post<{ ticket: Ticket; replyBy: string }>(`${SD}/tickets`, {
        channel: v.channel,
        customerId: customer?.id,
        caller: customer ? undefined : { name: v.callerName, contact: v.callerContact || undefined },
        category: v.category,
        subcategory: v.subcategory || undefined,
        description: v.description,
        links: {
          cardNo: v.cardNo || undefined,
          laneTransactionId: v.laneTransactionId ? Number(v.laneTransactionId) : undefined,
          outlet: v.outlet || undefined,
        },
      });
      setCreated(res);
    } catch (e) {
      if (e instanceof ApiError && e.field) {
        const f = e.field.replace(/^links\./, '').replace(/^caller$/, 'callerName') as FieldPath<Values>;
        setFieldError(f, { message: t(`error.codes.${e.code}`, { defaultValue: e.message }) }, { shouldFocus: true });
      } else setError(e);
    }
  };

  const err = (name: FieldPath<Values>) => {
    const m = formState.errors[name]?.message;
    return m ? { validateStatus: 'error' as const, help: m.startsWith('form.') || m.startsWith('sd.') ? t(m) : m } : {};
  };
  const text = (name: FieldPath<Values>, label: string, opts: { area?: boolean; first?: boolean } = {}) => (
    <Form.Item label={label} htmlFor={`f-${name}`} {...err(name)}>
      <Controller
        control={control}
        name={name}
        render={({ field }) =>
          opts.area ? (
            <Input.TextArea
              {...field}
              id={`f-${name}`}
              rows={4}
              aria-invalid={err(name).validateStatus === 'error'}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.ctrlKey) void handleSubmit(submit)();
              }}
            />
          ) : (
            <Input
              {...field}
              id={`f-${name}`}
              aria-invalid={err(name).validateStatus === 'error'}
              ref={(r) => {
                field.ref(r);
                if (opts.first) first.current = r?.input ?? null;
              }}
              onBlur={(e) => {
                field.onBlur();
                if (name === 'customerQuery') void findCustomer(e.target.value);
              }}
              onPressEnter={(e) => {
                e.preventDefault();
                if (name === 'customerQuery') void findCustomer((e.target as HTMLInputElement).value);
                else void handleSubmit(submit)();
              }}
            />
          )
        }
      />
    </Form.Item>
  );
  const select = (name: 'channel' | 'category', options: readonly string[], prefix: string, label: string) => (
    <Form.Item label={label} htmlFor={`f-${name}`}>
      <Controller
        control={control}
        name={name}
        render={({ field }) => (
          <Select
            {...field}
            id={`f-${name}`}
            aria-label={label}
            options={options.map((o) => ({ value: o, label: t(`${prefix}.${o}`) }))}
          />
        )}
      />
    </Form.Item>
  );

  if (created)
    return (
      <section aria-labelledby="sd-intake-title">
        <Typography.Title id="sd-intake-title" level={1} style={{ fontSize: 20 }}>
          {t('sd.intake.done')}
        </Typography.Title>
        <Card className="receipt" style={{ maxWidth: 520 }}>
          <Typography.Paragraph>
            {t('sd.ticketNo')}: <strong>{created.ticket.ticketNo}</strong>
          </Typography.Paragraph>
          <Typography.Paragraph>
            {t('sd.replyBy')}: <strong>{dayjs(created.replyBy).format('YYYY-MM-DD HH:mm')}</strong>
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t('sd.intake.ackSent')}</Typography.Paragraph>
        </Card>
        <Space className="no-print" style={{ marginTop: 12 }}>
          <Button type="primary" autoFocus onClick={() => window.print()}>
            {t('sd.print')}
          </Button>
          <Button
            onClick={() =>
              void navigate({ to: '/servicedesk/tickets/$ticketId', params: { ticketId: String(created.ticket.id) } })
            }
          >
            {t('sd.openTicket')}
          </Button>
          <Button
            onClick={() => {
              setCreated(null);
              setCustomer(null);
              reset();
            }}
          >
            {t('sd.intake.another')}
          </Button>
        </Space>
      </section>
    );

  return (
    <section aria-labelledby="sd-intake-title">
      <Typography.Title id="sd-intake-title" level={1} style={{ fontSize: 20 }}>
        {t('sd.intake.title')}
      </Typography.Title>
      <ErrorLine error={error} />
      <Form layout="vertical" style={{ maxWidth: 720 }} onFinish={() => void handleSubmit(submit)()} component="div">
        <Card size="small" title={t('sd.intake.who')} style={{ marginBottom: 12 }}>
          {text('customerQuery', t('sd.intake.customer'), { first: true })}
          {customer ? (
            <Alert
              type="success"
              role="status"
              title={`${customer.name} · ${customer.phoneMask}`}
              style={{ marginBottom: 12 }}
            />
          ) : (
            <Space wrap>
              {text('callerName', t('sd.intake.callerName'))}
              {text('callerContact', t('sd.intake.callerContact'))}
            </Space>
          )}
        </Card>
        <Card size="small" title={t('sd.intake.what')} style={{ marginBottom: 12 }}>
          <Space wrap>
            {select('channel', CHANNELS, 'sd.channels', t('sd.channel'))}
            {select('category', CATEGORIES, 'sd.categories', t('sd.category'))}
            {text('subcategory', t('sd.subcategory'))}
          </Space>
          {text('description', t('sd.description'), { area: true })}
        </Card>
        <Card size="small" title={t('sd.intake.links')} style={{ marginBottom: 12 }}>
          <Space wrap>
            {text('cardNo', t('sd.links.cardNo'))}
            {text('laneTransactionId', t('sd.links.laneTransactionId'))}
            {text('outlet', t('sd.links.outlet'))}
          </Space>
        </Card>
        <Button type="primary" onClick={() => void handleSubmit(submit)()} loading={formState.isSubmitting}>
          {t('sd.intake.submit')}
        </Button>
      </Form>
    </section>
  );
}
