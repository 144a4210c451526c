// Numbers and times as people read them.
import { formatDistanceToNowStrict, type Locale } from 'date-fns';
import { de } from 'date-fns/locale/de';
import { dateTime, timeOfDay } from './zone.js';

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** date-fns' wording for each UI language other than English (its default). */
const AGO_LOCALES: Record<string, Locale> = { de };

/** "3 minutes ago", in the UI's language when given (i18n.language). */
export function ago(t: number, language?: string): string {
  return formatDistanceToNowStrict(t, { addSuffix: true, locale: language ? AGO_LOCALES[language] : undefined });
}

/** Time of day, in the viewer's zone. */
export function clock(t: number): string {
  return timeOfDay(t);
}

/** Date and time, in the viewer's zone. */
export function when(t: number): string {
  return dateTime(t);
}

/** A hex fingerprint in groups of four, as people compare it. */
export function formatFingerprint(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}
