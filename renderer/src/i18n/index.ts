import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import zh from './zh-CN.json';
import en from './en.json';
import managerZh from './manager.zh-CN.json';
import managerEn from './manager.en.json';
import historyZh from './history.zh-CN.json';
import historyEn from './history.en.json';
import reportsZh from './reports.zh-CN.json';
import reportsEn from './reports.en.json';
import shiftZh from './shift.zh-CN.json';
import shiftEn from './shift.en.json';

export type Lang = 'zh-CN' | 'en';
const KEY = 'till.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    /* storage unavailable */
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

void i18n.use(initReactI18next).init({
  // One file per area (counter, manager, history) so screens can grow without one giant file;
  // each file owns distinct top-level keys, so a shallow merge is enough.
  resources: {
    'zh-CN': { translation: { ...zh, ...managerZh, ...historyZh, ...reportsZh, ...shiftZh } },
    en: { translation: { ...en, ...managerEn, ...historyEn, ...reportsEn, ...shiftEn } },
  },
  lng: initialLang(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

function applyLang(lang: string): void {
  document.documentElement.lang = lang;
  document.title = lang === 'en' ? 'Till — Checkout' : 'Till 收银台';
}
applyLang(i18n.language);
i18n.on('languageChanged', applyLang);

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* ignore */
  }
  void i18n.changeLanguage(lang);
}

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

/** An API error's message in the current language (the core sends both). */
export function useErrorText(): (error: unknown) => string {
  const { t, i18n: instance } = useTranslation();
  return (error: unknown) => {
    if (error && typeof error === 'object' && 'zh' in error && 'en' in error) {
      const e = error as { zh: string; en: string };
      return instance.language === 'en' ? e.en : e.zh;
    }
    return t('error.unexpected');
  };
}

export default i18n;
