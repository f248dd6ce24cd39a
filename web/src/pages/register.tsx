// Register a personal or corporate customer with one or more vehicles. The form checks shapes;
// the service checks the rules (check digits, plates by colour) and its field errors land on the
// field. A customer already opened is not opened twice when a vehicle is refused.
import { zodResolver } from '@hookform/resolvers/zod';
import { useNavigate } from '@tanstack/react-router';
import { Button, Card, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Controller, useFieldArray, useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ID_TYPES } from '../../../src/modules/customers/codes.ts';
import { PLATE_COLOURS, VEHICLE_CLASS_LIST } from '../../../src/modules/codes.ts';
import { ApiError, post } from '../api/client.ts';
import type { Customer, NewCustomer } from '../api/types.ts';
import { ErrorLine } from '../components.tsx';

const vehicle = z.object({
  plate: z.string().trim().min(1, 'form.required'),
  plateColor: z.number().int(),
  vehicleClass: z.number().int(),
});
const schema = z.object({
  kind: z.enum(['personal', 'corporate']),
  name: z.string().trim().min(1, 'form.required').max(100),
  idType: z.number().int(),
  idNumber: z.string().trim().max(40),
  phone: z.string().trim().max(30),
  registrationNumber: z.string().trim().max(30),
  contactPerson: z.string().trim().max(50),
  address: z.string().trim().max(200),
  vehicles: z.array(vehicle),
});
type Values = z.infer<typeof schema>;

