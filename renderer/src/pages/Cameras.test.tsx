// @vitest-environment jsdom
// The cameras screen in either language: the list, the form with its options, the connection test's summary and the
// removal question with the camera's name in bold (a name that looks like markup stays text).
import type { ApiClient } from '@common/bridge.js';
import type { Camera } from '@common/contract/index.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n, type Locale } from '../i18n/index.js';
import { ClientContext } from '../lib/api.js';
import { CamerasPage } from './Cameras.js';

afterEach(cleanup);

const camera = (name: string): Camera => ({
  id: 'front',
  name,
  enabled: true,
  recordMode: 'events',
  streams: [{ name: 'main', url: 'rtsp://192.0.2.1/stream', roles: ['record', 'detect', 'live'] }],
  detect: { enabled: true, width: 640, height: 360, fps: 5, autoSize: true, objects: { labels: null, minScore: null, threshold: null, areas: {}, motionSensitivity: 5 } },
  audio: { record: true },
  input: { transport: 'tcp', clock: 'auto', hwaccel: 'default', preset: null },
  onvif: null,
  zones: [{ name: 'Porch', labels: [], polygon: [[0, 0], [1, 0], [1, 1]] }],
  masks: { motion: [[[0, 0], [0.3, 0], [0.3, 0.1]]], objects: [], privacy: [] },
  retention: { continuousDays: null, eventDays: null },
  createdAt: 0,
  updatedAt: 0,
});

function renderPage(locale: Locale, name: string) {
  const answers: Record<string, unknown> = {
    'cameras.list': [camera(name)],
    'cameras.states': [],
    'settings.get': { storage: { continuousDays: 7, eventDays: 30 } },
    'system.health': { detector: { status: 'ready' } },
    'learned.list': { examples: [], thresholds: [] },
    'learned.maskSuggestions': [],
    'cameras.probe': { ok: true, width: 1920, height: 1080, codec: 'h264', fps: 14.96, audio: 'aac' },
  };
  const client: ApiClient = {
    transport: 'http',
    call: vi.fn(async (method: string) => (method in answers ? { ok: true, value: answers[method] } : { ok: false, error: { code: 'not_found', message: `unexpected ${method}` } })) as never,
    subscribe: () => () => undefined,
  };
  render(
    <I18nextProvider i18n={createI18n(locale)}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <CamerasPage />
        </QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>,
  );
}

describe('cameras screen', () => {
  it('speaks German: the list, the form, the connection test and the removal question', async () => {
    renderPage('de', 'Haustür');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Kameras');
    const zones = await screen.findByRole('button', { name: 'Zonen und Masken von Haustür' });
    expect(zones.textContent).toBe('Zonen und Masken (2)');
    expect(screen.getByText('Nur rund um Ereignisse aufnehmen')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Haustür bearbeiten' }));
    const form = screen.getByRole('form', { name: 'Haustür bearbeiten' });
    expect(within(form).getByLabelText('Adresse des Hauptstreams')).toBeTruthy();
    expect(within(form).getByRole('option', { name: 'RTSP über TCP (empfohlen)' })).toBeTruthy();
    expect(within(form).getByRole('group', { name: 'Verfolgte Objektarten' })).toBeTruthy();
    expect(within(form).getByText('Bewegungsempfindlichkeit (5)')).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'Verbindung testen' }));
    expect((await within(form).findByTestId('probe-result')).textContent).toBe('Verbunden: 1920x1080 H.264, 15 fps, Ton aac');

    fireEvent.click(within(form).getByRole('button', { name: 'Kamera entfernen' }));
    const question = within(form).getByRole('group', { name: 'Haustür entfernen' });
    expect(question.querySelector('p')?.textContent).toBe('Haustür entfernen? Die Aufnahme endet sofort.');
    expect(question.querySelector('strong')?.textContent).toBe('Haustür');
    expect(within(question).getByRole('button', { name: 'Kamera mit ihren Aufnahmen entfernen' })).toBeTruthy();
  });

  it('keeps the English wording, and a camera name that looks like markup is shown as text', async () => {
    const name = '<b>Yard</b> & <i>co';
    renderPage('en', name);
    fireEvent.click(await screen.findByRole('button', { name: `Edit ${name}` }));
    const form = screen.getByRole('form', { name: `Edit ${name}` });
    fireEvent.click(within(form).getByRole('button', { name: 'Test connection' }));
    expect((await within(form).findByTestId('probe-result')).textContent).toBe('Connected: 1920x1080 H.264, 15 fps, audio aac');
    fireEvent.click(within(form).getByRole('button', { name: 'Remove camera' }));
    const question = within(form).getByRole('group', { name: `Remove ${name}` });
    expect(question.querySelector('p')?.textContent).toBe(`Remove ${name}? It stops recording at once.`);
    expect(question.querySelector('strong')?.textContent).toBe(name);
    expect(question.querySelector('b, i')).toBeNull();
  });
});
