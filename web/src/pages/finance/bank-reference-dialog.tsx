// The last step of a four-eyes money document (a settlement, a payout, a refund batch, a deposit slip):
// who approved it and its amount, and the bank's reference of the transfer. One Idempotency-Key per
// document until its transfer succeeds, so a second Enter moves the money once (and the next document,
// in the same dialog, gets a key of its own).
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { newKey, post } from '../../api/client.ts';
import { Money, ReasonDialog } from '../../components.tsx';

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
  const keys = useRef(new Map<string, string>());
  const confirm = async (bankReference: string) => {
    const key = keys.current.get(props.path) ?? newKey();
    keys.current.set(props.path, key);
    await post(props.path, { bankReference }, key);
    keys.current.delete(props.path);
    props.onClose(true);
  };
  return (
    <ReasonDialog
      open={props.open}
      title={props.title}
      okText={t('action.confirm')}
      onCancel={() => props.onClose(false)}
      onConfirm={confirm}
      label={t('finance.bankReference')}
      minLength={1}
      maxLength={64}
      requiredMessage={t('finance.bankReferenceRequired')}
    >
      <p>
        {t('finance.approvedBy')}: <strong>{props.approvedBy}</strong> · {t('finance.amount')}:{' '}
        <Money fen={props.amount} />
      </p>
    </ReasonDialog>
  );
}
