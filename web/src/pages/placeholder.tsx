// Roles whose screens come later (finance, auditor) land here.
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

export function PlaceholderPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="info"
      title={<h1 style={{ fontSize: 20 }}>{t('placeholder.title')}</h1>}
      subTitle={t('placeholder.text')}
    />
  );
}
