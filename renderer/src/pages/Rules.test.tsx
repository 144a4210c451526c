// @vitest-environment jsdom
// The rule editor: what a person ticks and clicks becomes the rule the engine receives.
import type { ApiClient } from '@common/bridge.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientContext } from '../lib/api.js';
import { RuleEditor } from './Rules.js';

afterEach(cleanup);

function fakeClient(calls: { method: string; input: unknown }[]): ApiClient {
  return {
    transport: 'http',
    call: vi.fn(async (method: string, input: unknown) => {
      calls.push({ method, input });
      if (method === 'cameras.list') {
        const cameras = [
          { id: 'front', name: 'Front door', streams: [], enabled: true, zones: [{ name: 'porch', labels: [], polygon: [] }] },
          { id: 'back', name: 'Back yard', streams: [], enabled: true, zones: [{ name: 'shed', labels: [], polygon: [] }] },
        ];
        return { ok: true, value: cameras };
      }
      if (method === 'sinks.list') return { ok: true, value: [] };
      if (method === 'rules.preview') return { ok: true, value: { count: 3, events: [] } };
      return { ok: true, value: { id: 'r1', ...(input as object) } };
    }) as never,
    subscribe: () => () => undefined,
  };
}

function renderEditor(calls: { method: string; input: unknown }[], onDone = vi.fn()) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <ClientContext.Provider value={fakeClient(calls)}>
      <QueryClientProvider client={qc}>
        <RuleEditor onDone={onDone} />
      </QueryClientProvider>
    </ClientContext.Provider>,
  );
  return onDone;
}

describe('rule editor', () => {
  it('saves labels, camera, nights-only schedule, score and cooldown as one rule', async () => {
    const calls: { method: string; input: unknown }[] = [];
    const onDone = renderEditor(calls);
    fireEvent.click(screen.getByLabelText('dog'));
    await screen.findByLabelText('Front door');
    // the zones drawn on the cameras are named as a hint, narrowed to the chosen camera
    expect(screen.getByText('Zones on your cameras: porch, shed')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Front door'));
    expect(screen.getByText('Zones on your cameras: porch')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Nights' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sat 3:00' }));
    fireEvent.change(screen.getByLabelText('Cooldown per camera (s)'), { target: { value: '120' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save rule' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const saved = calls.find((c) => c.method === 'rules.upsert')?.input as {
      labels: string[];
      cameras: string[];
      cooldownSeconds: number;
      schedule: { days: Record<string, [number, number][]> };
    };
    expect(saved.labels).toEqual(['person', 'dog']);
    expect(saved.cameras).toEqual(['front']);
    expect(saved.cooldownSeconds).toBe(120);
    expect(saved.schedule.days.mon).toEqual([
      [0, 420],
      [1080, 1440],
    ]);
    // Saturday 03:00–04:00 switched off splits the night
    expect(saved.schedule.days.sat).toEqual([
      [0, 180],
      [240, 420],
      [1080, 1440],
    ]);
  });

  it('previews the last 24 hours with the same rule', async () => {
    const calls: { method: string; input: unknown }[] = [];
    renderEditor(calls);
    fireEvent.click(screen.getByRole('button', { name: 'Preview last 24 h' }));
    expect((await screen.findByText(/would have fired/)).textContent).toContain('3 times');
    const sent = calls.find((c) => c.method === 'rules.preview')?.input as { hours: number; rule: { labels: string[] } };
    expect(sent.hours).toBe(24);
    expect(sent.rule.labels).toEqual(['person']);
  });
});
