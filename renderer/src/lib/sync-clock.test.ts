// The synced playback clock: one wall time for every camera; each video waits, nudges or restarts to follow it, gaps included.
import { describe, expect, it } from 'vitest';
import { AHEAD_WAIT_MS, BEHIND_RESTART_MS, follow, MAX_NUDGE, SyncClock } from './sync-clock.js';

const T = Date.UTC(2026, 11, 2, 9);
// 20 s recorded, a 25 s outage, then 20 s more: the stream holds 40 s
const GAPPY = [
  { mediaOffset: 0, wallStart: T, duration: 20 },
  { mediaOffset: 20, wallStart: T + 45_000, duration: 20 },
];
// another camera whose recording starts 10 s later, without gaps
const LATE = [{ mediaOffset: 0, wallStart: T + 10_000, duration: 60 }];

describe('sync clock', () => {
  it('advances only while playing and not held, at its rate, from where it was', () => {
    const c = new SyncClock(T, 1000);
    expect(c.wall(5000)).toBe(T);
    c.play(5000);
    expect(c.wall(6500)).toBe(T + 1500);
    c.hold(6500, true);
    expect(c.wall(9000)).toBe(T + 1500);
    c.hold(9000, false);
    c.setRate(9000, 2);
    expect(c.wall(10_000)).toBe(T + 3500);
    c.pause(10_000);
    expect(c.wall(20_000)).toBe(T + 3500);
    c.seek(20_000, T + 60_000);
    expect(c.wall(30_000)).toBe(T + 60_000);
    expect(c.playing).toBe(false);
  });
});

describe('following the clock', () => {
  const at = (wall: number, currentTime: number, pieces = GAPPY) => follow({ wall, pieces, currentTime, clockPlaying: true, clockRate: 1 });

  it('plays in step at the clock rate, and nudges a little faster or slower to close small drift', () => {
    expect(at(T + 5000, 5)).toMatchObject({ state: 'playing', play: true, rate: 1, drift: 0 });
    const behind = at(T + 5000, 4.6);
    expect(behind.rate).toBeGreaterThan(1);
    expect(behind.rate).toBeLessThanOrEqual(1 + MAX_NUDGE);
    const ahead = at(T + 5000, 5.2);
    expect(ahead.rate).toBeLessThan(1);
    expect(ahead.play).toBe(true);
    // paused clock: nobody plays
    expect(follow({ wall: T + 5000, pieces: GAPPY, currentTime: 5, clockPlaying: false, clockRate: 1 }).play).toBe(false);
  });

  it('waits when ahead, restarts from the clock when too far behind to catch up', () => {
    expect(at(T + 5000, 5 + (AHEAD_WAIT_MS + 50) / 1000)).toMatchObject({ play: false, state: 'playing' });
    const far = at(T + 15_000, 15 - (BEHIND_RESTART_MS + 500) / 1000);
    expect(far.restartAt).toBe(T + 15_000);
  });

  it('across a recording gap: plays out the first piece, then holds at the next until the clock reaches it', () => {
    // the clock is in the outage; the video has not finished the first piece yet: it plays on (not restarted)
    const finishing = at(T + 30_000, 19.5);
    expect(finishing).toMatchObject({ state: 'waiting', play: true });
    expect(finishing.restartAt).toBeUndefined();
    // it reached the end of the first piece (the start of the second): it holds there
    expect(at(T + 30_000, 20)).toMatchObject({ state: 'waiting', play: false });
    expect(at(T + 44_900, 20.05)).toMatchObject({ state: 'waiting', play: false });
    // the clock reaches the second piece: it plays, in step
    expect(at(T + 46_000, 21)).toMatchObject({ state: 'playing', play: true, drift: 0 });
  });

  it('holds before a camera recorded and stops after its last recording', () => {
    expect(at(T + 5000, 0, LATE)).toMatchObject({ state: 'before', play: false });
    expect(at(T + 12_000, 2, LATE)).toMatchObject({ state: 'playing', play: true, drift: 0 });
    expect(at(T + 71_000, 60, LATE)).toMatchObject({ state: 'ended', play: false });
    expect(at(T, 0, [])).toMatchObject({ state: 'ended', play: false });
  });

  it('keeps two cameras on one clock: both show the same wall time as it runs, each through its own map', () => {
    const clock = new SyncClock(T + 12_000, 0);
    clock.play(0);
    // simulate 10 s in 100 ms ticks: each video advances at the rate it was given, the second starting 0.5 s late
    const videos = [
      { pieces: GAPPY, t: 12 },
      { pieces: LATE, t: 2 - 0.5 },
    ];
    for (let now = 0; now < 10_000; now += 100) {
      const wall = clock.wall(now);
      for (const v of videos) {
        const f = follow({ wall, pieces: v.pieces, currentTime: v.t, clockPlaying: clock.playing, clockRate: clock.rate });
        if (f.play) v.t += 0.1 * f.rate;
      }
    }
    const wall = clock.wall(10_000);
    expect(wall).toBe(T + 22_000);
    // the gappy camera reached its outage at T + 20 s and holds at the next piece; the other is in step
    expect(videos[0]!.t).toBeCloseTo(20, 1);
    // the late one caught up by playing a little faster
    expect(Math.abs(videos[1]!.t - 12)).toBeLessThan(0.05);
  });
});
