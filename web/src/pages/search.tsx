// Search: one box (focused on arrival) that understands a name, plate, ID number, phone, card
// number or OBU number; Enter searches, the arrow keys and Enter open a customer.
import { useNavigate } from '@tanstack/react-router';
import { Alert, Input, Table, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, qs } from '../api/client.ts';
import type { Customer, Obu } from '../api/types.ts';

export function searchKind(text: string): { key: string; value: string } {
  const v = text.trim();
  if (/^\d{20}$/.test(v)) return { key: 'cardNo', value: v };
  if (/^\d{16}$/.test(v)) return { key: 'obuNo', value: v };
  if (/^1\d{10}$/.test(v)) return { key: 'phone', value: v };
  if (/^\d{17}[\dXx]$/.test(v) || /^\d{15}$/.test(v)) return { key: 'idNumber', value: v.toUpperCase() };
  if (/^[\u4e00-\u9fa5][A-Z][A-Z0-9]{4,6}$/i.test(v)) return { key: 'plate', value: v.toUpperCase() };
  return { key: 'name', value: v };
}

export function SearchPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const box = useRef<HTMLInputElement>(null);
  const [rows, setRows] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => box.current?.focus(), []);

  const run = async (text: string) => {
    if (!text.trim()) return;
    setLoading(true);
    setError(null);
    try {
      const { key, value } = searchKind(text);
      if (key === 'obuNo') {
        const { obu } = await get<{ obu: Obu }>(`/api/v1/obus/${value}`);
        await navigate({ to: '/customers/$customerId', params: { customerId: String(obu.customerId) } });
        return;
      }
      const res = await get<{ customers: Customer[] }>(`/api/v1/customers${qs({ [key]: value, limit: 20 })}`);
      setRows(res.customers);
      setActive(0);
      if (res.customers.length === 1)
        await navigate({ to: '/customers/$customerId', params: { customerId: String(res.customers[0]!.id) } });
    } catch (e) {
      setRows([]);
      setError(e instanceof ApiError && e.code.endsWith('not-found') ? t('search.none') : t('error.generic'));
    } finally {
      setLoading(false);
    }
  };
  const open = (c: Customer) => navigate({ to: '/customers/$customerId', params: { customerId: String(c.id) } });

  return (
    <section aria-labelledby="search-title">
      <Typography.Title id="search-title" level={1} style={{ fontSize: 20 }}>
        {t('search.title')}
      </Typography.Title>
      <Input.Search
        ref={(r) => {
          box.current = r?.input ?? null;
        }}
        aria-label={t('search.box')}
        placeholder={t('search.placeholder')}
        enterButton={t('search.submit')}
        size="large"
        loading={loading}
        onSearch={run}
        onKeyDown={(e) => {
          if (!rows?.length) return;
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, rows.length - 1));
          if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          if (e.key === 'Enter' && e.ctrlKey) void open(rows[active]!);
        }}
        style={{ maxWidth: 640 }}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('search.hint')}
      </Typography.Paragraph>
      {error && <Alert type="info" title={error} role="status" />}
      {rows && rows.length > 0 && (
        <Table<Customer>
          rowKey="id"
          size="small"
          dataSource={rows}
          pagination={false}
          rowClassName={(_, i) => (i === active ? 'ant-table-row-selected' : '')}
          onRow={(c) => ({ onClick: () => void open(c) })}
          columns={[
            {
              title: t('customer.name'),
              dataIndex: 'name',
              render: (v: string, c) => (
                <a
                  href={`/customers/${c.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    void open(c);
                  }}
                >
                  {v}
                </a>
              ),
            },
            { title: t('customer.kind'), dataIndex: 'kind', render: (k: string) => t(`customer.kinds.${k}`) },
            { title: t('customer.idNumber'), dataIndex: 'idNumberMask' },
            { title: t('customer.phone'), dataIndex: 'phoneMask' },
            { title: t('customer.status'), dataIndex: 'status', render: (s: string) => t(`customer.statuses.${s}`) },
          ]}
        />
      )}
    </section>
  );
}
