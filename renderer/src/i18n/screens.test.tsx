// @vitest-environment jsdom
// Review, an event's detail (with its recorded player and evidence hold) and the export panel (with redaction) render in
// German against a fake API, so a string left out of the i18n layer on those screens shows up as English here.
import type { ApiClient } from '@common/bridge.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExportPanel } from '../components/ExportPanel.js';
import { ClientContext } from '../lib/api.js';
import { EventsPage } from '../pages/Events.js';
import { ReviewPage } from '../pages/Review.js';
import { createI18n } from './index.js';

const NOW = Date.now();
const CAMERA = { id: 'front', name: 'Haustür', streams: [], enabled: true, zones: [{ name: 'Einfahrt' }] };
const EVENT = {
  id: 'e1',
  cameraId: 'front',
  label: 'person',
  start: NOW - 10 * 60_000,
  end: NOW - 10 * 60_000 + 12_000,
  topScore: 0.81,
  box: [0.1, 0.1, 0.5, 0.9],
  zones: ['Einfahrt'],
  currentZones: [],
  hasSnapshot: true,
  falsePositive: false,
  keep: false,
  quiet: 'stationary',
};

/** Answers each method with `answers[method]` (a value or a function of the input); anything else is refused. */
function fakeClient(answers: Record<string, unknown>): ApiClient {
  return {
    transport: 'http',
    call: vi.fn(async (method: string, input: unknown) => {
      if (!(method in answers)) return { ok: false, error: { code: 'not_found', message: `no ${method}` } };
      const a = answers[method];
      return { ok: true, value: typeof a === 'function' ? (a as (i: unknown) => unknown)(input) : a };
    }) as never,
    subscribe: () => () => undefined,
  };
}

function inGerman(client: ApiClient, ui: ReactNode, path = '/'): void {
  render(
    <I18nextProvider i18n={createI18n('de')}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
        </QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>,
  );
}

beforeAll(() => {
  // jsdom has no media playback and no layout observer: the players only need these to exist
  HTMLMediaElement.prototype.load = () => undefined;
  HTMLMediaElement.prototype.pause = () => undefined;
  HTMLMediaElement.prototype.play = () => Promise.resolve();
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  } as unknown as typeof ResizeObserver;
});
afterEach(cleanup);

describe('screens in German', () => {
  it('Review: filters, kinds, labels, the time spans with plurals, an item and its accessible name', async () => {
    const client = fakeClient({
      'cameras.list': [CAMERA],
      'review.counts': { total: 1 },
      'review.list': {
        items: [{ id: 'r1', cameraId: 'front', kind: 'alert', start: NOW - 60_000, end: null, labels: ['person', 'car'], zones: [], eventIds: ['e1', 'e2'], coverEventId: 'e1', reviewed: false }],
        more: true,
      },
    });
    inGerman(client, <ReviewPage />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sichten');
    expect(screen.getByRole('button', { name: 'Alle als gesichtet markieren' })).toBeTruthy();
    expect(screen.getByLabelText('Erkennungen')).toBeTruthy();
    expect(screen.getByLabelText('Person')).toBeTruthy();
    // the kind and the label of an item without an object
    expect(screen.getAllByLabelText('Bewegung')).toHaveLength(2);
    const spans = [...(screen.getByLabelText('Zeitraum') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(spans).toEqual(['Letzte 1 h', 'Letzte 6 h', 'Letzte 12 h', 'Letzter 1 Tag', 'Letzte 3 Tage', 'Letzte 7 Tage']);
    expect(screen.getByText(/^Tasten: j \/ k/)).toBeTruthy();
    const item = await screen.findByTestId('review-item');
    expect(item.getAttribute('aria-label')).toBe('Alarm: Person, Auto auf Haustür, vor 1 Minute');
    expect(item.textContent).toContain('2 Objekte');
    expect(item.querySelector('.live-dot')?.getAttribute('title')).toBe('Läuft noch');
    expect(screen.getByText('In diesem Zeitraum ist mehr passiert, als hier steht: Grenzen Sie die Filter ein.')).toBeTruthy();
  });

  it("Events: filters, an event's detail, its recorded player's message and the evidence hold", async () => {
    const client = fakeClient({
      'cameras.list': [CAMERA],
      'events.query': { items: [EVENT], nextCursor: null },
      'events.get': EVENT,
      'events.track': { points: [] },
      'evidence.list': [],
      // nothing recorded: the player says so
      'recordings.segments': [],
    });
    inGerman(
      client,
      <Routes>
        <Route path="/events/:eventId" element={<EventsPage />} />
      </Routes>,
      '/events/e1',
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Ereignisse');
    expect(screen.getByRole('form', { name: 'Ereignisse filtern' })).toBeTruthy();
    expect(screen.getByText('Nur behaltene')).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Auto' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'Letzte 24 Stunden' })).toBeTruthy();
    const detail = screen.getByRole('complementary', { name: 'Details zum Ereignis' });
    await waitFor(() => expect(detail.querySelector('h2')?.textContent).toBe('Person · Haustür'));
    expect(detail.textContent).toContain(' · 12 s · Wert 81 % · Zonen: Einfahrt');
    expect(screen.getByText('Kein Alarm: Es stand schon still da, als die Erkennung begann.')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Person, gesehen von Haustür' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Für immer behalten' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Nicht „Person“ / Fehlalarm' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'In der Zeitleiste zeigen' })).toBeTruthy();
    expect(screen.getByLabelText('Aufnahme von Haustür')).toBeTruthy();
    expect(await screen.findByText('Zu dieser Zeit wurde nichts aufgezeichnet.')).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Als Beweis sichern' })).toBeTruthy();
    expect(screen.getByLabelText('Grund (Aktenzeichen, Notiz)')).toBeTruthy();
    // the delete question is German too
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    fireEvent.click(screen.getByRole('button', { name: 'Löschen' }));
    expect(confirm).toHaveBeenCalledWith('Dieses Ereignis und sein Bild löschen?');
    confirm.mockRestore();
  });

  it('the export panel: options, redaction with a person kept visible, and the running job', async () => {
    const job = { id: 'x1', kind: 'range', cameras: ['front'], start: NOW - 60_000, end: NOW, exact: false, status: 'running', progress: 0.4, createdBy: 'admin', createdAt: NOW };
    const client = fakeClient({
      'events.query': { items: [{ ...EVENT, start: NOW - 50_000, end: NOW - 45_000 }], nextCursor: null },
      'exports.create': job,
      'exports.get': job,
    });
    inGerman(client, <ExportPanel cameraIds={['front']} range={{ start: NOW - 60_000, end: NOW }} onClear={() => undefined} />);
    expect(screen.getByText('Fehlende Teile erlauben')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Auswahl aufheben' })).toBeTruthy();
    expect(screen.getByText(/\(1 min\)$/)).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/^Personen verbergen:/));
    expect(screen.getByRole('option', { name: 'Verpixeln (grobes Mosaik)' })).toBeTruthy();
    expect(await screen.findByText(/^Sichtbar lassen: Person um .+ \(5 s\)$/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clip exportieren' }));
    expect((await screen.findByRole('status')).textContent).toBe('Exportiere … 40 %');
    expect(screen.getByRole('progressbar', { name: 'Fortschritt des Exports' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Abbrechen' })).toBeTruthy();
  });
});
