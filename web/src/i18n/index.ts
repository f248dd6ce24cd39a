// i18next with the two message files; zh-CN is the default, the choice is kept per browser.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';
import financeEn from './finance.en.json';
import financeZhCN from './finance.zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'etc.console.lang';

const stored = localStorage.getItem(KEY);
export const initialLanguage: Language = stored === 'en' ? 'en' : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: { ...zhCN, ...financeZhCN } }, en: { translation: { ...en, ...financeEn } } },
  lng: initialLanguage,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function setLanguage(lang: Language) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
