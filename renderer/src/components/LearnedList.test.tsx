// @vitest-environment jsdom
// "Learned from you": each example with its stored crop, and a suggested mask the owner adds or dismisses.
import type { ApiClient } from '@common/bridge.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientContext } from '../lib/api.js';
import { LearnedList } from './LearnedList.js';

afterEach(cleanup);

const BOX = [0.61, 0.66, 0.69, 0.74];
const JPEG = '/9j/4AAQSkZJRgABAQ';

/** The engine's answers as the contract shapes them; a decision on the suggestion takes it off the list. */
function fakeClient(calls: { method: string; input: unknown }[]): ApiClient {
  let decided = false;
  return {
    transport: 'http',
    call: vi.fn(async (method: string, input: unknown) => {
      calls.push({ method, input });
      if (method === 'learned.list') {
        const ex = (id: number, verdict: string, label: string) => ({ id, cameraId: 'door', eventId: null, verdict, label, score: 0.7, box: [0.6, 0.3, 0.7, 0.7], time: 1_700_000_000_000 + id, createdAt: 0, undone: false });
        return { ok: true, value: { examples: [ex(1, 'false_alarm', 'person'), ex(2, 'correct', 'dog')], thresholds: [] } };
      }
      if (method === 'learned.crop') {
        const { id } = input as { id: number };
        return { ok: true, value: { id, jpeg: id === 1 ? JPEG : null } };
      }
      if (method === 'learned.maskSuggestions') return { ok: true, value: decided ? [] : [{ cameraId: 'door', box: BOX, labels: ['person'], examples: 3 }] };
      if (method === 'learned.acceptMask') {
        decided = true;
        return { ok: true, value: { objectMasks: 1 } };
      }
      if (method === 'learned.dismissMask') {
        decided = true;
        return { ok: true, value: { ok: true } };
      }
      return { ok: false, error: { code: 'not_found', message: `unexpected ${method}` } };
    }) as never,
    subscribe: () => () => undefined,
  };
}

function renderList(calls: { method: string; input: unknown }[]) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <ClientContext.Provider value={fakeClient(calls)}>
      <QueryClientProvider client={qc}>
        <LearnedList cameraId="door" />
      </QueryClientProvider>
    </ClientContext.Provider>,
  );
}

describe('learned from you', () => {
  it('shows each example with the crop the engine kept, asked for by the example id', async () => {
    const calls: { method: string; input: unknown }[] = [];
    renderList(calls);
    const img = await screen.findByAltText('The person you marked, as the camera saw it');
    expect(img.getAttribute('src')).toBe(`data:image/jpeg;base64,${JPEG}`);
    // the example without a crop shows none (and no broken image)
    await waitFor(() => expect(calls.filter((c) => c.method === 'learned.crop').map((c) => (c.input as { id: number }).id).sort()).toEqual([1, 2]));
    expect(screen.queryByAltText('The dog you marked, as the camera saw it')).toBeNull();
  });

  it('adds the suggested mask on the owner’s say-so and stops offering it', async () => {
    const calls: { method: string; input: unknown }[] = [];
    renderList(calls);
    const offer = await screen.findByTestId('mask-suggestion');
    expect(offer.textContent).toContain('3 person false alarms at the same place');
    fireEvent.click(within(offer).getByRole('button', { name: 'Add object mask' }));
    await waitFor(() => expect(screen.queryByTestId('mask-suggestion')).toBeNull());
    expect(calls.find((c) => c.method === 'learned.acceptMask')?.input).toEqual({ cameraId: 'door', box: BOX });
    expect(calls.some((c) => c.method === 'learned.dismissMask')).toBe(false);
  });

  it('dismisses it instead, without touching the masks', async () => {
    const calls: { method: string; input: unknown }[] = [];
    renderList(calls);
    fireEvent.click(within(await screen.findByTestId('mask-suggestion')).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByTestId('mask-suggestion')).toBeNull());
    expect(calls.find((c) => c.method === 'learned.dismissMask')?.input).toEqual({ cameraId: 'door', box: BOX });
    expect(calls.some((c) => c.method === 'learned.acceptMask')).toBe(false);
  });
});
