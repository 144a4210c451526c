// The one i18n layer: i18next with every UI string in a typed locale file (English shipped, German proves the layer).
// The language is this device's choice (like the theme), else the browser's first supported language, else English.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { de } from './de.js';
import { en } from './en.js';

export const LOCALES = { en: 'English', de: 'Deutsch' } as const;
export type Locale = keyof typeof LOCALES;
export type LocaleChoice = Locale | 'system';

const STORAGE_KEY = 'porchlight.locale';
const isLocale = (v: unknown): v is Locale => typeof v === 'string' && Object.hasOwn(LOCALES, v);

/** The browser's first language Porchlight speaks (a region such as de-AT counts as its language), else English. */
export function browserLocale(languages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return 'en';
}

export function storedLocale(): LocaleChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

export const resolveLocale = (choice: LocaleChoice): Locale => (choice === 'system' ? browserLocale() : choice);

export function createI18n(lng: Locale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, de: { translation: de } },
    lng,
    fallbackLng: 'en',
    // React escapes what it renders
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}

/** The app's instance, in this device's language. */
export const i18n = createI18n(resolveLocale(storedLocale()));
if (typeof document !== 'undefined') document.documentElement.lang = i18n.language;

/** Remembers the choice on this device and switches the UI at once. */
export function chooseLocale(choice: LocaleChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // private windows may refuse storage: the choice still holds until reload
  }
  const lng = resolveLocale(choice);
  void i18n.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export { useTranslation };
