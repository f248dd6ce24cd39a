// Small pieces shared by the screens: money, a reason dialog, an error line.
import { Alert, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client.ts';
import { Fen } from './money.ts';

export const Money = ({ fen }: { fen: number | bigint | null | undefined }) => (
  <span style={{ fontVariantNumeric: 'tabular-nums' }}>{fen == null ? '—' : Fen.format(fen)}</span>
);

export function useErrorText() {
  const { t, i18n } = useTranslation();
  return (e: unknown): string => {
    if (e instanceof ApiError) {
      const key = `error.codes.${e.code}`;
      return i18n.exists(key) ? t(key) : `${t('error.generic')} (${e.code}: ${e.message})`;
    }
    return t('error.generic');
  };
}

export const ErrorLine = ({ error }: { error: unknown }) => {
  const text = useErrorText();
  return error ? <Alert type="error" role="alert" title={text(error)} style={{ marginBottom: 12 }} /> : null;
};

// A confirmation that needs one line of text: a reason (PII views, life-cycle changes, list changes) by
// default, or another required field (a bank reference) through label, minLength and requiredMessage.
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  okText: string;
  onCancel: () => void;
  onConfirm: (reason: string) => Promise<void>;
  children?: React.ReactNode;
  label?: string;
  width?: number;
  minLength?: number;
  maxLength?: number;
  requiredMessage?: string;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const { reason } = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(reason);
      form.resetFields();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={props.okText}
      cancelText={t('action.cancel')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={props.onCancel}
      destroyOnHidden
      width={props.width}
    >
      {props.children}
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          label={props.label ?? t('form.reason')}
          name="reason"
          rules={[
            {
              required: true,
              whitespace: true,
              min: props.minLength ?? 2,
              message: props.requiredMessage ?? t('form.reasonRequired'),
            },
          ]}
        >
          <Input autoFocus maxLength={props.maxLength} />
        </Form.Item>
      </Form>
      <ErrorLine error={error} />
    </Modal>
  );
}
