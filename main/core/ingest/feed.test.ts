// CameraFeed: frame and live subscribers stay across a swap of the process underneath; viewers reach the live process.
import { describe, expect, it } from 'vitest';
import type { Frame } from '../detect/frame.js';
import { CameraFeed, type FeedUpstream } from './feed.js';
import type { LiveChunk, LiveSource } from './types.js';

/** A stand-in process: counts its subscribers and sends what the test pushes. */
function fakeProcess(codec: string): FeedUpstream & { frame(t: number): void; chunk(c: LiveChunk): void; frameSubs(): number; liveSubs(): number } {
  const frames = new Set<(f: Frame) => void>();
  const live = new Set<(c: LiveChunk) => void>();
  const init = new Uint8Array([1, 2, 3]);
  const source: LiveSource = {
    codec,
    init,
    subscribe(cb) {
      live.add(cb);
      // as LiveHub does: a new subscriber gets the init first
      cb({ type: 'init', data: init, codec });
      return () => live.delete(cb);
    },
  };
  return {
    live: source,
    subscribe(cb) {
      frames.add(cb);
      return () => frames.delete(cb);
    },
    frame: (t) => frames.forEach((cb) => cb({ cameraId: 'c', width: 2, height: 2, data: new Uint8Array(6), time: t })),
    chunk: (c) => live.forEach((cb) => cb(c)),
    frameSubs: () => frames.size,
    liveSubs: () => live.size,
  };
}

describe('CameraFeed', () => {
  it('keeps frame and live subscribers across a process swap; the new process sends its init', () => {
    const feed = new CameraFeed('c');
    const times: number[] = [];
    const chunks: string[] = [];
    const offFrames = feed.subscribe((f) => times.push(f.time));
    const offLive = feed.live.subscribe((c) => chunks.push(c.type === 'init' ? `init:${c.codec}` : 'frag'));
    expect(feed.viewers()).toBe(1);

    const a = fakeProcess('avc1.A');
    feed.attach(a);
    a.frame(1);
    a.chunk({ type: 'fragment', data: new Uint8Array(1), keyframe: true });
    expect(feed.live.codec).toBe('avc1.A');

    const b = fakeProcess('avc1.B');
    feed.detach(a);
    feed.attach(b);
    // the old process is let go: nothing from it reaches the subscribers any more
    expect(a.frameSubs()).toBe(0);
    expect(a.liveSubs()).toBe(0);
    a.frame(99);
    b.frame(2);
    b.chunk({ type: 'fragment', data: new Uint8Array(1), keyframe: false });
    expect(times).toEqual([1, 2]);
    expect(chunks).toEqual(['init:avc1.A', 'frag', 'init:avc1.B', 'frag']);
    expect(feed.live.codec).toBe('avc1.B');

    // a stale detach of the old process after the swap changes nothing
    feed.detach(a);
    expect(feed.attached()).toBe(true);

    offFrames();
    offLive();
    expect(b.frameSubs()).toBe(0);
    expect(b.liveSubs()).toBe(0);
    expect(feed.viewers()).toBe(0);
  });

  it('holds subscribers made before any process runs, and one upstream frame subscription for many', () => {
    const feed = new CameraFeed('c');
    let n = 0;
    const offs = [feed.subscribe(() => n++), feed.subscribe(() => n++)];
    const p = fakeProcess('avc1.C');
    feed.attach(p);
    expect(p.frameSubs()).toBe(1);
    p.frame(1);
    expect(n).toBe(2);
    offs.forEach((off) => off());
    expect(p.frameSubs()).toBe(0);
  });
});
