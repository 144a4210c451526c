// @vitest-environment jsdom
// The i18n layer: every locale has every English key with the same placeholders, the browser's language is honoured
// (a region counts as its language), and components render in the chosen language.
import type { ApiClient } from '@common/bridge.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PageErrorBoundary } from '../components/PageErrorBoundary.js';
import { StateBadge } from '../components/StateBadge.js';
import { ClientContext } from '../lib/api.js';
import { RuleEditor } from '../pages/Rules.js';
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
  afterEach(cleanup);

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

  it('runs the rule editor in German: labels, weekday cells, the default name, and a plural with bold markup', async () => {
    const calls: { method: string; input: unknown }[] = [];
    const client: ApiClient = {
      transport: 'http',
      call: vi.fn(async (method: string, input: unknown) => {
        calls.push({ method, input });
        if (method === 'cameras.list') return { ok: true, value: [{ id: 'front', name: 'Haustür', streams: [], enabled: true, zones: [] }] };
        if (method === 'sinks.list') return { ok: true, value: [] };
        if (method === 'rules.preview') return { ok: true, value: { count: 2, events: [] } };
        return { ok: true, value: { id: 'r1', ...(input as object) } };
      }) as never,
      subscribe: () => () => undefined,
    };
    const onDone = vi.fn();
    render(
      <I18nextProvider i18n={createI18n('de')}>
        <ClientContext.Provider value={client}>
          <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
            <RuleEditor onDone={onDone} />
          </QueryClientProvider>
        </ClientContext.Provider>
      </I18nextProvider>,
    );
    expect(screen.getByText('Neue Regel').tagName).toBe('H2');
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Person erkannt');
    expect(screen.getByText('Zonen zeichnen unter Kameras → Zonen und Masken.')).toBeTruthy();
    fireEvent.click(screen.getByText('Nachts'));
    // a German weekday cell is the one that switches: Saturday 03:00 off
    fireEvent.click(screen.getByLabelText('Sa 3:00'));
    fireEvent.change(screen.getByLabelText('Pause je Kamera (s)'), { target: { value: '90' } });
    fireEvent.click(screen.getByText('Vorschau letzte 24 h'));
    const preview = await screen.findByText(/hätte in den letzten 24 Stunden/);
    expect(preview.textContent).toBe('Diese Regel hätte in den letzten 24 Stunden 2 Mal ausgelöst.');
    expect(preview.querySelector('strong')?.textContent).toBe('2');
    fireEvent.click(screen.getByText('Regel speichern'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'rules.upsert')?.input as { name: string; cooldownSeconds: number; schedule: { days: Record<string, [number, number][]> } };
    expect(saved.name).toBe('Person erkannt');
    expect(saved.cooldownSeconds).toBe(90);
    expect(saved.schedule.days.sat).toEqual([
      [0, 180],
      [240, 420],
      [1080, 1440],
    ]);
  });
});