export function RegisterPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [created, setCreated] = useState<Customer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const first = useRef<HTMLInputElement>(null);
  const {
    control,
    handleSubmit,
    watch,
    setError: setFieldError,
    formState,
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      kind: 'personal',
      name: '',
      idType: 1,
      idNumber: '',
      phone: '',
      registrationNumber: '',
      contactPerson: '',
      address: '',
      vehicles: [{ plate: '', plateColor: 0, vehicleClass: 1 }],
    },
  });
  const vehicles = useFieldArray({ control, name: 'vehicles' });
  const kind = watch('kind');
  useEffect(() => first.current?.focus(), []);

  const fieldOf = (e: ApiError, prefix: string): FieldPath<Values> | null => {
    if (!e.field) return null;
    const f = e.field === 'contactPhone' ? 'phone' : e.field;
    return `${prefix}${f}` as FieldPath<Values>;
  };

  const submit = async (v: Values) => {
    setError(null);
    let customer = created;
    if (!customer) {
      const body: NewCustomer =
        v.kind === 'personal'
          ? {
              kind: 'personal',
              name: v.name,
              idType: v.idType,
              idNumber: v.idNumber,
              phone: v.phone,
              address: v.address || null,
            }
          : {
              kind: 'corporate',
              name: v.name,
              registrationNumber: v.registrationNumber,
              contactPerson: v.contactPerson,
              contactPhone: v.phone,
              address: v.address || null,
            };
      try {
        const res = await post<{ customer: Customer }>('/api/v1/customers', body);
        customer = res.customer;
        setCreated(customer);
      } catch (e) {
        const f = e instanceof ApiError ? fieldOf(e, '') : null;
        if (f && e instanceof ApiError) setFieldError(f, { message: e.message }, { shouldFocus: true });
        else setError(e);
        return;
      }
    }
    for (let i = 0; i < v.vehicles.length; i++) {
      const vh = v.vehicles[i]!;
      if (!vh.plate) continue;
      try {
        await post(`/api/v1/customers/${customer.id}/vehicles`, vh);
        vehicles.update(i, { ...vh, plate: '' });
      } catch (e) {
        const f = e instanceof ApiError ? fieldOf(e, `vehicles.${i}.`) : null;
        if (f && e instanceof ApiError) setFieldError(f, { message: e.message }, { shouldFocus: true });
        else setError(e);
        return;
      }
    }
    await navigate({ to: '/customers/$customerId', params: { customerId: String(customer.id) } });
  };

  const err = (name: FieldPath<Values>) => {
    const parts = name.split('.');
    let e: unknown = formState.errors;
    for (const p of parts) e = (e as Record<string, unknown> | undefined)?.[p];
    const m = (e as { message?: string } | undefined)?.message;
    return m ? { validateStatus: 'error' as const, help: m.startsWith('form.') ? t(m) : m } : {};
  };
  const text = (name: FieldPath<Values>, label: string, opts: { autoFocus?: boolean } = {}) => (
    <Form.Item label={label} htmlFor={`f-${name}`} {...err(name)}>
      <Controller
        control={control}
        name={name}
        render={({ field }) => (
          <Input
            id={`f-${name}`}
            {...field}
            value={field.value as string}
            aria-invalid={err(name).validateStatus === 'error'}
            ref={(r) => {
              field.ref(r?.input ?? null);
              if (opts.autoFocus) first.current = r?.input ?? null;
            }}
          />
        )}
      />
    </Form.Item>
  );

  return (
    <section aria-labelledby="register-title" style={{ maxWidth: 860 }}>
      <Typography.Title id="register-title" level={1} style={{ fontSize: 20 }}>
        {t('register.title')}
      </Typography.Title>
      {created && (
        <Typography.Paragraph role="status">{t('register.opened', { name: created.name })}</Typography.Paragraph>
      )}
      <Form layout="vertical" component={false}>
        <form onSubmit={handleSubmit(submit)} noValidate>
          <Card size="small" title={t('register.customer')}>
            <Form.Item label={t('customer.kind')}>
              <Controller
                control={control}
                name="kind"
                render={({ field }) => (
                  <Radio.Group {...field} disabled={!!created} aria-label={t('customer.kind')}>
                    <Radio value="personal">{t('customer.kinds.personal')}</Radio>
                    <Radio value="corporate">{t('customer.kinds.corporate')}</Radio>
                  </Radio.Group>
                )}
              />
            </Form.Item>
            {text('name', t('customer.name'), { autoFocus: true })}
            {kind === 'personal' ? (
              <Space wrap>
                <Form.Item label={t('customer.idType')} htmlFor="f-idType">
                  <Controller
                    control={control}
                    name="idType"
                    render={({ field }) => (
                      <Select
                        id="f-idType"
                        {...field}
                        style={{ width: 200 }}
                        options={Object.keys(ID_TYPES).map((k) => ({ value: Number(k), label: t(`idTypes.${k}`) }))}
                      />
                    )}
                  />
                </Form.Item>
                {text('idNumber', t('customer.idNumber'))}
              </Space>
            ) : (
              <Space wrap>
                {text('registrationNumber', t('customer.registrationNumber'))}
                {text('contactPerson', t('customer.contactPerson'))}
              </Space>
            )}
            {text('phone', kind === 'personal' ? t('customer.phone') : t('customer.contactPhone'))}
            {text('address', t('customer.address'))}
          </Card>
          <Card size="small" title={t('customer.vehicles')} style={{ marginTop: 12 }}>
            {vehicles.fields.map((f, i) => (
              <Space key={f.id} wrap align="start">
                {text(`vehicles.${i}.plate`, t('vehicle.plate'))}
                <Form.Item
                  label={t('vehicle.plateColor')}
                  htmlFor={`f-vehicles.${i}.plateColor`}
                  {...err(`vehicles.${i}.plateColor`)}
                >
                  <Controller
                    control={control}
                    name={`vehicles.${i}.plateColor`}
                    render={({ field }) => (
                      <Select
                        id={`f-vehicles.${i}.plateColor`}
                        {...field}
                        style={{ width: 140 }}
                        options={[...PLATE_COLOURS].map((c) => ({ value: c, label: t(`vehicle.colors.${c}`) }))}
                      />
                    )}
                  />
                </Form.Item>
                <Form.Item
                  label={t('vehicle.class')}
                  htmlFor={`f-vehicles.${i}.vehicleClass`}
                  {...err(`vehicles.${i}.vehicleClass`)}
                >
                  <Controller
                    control={control}
                    name={`vehicles.${i}.vehicleClass`}
                    render={({ field }) => (
                      <Select
                        id={`f-vehicles.${i}.vehicleClass`}
                        {...field}
                        style={{ width: 160 }}
                        options={VEHICLE_CLASS_LIST.map((c) => ({ value: c, label: t(`vehicle.classes.${c}`) }))}
                      />
                    )}
                  />
                </Form.Item>
                {vehicles.fields.length > 1 && (
                  <Button style={{ marginTop: 30 }} onClick={() => vehicles.remove(i)}>
                    {t('register.removeVehicle')}
                  </Button>
                )}
              </Space>
            ))}
            <div>
              <Button onClick={() => vehicles.append({ plate: '', plateColor: 0, vehicleClass: 1 })}>
                {t('register.addVehicle')}
              </Button>
            </div>
          </Card>
          <ErrorLine error={error} />
          <Button type="primary" htmlType="submit" loading={formState.isSubmitting} style={{ marginTop: 12 }}>
            {t('register.submit')}
          </Button>
        </form>
      </Form>
    </section>
  );
}
