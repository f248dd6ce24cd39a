// i18next with the two message files; zh-CN is the default, the choice is kept per browser.
// Each console area (corporate, credit, servicedesk, finance…) keeps its own message files beside the
// main ones, `<area>.zh-CN.json` and `<area>.en.json`, mostly under its own top-level key, so areas are
// added without touching one shared file. The merge is deep: an area adds its `error.codes.<code>`
// messages beside the main file's.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';
import { mergeMessages, type Messages } from './merge.ts';

const areasZh = import.meta.glob<Messages>('./*.zh-CN.json', { eager: true, import: 'default' });
const areasEn = import.meta.glob<Messages>('./*.en.json', { eager: true, import: 'default' });
// areas in file-name order, so the result does not depend on the glob's order
const merged = (base: Messages, areas: Record<string, Messages>): Messages =>
  mergeMessages(
    base,
    ...Object.keys(areas)
      .sort()
      .map((k) => areas[k]!),
  );

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = 'etc.console.lang';

const stored = localStorage.getItem(KEY);
export const initialLanguage: Language = stored === 'en' ? 'en' : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: merged(zhCN, areasZh) },
    en: { translation: merged(en, areasEn) },
  },
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
