// One clock for several recordings played together: wall time advances from a moment, and each video is told how to follow it.
import { mediaTimeAt, type PlayPiece } from '@common/play-map.js';

/** Up to this many cameras play in sync. */
export const MAX_SYNCED = 4;
/** A video this far ahead of the clock waits for it (it reached recording after a gap, or ran fast). */
export const AHEAD_WAIT_MS = 250;
/** A video this far behind is restarted at the clock's moment (the streams cannot seek; a new one starts there). */
export const BEHIND_RESTART_MS = 3000;
/** Drift under this is left alone. */
export const DEAD_BAND_MS = 40;
/** Drift is closed over about this long by playing a little faster or slower. */
export const CATCH_UP_MS = 2000;
/** The most a correction changes the playback rate (±10 % is not heard or seen as a jump). */
export const MAX_NUDGE = 0.1;

/**
 * Wall time that advances while playing; `now` is a monotonic clock (performance.now()). Holding (a video still loading)
 * stops it without pausing, so the others wait rather than run ahead.
 */
export class SyncClock {
  private anchorWall: number;
  private anchorNow: number;
  private running = false;
  private held = false;
  private speed = 1;

  constructor(startWall: number, now: number) {
    this.anchorWall = startWall;
    this.anchorNow = now;
  }

  get playing(): boolean {
    return this.running;
  }

  get rate(): number {
    return this.speed;
  }

  /** The wall time (epoch ms) the clock shows at `now`. */
  wall(now: number): number {
    return this.running && !this.held ? this.anchorWall + (now - this.anchorNow) * this.speed : this.anchorWall;
  }

  private reanchor(now: number): void {
    this.anchorWall = this.wall(now);
    this.anchorNow = now;
  }

  play(now: number): void {
    this.reanchor(now);
    this.running = true;
  }

  pause(now: number): void {
    this.reanchor(now);
    this.running = false;
  }

  /** Waits (true) or goes on (false) without changing play/pause. */
  hold(now: number, held: boolean): void {
    if (held === this.held) return;
    this.reanchor(now);
    this.held = held;
  }

  setRate(now: number, rate: number): void {
    this.reanchor(now);
    this.speed = rate;
  }

  seek(now: number, wall: number): void {
    this.anchorWall = wall;
    this.anchorNow = now;
  }
}

export type FollowState = 'before' | 'playing' | 'waiting' | 'ended';

export interface Follow {
  state: FollowState;
  /** Whether the video should be playing now. */
  play: boolean;
  /** Its playback rate (the clock's, nudged to close drift). */
  rate: number;
  /** The video's time minus the clock's, in ms of its stream (null when the clock is outside its recordings). */
  drift: number | null;
  /** Start a new stream from this wall time: it is too far behind to catch up. */
  restartAt?: number;
}

/**
 * How one video follows the clock, from its stream's map and its own currentTime (drift is measured in the stream's own
 * seconds, so the gaps the stream closes do not count): wait before its first recording, in a gap (held at the start of
 * the next piece until the clock reaches it) or when ahead; nudge its rate to close small drift; restart when far behind;
 * stop after its last recording.
 */
export function follow(input: { wall: number; pieces: readonly PlayPiece[]; currentTime: number; clockPlaying: boolean; clockRate: number }): Follow {
  const { wall, pieces, currentTime, clockPlaying, clockRate } = input;
  const first = pieces[0];
  if (!first) return { state: 'ended', play: false, rate: clockRate, drift: null };
  if (wall < first.wallStart) return { state: 'before', play: false, rate: clockRate, drift: null };
  const target = mediaTimeAt(pieces, wall);
  if (target === null) return { state: 'ended', play: false, rate: clockRate, drift: null };
  const drift = (currentTime - target) * 1000;
  // the clock is between recordings: the stream's next piece starts at `target`, shown only once the clock gets there
  const inGap = pieces.some((p) => Math.abs(p.mediaOffset - target) < 1e-6 && p.wallStart > wall);
  if (inGap) return { state: 'waiting', play: clockPlaying && drift < -DEAD_BAND_MS, rate: clockRate * (1 + MAX_NUDGE), drift };
  if (drift > AHEAD_WAIT_MS) return { state: 'playing', play: false, rate: clockRate, drift };
  if (drift < -BEHIND_RESTART_MS) return { state: 'playing', play: clockPlaying, rate: clockRate, drift, restartAt: Math.round(wall) };
  const nudge = Math.abs(drift) < DEAD_BAND_MS ? 0 : Math.max(-MAX_NUDGE, Math.min(MAX_NUDGE, -drift / CATCH_UP_MS));
  return { state: 'playing', play: clockPlaying, rate: clockRate * (1 + nudge), drift };
}
