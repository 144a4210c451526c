// @vitest-environment jsdom
// The zone editor: what a person adds, names and moves with the keyboard becomes the zones and masks the camera stores.
import type { ApiClient } from '@common/bridge.js';
import type { Camera } from '@common/contract/index.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { i18n as I18n } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../i18n/index.js';
import { ClientContext } from '../lib/api.js';
import { shapesOf, toCameraShapes, ZoneEditor } from './ZoneEditor.js';

afterEach(cleanup);

const CAMERA: Camera = {
  id: 'front',
  name: 'Front door',
  enabled: true,
  recordMode: 'continuous',
  streams: [{ name: 'main', url: 'rtsp://admin:***@192.0.2.1/stream', roles: ['record', 'detect', 'live'] }],
  detect: { enabled: true, width: 640, height: 360, fps: 5, autoSize: true, objects: { labels: null, minScore: null, threshold: null, areas: {}, motionSensitivity: 5 } },
  audio: { record: true },
  input: { transport: 'tcp', clock: 'auto', hwaccel: 'default', preset: null },
  onvif: null,
  zones: [],
  masks: { motion: [[[0, 0], [0.3, 0], [0.3, 0.1]]], objects: [], privacy: [] },
  retention: { continuousDays: null, eventDays: null },
  createdAt: 0,
  updatedAt: 0,
};

type Call = { method: string; input: unknown };

function renderEditor(calls: Call[], still: { ok: boolean } = { ok: true }, i18n: I18n = createI18n('en')) {
  const onDone = vi.fn();
  const client: ApiClient = {
    transport: 'http',
    call: vi.fn(async (method: string, input: unknown) => {
      calls.push({ method, input });
      if (method === 'cameras.still') {
        return still.ok
          ? { ok: true, value: { jpeg: '/9j/2wBDAA==', width: 640, height: 360, time: 1 } }
          : { ok: false, error: { code: 'unavailable', message: 'Front door sent no picture in 6 s: check it is online' } };
      }
      return { ok: true, value: { ...CAMERA, ...(input as object) } };
    }) as never,
    subscribe: () => () => undefined,
  };
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <I18nextProvider i18n={i18n}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={qc}>
          <ZoneEditor camera={CAMERA} onDone={onDone} />
        </QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>,
  );
  return onDone;
}

describe('zone editor', () => {
  it('adds a zone, names it, shapes it from the keyboard and saves it with the existing mask', async () => {
    const calls: Call[] = [];
    const onDone = renderEditor(calls);
    await screen.findByAltText('Current picture from Front door');

    fireEvent.click(screen.getByRole('button', { name: 'Add zone' }));
    fireEvent.change(screen.getByLabelText('Zone name'), { target: { value: 'Porch' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'car' }));

    // the new zone starts offset from the existing mask; its first point goes right 5% (Shift) and up 1%, then a point is added after it and removed
    const first = screen.getByRole('button', { name: /^Point 1 of Porch at 34% across, 34% down/ });
    fireEvent.keyDown(first, { key: 'ArrowRight', shiftKey: true });
    fireEvent.keyDown(first, { key: 'ArrowUp' });
    fireEvent.keyDown(first, { key: '+' });
    expect(screen.getAllByRole('button', { name: /^Point \d of Porch/ })).toHaveLength(5);
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toMatch(/^Point 2 of Porch/));
    fireEvent.keyDown(document.activeElement!, { key: 'Delete' });
    expect(screen.getAllByRole('button', { name: /^Point \d of Porch/ })).toHaveLength(4);

    fireEvent.click(screen.getByRole('button', { name: 'Save zones and masks' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'cameras.upsert')?.input as Camera;
    expect(saved.id).toBe('front');
    expect(saved.streams).toEqual(CAMERA.streams);
    expect(saved.zones).toEqual([{ name: 'Porch', labels: ['person', 'car'], polygon: [[0.39, 0.33], [0.74, 0.34], [0.74, 0.74], [0.34, 0.74]] }]);
    expect(saved.masks).toEqual(CAMERA.masks);
  });

  it('says what to fix instead of saving zones without a name or with the same name', async () => {
    const calls: Call[] = [];
    renderEditor(calls);
    fireEvent.click(screen.getByRole('button', { name: 'Add zone' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add zone' }));
    const names = screen.getAllByLabelText('Zone name');
    fireEvent.change(names[1]!, { target: { value: ' zone 1 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save zones and masks' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Two zones are called "zone 1"');
    fireEvent.change(names[0]!, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save zones and masks' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Every zone needs a name');
    expect(calls.some((c) => c.method === 'cameras.upsert')).toBe(false);
  });

  it('shows why there is no picture and still lets the user draw and remove shapes', async () => {
    renderEditor([], { ok: false });
    expect((await screen.findByRole('alert')).textContent).toContain('sent no picture');
    fireEvent.click(screen.getByRole('button', { name: 'Add object mask' }));
    expect(screen.getByRole('button', { name: 'Remove Object mask 1' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove Motion mask 1' }));
    expect(screen.queryByRole('button', { name: 'Remove Motion mask 1' })).toBeNull();
  });

  it('speaks German: the buttons, a numbered mask, a point a screen reader reads, what to fix, and why there is no picture', async () => {
    const calls: Call[] = [];
    renderEditor(calls, { ok: false }, createI18n('de'));
    expect(screen.getByRole('heading').textContent).toBe('Zonen und Masken: Front door');
    // the engine's words stay, marked as English, after the German sentence for its error code
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Porchlight kann das gerade nicht. Front door sent no picture in 6 s: check it is online');
    expect(alert.querySelector('[lang="en"]')?.textContent).toBe('Front door sent no picture in 6 s: check it is online');
    expect(screen.getByRole('button', { name: 'Bewegungsmaske 1 wird bearbeitet' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('3 Punkte')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Punkt 1 von Bewegungsmaske 1 bei 0% von links, 0% von oben\. Pfeiltasten/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Zone hinzufügen' }));
    expect((screen.getByLabelText('Name der Zone') as HTMLInputElement).value).toBe('Zone 1');
    fireEvent.change(screen.getByLabelText('Name der Zone'), { target: { value: ' ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Zonen und Masken speichern' }));
    await waitFor(() => expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('Jede Zone braucht einen Namen: Mit ihm beziehen sich Ereignisse und Alarmregeln auf sie.'));
    expect(screen.getByRole('button', { name: 'Unbenannte Zone entfernen' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Bewegungsmaske 1 bearbeiten' })).toBeTruthy();
    expect(calls.some((c) => c.method === 'cameras.upsert')).toBe(false);
  });

  it('round-trips a camera through shapes', () => {
    const cam = { zones: [{ name: 'Drive', labels: [], polygon: [[0, 0], [1, 0], [1, 1]] as [number, number][] }], masks: CAMERA.masks };
    expect(toCameraShapes(shapesOf(cam))).toEqual(cam);
  });
});
