// The last step of a four-eyes money document (a settlement, a payout, a refund batch, a deposit slip):
// who approved it and its amount, and the bank's reference of the transfer. One Idempotency-Key per
// document until its transfer succeeds, so a second Enter moves the money once (and the next document,
// in the same dialog, gets a key of its own).
import { Form, Input, Modal } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newKey, post } from '../../api/client.ts';
import { ErrorLine, Money } from '../../components.tsx';

export function BankReferenceDialog(props: {
  open: boolean;
  title: string;
  approvedBy: string | null | undefined;
  amount: number | bigint | null | undefined;
  /** the endpoint that finishes the document (POST {bankReference}) */
  path: string;
  onClose: (done: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ bankReference: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const keys = useRef(new Map<string, string>());
  const submit = async () => {
    const { bankReference } = await form.validateFields();
    setBusy(true);
    setError(null);
    const key = keys.current.get(props.path) ?? newKey();
    keys.current.set(props.path, key);
    try {
      await post(props.path, { bankReference }, key);
      keys.current.delete(props.path);
      props.onClose(true);
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
      okText={t('action.confirm')}
      cancelText={t('action.cancel')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => props.onClose(false)}
      destroyOnHidden
    >
      <p>
        {t('finance.approvedBy')}: <strong>{props.approvedBy}</strong> · {t('finance.amount')}:{' '}
        <Money fen={props.amount} />
      </p>
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          label={t('finance.bankReference')}
          name="bankReference"
          rules={[{ required: true, whitespace: true, message: t('finance.bankReferenceRequired') }]}
        >
          <Input autoFocus maxLength={64} />
        </Form.Item>
      </Form>
      <ErrorLine error={error} />
    </Modal>
  );
}
