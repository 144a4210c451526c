// @vitest-environment jsdom
// The i18n layer: every locale has every English key with the same placeholders, the browser's language is honoured
// (a region counts as its language), and components render in the chosen language.
import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { PageErrorBoundary } from '../components/PageErrorBoundary.js';
import { StateBadge } from '../components/StateBadge.js';
import { de } from './de.js';
import { en } from './en.js';
import { browserLocale, createI18n } from './index.js';

const flat = (messages: object): Map<string, string> =>
  new Map(Object.entries(messages).flatMap(([area, keys]) => Object.entries(keys as Record<string, string>).map(([k, v]) => [`${area}.${k}`, v] as const)));
const placeholders = (text: string): string[] => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]!).sort();

describe('locales', () => {
  it('German has exactly the English keys, each translated, with the same placeholders', () => {
    const english = flat(en);
    const german = flat(de);
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      const other = german.get(key)!;
      expect(other.trim(), key).not.toBe('');
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
    // a translation, not a copy (names like "Live", "System" or "Porchlight" may stay the same, most strings may not)
    const same = [...english].filter(([k, v]) => german.get(k) === v).map(([k]) => k);
    expect(same.length).toBeLessThan(english.size / 5);
  });

  it("takes the browser's first language it speaks, regions included, else English", () => {
    expect(browserLocale(['de-AT', 'en-US'])).toBe('de');
    expect(browserLocale(['fr-FR', 'de'])).toBe('de');
    expect(browserLocale(['fr-FR', 'es'])).toBe('en');
    expect(browserLocale([])).toBe('en');
  });

  it('formats plurals and placeholders in each language', () => {
    const g = createI18n('de');
    expect(g.t('app.toReview', { count: 3 })).toBe('3 zu sichten');
    expect(g.t('app.titleWithCount', { count: 2 })).toBe('(2) Porchlight');
    expect(createI18n('en').t('app.toReview', { count: 1 })).toBe('1 to review');
  });
});

describe('components in the chosen language', () => {
  function Broken(): never {
    throw new Error('boom');
  }

  it('renders the camera state and the page error in German, and in English', () => {
    const quiet = console.warn;
    const quietError = console.error;
    console.warn = () => undefined;
    console.error = () => undefined;
    try {
      const { unmount } = render(
        <I18nextProvider i18n={createI18n('de')}>
          <StateBadge state={{ cameraId: 'a', state: 'offline', since: 0 }} />
          <PageErrorBoundary>
            <Broken />
          </PageErrorBoundary>
        </I18nextProvider>,
      );
      expect(screen.getByTestId('state-badge').textContent).toBe('Verbinde neu');
      expect(screen.getByRole('heading').textContent).toBe('Auf dieser Seite ist ein Fehler aufgetreten');
      expect(screen.getByRole('button').textContent).toBe('Erneut versuchen');
      unmount();
      render(
        <I18nextProvider i18n={createI18n('en')}>
          <StateBadge state={{ cameraId: 'a', state: 'offline', since: 0 }} />
        </I18nextProvider>,
      );
      expect(screen.getByTestId('state-badge').textContent).toBe('Reconnecting');
    } finally {
      console.warn = quiet;
      console.error = quietError;
    }
  });
});
