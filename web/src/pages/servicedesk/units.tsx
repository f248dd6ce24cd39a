// The units that handle complaints (admin): create one, rename it, name its supervisor and manager
// (the escalation chain at breach and at 150 %) and its members, deactivate it or activate it again
// with a reason.
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Modal, Select, Space, Table, Typography, type SelectProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { getUsersResponse } from '@server/modules/access/responses.ts';
import { get, post } from '../../api/client.ts';
import { ErrorLine, ReasonDialog } from '../../components.tsx';
import { useFKeys } from '../../fkeys.tsx';
import { ToneTag } from '../finance/tone.tsx';
import { SD, type Unit } from './api.ts';
import { clearErrors, onFields } from './fields.ts';

type User = z.infer<typeof getUsersResponse>['users'][number];
type Edit = {
  code: string;
  name: string;
  supervisorUserId?: number | null;
  managerUserId?: number | null;
  members?: number[];
};

// staff chosen by typing part of a name or username (Form.Item passes value and onChange through)
function StaffSelect({ label, ...props }: { label: string } & SelectProps<number | number[]>) {
  return <Select allowClear showSearch optionFilterProp="label" aria-label={label} {...props} />;
}

export function UnitsPage() {
  const { t } = useTranslation();
  const units = useQuery({ queryKey: ['sd-units'], queryFn: () => get<{ units: Unit[] }>(`${SD}/units`) });
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<{ users: User[] }>('/api/v1/users') });
  const [editing, setEditing] = useState<{ isNew: boolean } | null>(null);
  const [toggling, setToggling] = useState<Unit | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [membersOpen, setMembersOpen] = useState(false);
  const [form] = Form.useForm<Edit>();
  const add = () => {
    form.resetFields();
    setError(null);
    setEditing({ isNew: true });
  };
  useFKeys('sd-units', [{ key: 'F4', label: t('sd.units.add'), run: add }]);

  const byId = new Map((users.data?.users ?? []).map((u) => [u.id, u]));
  const who = (id: number | null) => (id == null ? '—' : (byId.get(id)?.displayName ?? `#${id}`));
  // supervisors and managers are staff who may approve; members stay as they are
  const choices = (users.data?.users ?? [])
    .filter((u) => !u.disabled && ['supervisor', 'account-manager'].includes(u.role))
    .map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }));
  // members handle the unit's tickets: the counter and hall staff (a user works in one unit)
  const memberChoices = (users.data?.users ?? [])
    .filter((u) => !u.disabled && ['clerk', 'supervisor', 'account-manager'].includes(u.role))
    .map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }));

  const save = async () => {
    // the form shows what is wrong on each field; nothing to send until it holds
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      await post(`${SD}/units`, {
        code: v.code,
        name: v.name.trim(),
        supervisorUserId: v.supervisorUserId ?? null,
        managerUserId: v.managerUserId ?? null,
        members: v.members ?? [],
      });
      setEditing(null);
      await units.refetch();
    } catch (e) {
      if (!onFields(form, e, { code: 'code', name: 'name', userId: 'supervisorUserId', members: 'members' }))
        setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="sd-units-title">
      <Space style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }}>
        <Typography.Title id="sd-units-title" level={1} style={{ fontSize: 20, margin: 0 }}>
          {t('sd.units.title')}
        </Typography.Title>
        <Button type="primary" autoFocus onClick={add}>
          {t('sd.units.add')} (F4)
        </Button>
      </Space>
      <ErrorLine error={units.error ?? users.error} />
      <Table<Unit>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={units.data?.units ?? []}
        locale={{ emptyText: t('sd.units.none') }}
        columns={[
          { title: t('sd.units.code'), dataIndex: 'code' },
          { title: t('sd.units.name'), dataIndex: 'name' },
          { title: t('sd.units.supervisor'), dataIndex: 'supervisorUserId', render: who },
          { title: t('sd.units.manager'), dataIndex: 'managerUserId', render: who },
          {
            title: t('sd.units.members'),
            dataIndex: 'members',
            render: (m: number[]) => (m.length ? m.map((id) => who(id)).join('、') : '—'),
          },
          {
            title: t('sd.units.status'),
            dataIndex: 'active',
            render: (a: boolean) =>
              a ? (
                <ToneTag tone="good">{t('sd.units.active')}</ToneTag>
              ) : (
                <ToneTag tone="neutral">{t('sd.units.inactive')}</ToneTag>
              ),
          },
          {
            title: t('sd.calendar.actions'),
            key: 'actions',
            render: (_: unknown, u) => (
              <Space>
                <Button
                  size="small"
                  aria-label={`${t('sd.units.edit')} ${u.code}`}
                  onClick={() => {
                    form.setFieldsValue({
                      code: u.code,
                      name: u.name,
                      supervisorUserId: u.supervisorUserId,
                      managerUserId: u.managerUserId,
                      members: u.members,
                    });
                    setError(null);
                    setEditing({ isNew: false });
                  }}
                >
                  {t('sd.units.edit')}
                </Button>
                <Button
                  size="small"
                  danger={u.active}
                  aria-label={`${u.active ? t('sd.units.deactivate') : t('sd.units.activate')} ${u.code}`}
                  onClick={() => setToggling(u)}
                >
                  {u.active ? t('sd.units.deactivate') : t('sd.units.activate')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing?.isNew ? t('sd.units.add') : t('sd.units.edit')}
        okText={t('action.confirm')}
        cancelText={t('action.cancel')}
        onOk={() => void save()}
        confirmLoading={busy}
        onCancel={() => setEditing(null)}
        // the modal takes the focus when it opens: hand it to the first field to fill
        afterOpenChange={(open) => open && form.getFieldInstance(editing?.isNew ? 'code' : 'name')?.focus()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={() => void save()} onValuesChange={() => clearErrors(form)}>
          <Form.Item
            name="code"
            label={t('sd.units.code')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,32}$/, message: t('sd.units.codeFormat') }]}
          >
            <Input autoFocus={editing?.isNew} disabled={!editing?.isNew} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('sd.units.name')}
            rules={[{ required: true, whitespace: true, max: 100, message: t('sd.units.nameRequired') }]}
          >
            <Input autoFocus={!editing?.isNew} />
          </Form.Item>
          <Form.Item name="supervisorUserId" label={t('sd.units.supervisor')}>
            <StaffSelect label={t('sd.units.supervisor')} options={choices} />
          </Form.Item>
          <Form.Item name="managerUserId" label={t('sd.units.manager')}>
            <StaffSelect label={t('sd.units.manager')} options={choices} />
          </Form.Item>
          <Form.Item name="members" label={t('sd.units.memberList')}>
            <StaffSelect
              label={t('sd.units.memberList')}
              options={memberChoices}
              mode="multiple"
              // the list closes once a member is chosen, so Tab moves on instead of choosing the next
              open={membersOpen}
              onOpenChange={setMembersOpen}
              onSelect={() => setMembersOpen(false)}
            />
          </Form.Item>
        </Form>
        <ErrorLine error={error} />
      </Modal>
      <ReasonDialog
        open={!!toggling}
        title={
          toggling
            ? t(toggling.active ? 'sd.units.deactivateTitle' : 'sd.units.activateTitle', { name: toggling.name })
            : ''
        }
        okText={toggling?.active ? t('sd.units.deactivate') : t('sd.units.activate')}
        onCancel={() => setToggling(null)}
        onConfirm={async (reason) => {
          await post(`${SD}/units/${toggling!.id}/active`, { active: !toggling!.active, reason });
          setToggling(null);
          await units.refetch();
        }}
      />
    </section>
  );
}
