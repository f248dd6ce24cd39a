// Credit grades: the debit accounts to review (graded below A, or an upgrade awaiting approval) and one
// account's grade with its history. After a review, supervisor or finance proposes raising the grade by
// one; a supervisor other than the proposer approves or rejects it. The service refuses the proposer.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { gradeRowJson } from '@server/modules/credit/responses.ts';
import { ApiError, get, post, session } from '../../api/client.ts';
import { ErrorLine, useErrorText } from '../../components.tsx';
import { GradeHistory, type GradeView } from './grade-history.tsx';

type Row = z.infer<typeof gradeRowJson>;
const ORDER = ['A', 'B', 'C', 'D'] as const;
const noteSchema = z.object({
  note: z.string().trim().min(5, 'credit.grades.noteShort').max(500, 'credit.grades.noteShort'),
});
type Note = z.infer<typeof noteSchema>;

// One note field and the buttons that send it; a refusal of the note lands on it, any other below.
function NoteForm(props: {
  id: string;
  label: string;
  actions: Array<{ label: string; danger?: boolean; primary?: boolean; send: (note: string) => Promise<unknown> }>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const text = useErrorText();
  const [refusal, setRefusal] = useState<unknown>(null);
  const { control, handleSubmit, setError, reset, formState } = useForm<Note>({
    resolver: zodResolver(noteSchema),
    defaultValues: { note: '' },
  });
  const run = (send: (note: string) => Promise<unknown>) =>
    handleSubmit(async ({ note }) => {
      setRefusal(null);
      try {
        await send(note);
        reset();
        props.onDone();
      } catch (e) {
        if (e instanceof ApiError && e.field === 'note') setError('note', { message: text(e) });
        else setRefusal(e);
      }
    });
  return (
    <Form layout="vertical" onFinish={() => void run(props.actions[0]!.send)()} style={{ maxWidth: 560 }}>
      <Controller
        name="note"
        control={control}
        render={({ field, fieldState }) => (
          <Form.Item
            label={props.label}
            htmlFor={props.id}
            required
            validateStatus={fieldState.error ? 'error' : undefined}
            help={fieldState.error ? t(fieldState.error.message ?? 'form.required') : undefined}
          >
            <Input.TextArea id={props.id} rows={2} {...field} />
          </Form.Item>
        )}
      />
      <Space>
        {props.actions.map((a, i) => (
          <Button
            key={a.label}
            type={a.primary ? 'primary' : 'default'}
            danger={a.danger}
            htmlType={i === 0 ? 'submit' : 'button'}
            loading={formState.isSubmitting}
            onClick={i === 0 ? undefined : () => void run(a.send)()}
          >
            {a.label}
          </Button>
        ))}
      </Space>
      <div style={{ marginTop: 12 }}>
        <ErrorLine error={refusal} />
      </div>
    </Form>
  );
}

function AccountGrade({ accountId, row }: { accountId: number; row: Row | undefined }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const role = session.user()?.role;
  const me = `user:${session.user()?.username ?? ''}`;
  const q = useQuery({
    queryKey: ['credit', accountId, 'grade'],
    queryFn: () => get<GradeView>(`/api/v1/accounts/${accountId}/credit-grade`),
  });
  const done = () => void qc.invalidateQueries({ queryKey: ['credit'] });
  const g = q.data;
  const last = [...(g?.history ?? [])]
    .reverse()
    .find((e) => ['upgrade-proposed', 'upgrade-approved', 'upgrade-rejected', 'downgrade'].includes(e.kind));
  const pending = last?.kind === 'upgrade-proposed' ? last : null;
  const next = g && g.grade !== 'A' ? ORDER[ORDER.indexOf(g.grade) - 1] : null;
  const url = `/api/v1/accounts/${accountId}/credit-grade/upgrade`;
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={
        <h2 style={{ fontSize: 16, margin: 0 }}>
          {row?.customerName ? `${row.customerName} · ` : ''}
          {t('credit.grades.accountNo', { id: accountId })} · {t('credit.grade.title')}{' '}
          <Tag color="#0b5cad">{g?.grade ?? '…'}</Tag>
        </h2>
      }
    >
      <ErrorLine error={q.error} />
      {g && (
        <>
          {pending ? (
            <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t('credit.grades.pending')}>
                {`${pending.fromGrade} → ${pending.toGrade} · ${pending.by.replace(/^user:/, '')} · ${pending.note ?? ''}`}
              </Descriptions.Item>
            </Descriptions>
          ) : null}
          {pending && role === 'supervisor' && (
            <NoteForm
              key={`decide-${pending.id}`}
              id="grade-decision-note"
              label={t('credit.grades.decisionNote')}
              onDone={done}
              actions={[
                {
                  label: t('credit.grades.approve', { to: pending.toGrade }),
                  primary: true,
                  send: (note) => post(`${url}/decision`, { decision: 'approve', note }),
                },
                {
                  label: t('credit.grades.reject'),
                  danger: true,
                  send: (note) => post(`${url}/decision`, { decision: 'reject', note }),
                },
              ]}
            />
          )}
          {pending && pending.by === me && role === 'supervisor' && (
            <Typography.Paragraph type="secondary">{t('credit.grades.yours')}</Typography.Paragraph>
          )}
          {!pending && next && (role === 'supervisor' || role === 'finance') && (
            <NoteForm
              key={`propose-${g.history.length}`}
              id="grade-review-note"
              label={t('credit.grades.reviewNote')}
              onDone={done}
              actions={[
                {
                  label: t('credit.grades.propose', { from: g.grade, to: next }),
                  primary: true,
                  send: (note) => post(url, { note }),
                },
              ]}
            />
          )}
          {!pending && !next && <Typography.Paragraph>{t('credit.grades.top')}</Typography.Paragraph>}
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('credit.grades.history')}
          </Typography.Title>
          <GradeHistory history={g.history} />
        </>
      )}
    </Card>
  );
}

