// @vitest-environment jsdom
// The recorded player names the wall time of what it shows through the server's map, so a recording gap never shifts the clock.
import type { ApiClient } from '@common/bridge.js';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientContext } from '../lib/api.js';
import { RecordedPlayer } from './RecordedPlayer.js';

afterEach(cleanup);

const T = Date.UTC(2026, 5, 1, 12);
// 20 s recorded, a 25 s outage, then 20 s more
const MAP = [
  { mediaOffset: 0, wallStart: T, duration: 20 },
  { mediaOffset: 20, wallStart: T + 45_000, duration: 20 },
];

function fakeClient(): ApiClient {
  return {
    transport: 'http',
    call: vi.fn(async (method: string) => {
      if (method === 'recordings.segments') return { ok: true, value: [{ id: 1, cameraId: 'cam', start: T, end: T + 10_000, bytes: 1, keep: false, url: 'x' }] };
      if (method === 'recordings.playMap') return { ok: true, value: MAP };
      return { ok: false, error: { code: 'not_found', message: 'no' } };
    }) as never,
    subscribe: () => () => undefined,
  };
}

describe('recorded player', () => {
  it('reports the wall time through the map: after the gap the clock is 25 s later than start + currentTime', async () => {
    const times: number[] = [];
    render(
      <ClientContext.Provider value={fakeClient()}>
        <RecordedPlayer cameraId="cam" start={T} label="Cam" onTime={(t) => times.push(t)} />
      </ClientContext.Provider>,
    );
    const video = screen.getByTestId('recorded-video') as HTMLVideoElement;
    await waitFor(() => expect(video.getAttribute('src')).toContain('play/cam'));
    const at = (seconds: number): number => {
      Object.defineProperty(video, 'currentTime', { configurable: true, value: seconds });
      video.dispatchEvent(new Event('timeupdate'));
      return times.at(-1)!;
    };
    expect(at(5)).toBe(T + 5000);
    expect(at(19.5)).toBe(T + 19_500);
    expect(at(21)).toBe(T + 46_000);
    expect(at(40)).toBe(T + 65_000);
  });
});