export function GradesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { account } = useSearch({ from: '/app/credit/grades' });
  const [typed, setTyped] = useState<number | null>(account ?? null);
  useEffect(() => setTyped(account ?? null), [account]);
  const list = useQuery({
    queryKey: ['credit', 'grades'],
    queryFn: () => get<{ accounts: Row[] }>('/api/v1/credit/grades'),
  });
  const open = (id: number) => void navigate({ to: '/credit/grades', search: { account: id } });
  return (
    <section aria-labelledby="grades-title">
      <Typography.Title id="grades-title" level={1} style={{ fontSize: 20 }}>
        {t('credit.grades.title')}
      </Typography.Title>
      <Form layout="inline" onFinish={() => typed && open(typed)} style={{ marginBottom: 12 }}>
        <Form.Item label={t('credit.grades.account')} htmlFor="grades-account">
          <InputNumber id="grades-account" autoFocus min={1} precision={0} value={typed} onChange={setTyped} />
        </Form.Item>
        <Button htmlType="submit">{t('credit.grades.open')}</Button>
      </Form>
      <ErrorLine error={list.error} />
      <Table<Row>
        rowKey="accountId"
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={list.data?.accounts ?? []}
        locale={{ emptyText: t('credit.grades.empty') }}
        columns={[
          {
            title: t('credit.grades.customer'),
            key: 'customer',
            render: (_: unknown, r) => (
              <Button
                type="link"
                size="small"
                style={{ padding: 0, color: '#0b5cad' }}
                onClick={() => open(r.accountId)}
              >
                {`${r.customerName} · ${t('credit.grades.accountNo', { id: r.accountId })}`}
              </Button>
            ),
          },
          { title: t('credit.grades.grade'), dataIndex: 'grade', render: (g: string) => <Tag>{g}</Tag> },
          {
            title: t('credit.grades.pending'),
            key: 'pending',
            render: (_: unknown, r) =>
              r.pending ? `${r.grade} → ${r.pending.toGrade} · ${r.pending.by.replace(/^user:/, '')}` : '—',
          },
        ]}
      />
      {account ? (
        <AccountGrade accountId={account} row={list.data?.accounts.find((r) => r.accountId === account)} />
      ) : null}
    </section>
  );
}
