// Up to four cameras' recordings from one moment on one clock: each video follows it (waits in gaps, nudges its rate,
// restarts when far behind), and the clock waits for a video still loading.
import { wallTimeAt, type PlayPiece } from '@common/play-map.js';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { callOrThrow, useClient } from '../lib/api.js';
import { clock } from '../lib/format.js';
import { playUrl } from '../lib/media.js';
import { follow, SyncClock, type FollowState } from '../lib/sync-clock.js';

/** How often the videos are brought in line with the clock. */
const TICK_MS = 100;
/** A restart is asked for at most this often per camera (a new stream needs time to start). */
const RESTART_EVERY_MS = 4000;
/** A video with less than this ready is loading: the clock waits for it. */
const HAVE_FUTURE_DATA = 3;

export interface SyncedPlayerHandle {
  toggle(): void;
}

interface Props {
  cameras: readonly { id: string; name: string }[];
  /** Epoch ms every camera starts at. */
  start: number;
  onTime?: (epochMs: number) => void;
}

interface Tile {
  video: HTMLVideoElement;
  pieces: PlayPiece[] | null;
  /** Nothing to play here (no recording from this moment, or the stream failed). */
  failed: boolean;
  restartedAt: number;
  restart(from: number): void;
}

/** The overlay each state shows (its key in `syncedPlayer`); a playing video shows none. */
const STATE_TEXT = {
  loading: 'loading',
  none: 'none',
  before: 'before',
  waiting: 'waiting',
  ended: 'ended',
  playing: null,
} as const satisfies Record<FollowState | 'loading' | 'none', string | null>;

export const SyncedPlayer = forwardRef<SyncedPlayerHandle, Props>(function SyncedPlayer({ cameras, start, onTime }, ref) {
  const { t } = useTranslation();
  const tiles = useRef(new Map<string, Tile>());
  const clockRef = useRef(new SyncClock(start, performance.now()));
  // the clock starts once every stream's map is in, at the earliest picture any of them has (each stream starts at the
  // keyframe before `start`): the others wait for the clock to reach their first frame, so all begin in step
  const primed = useRef(false);
  const wantPlay = useRef(true);
  const [playing, setPlaying] = useState(true);
  const [wall, setWall] = useState(start);
  const [states, setStates] = useState<Record<string, FollowState | 'loading' | 'none'>>({});
  const boxRef = useRef<HTMLDivElement>(null);

  const toggle = useCallback(() => {
    const c = clockRef.current;
    wantPlay.current = !wantPlay.current;
    if (primed.current) {
      if (wantPlay.current) c.play(performance.now());
      else c.pause(performance.now());
    }
    setPlaying(wantPlay.current);
  }, []);
  useImperativeHandle(ref, () => ({ toggle }), [toggle]);

  useEffect(() => {
    clockRef.current = new SyncClock(start, performance.now());
    primed.current = false;
    wantPlay.current = true;
    setPlaying(true);
  }, [start]);

  useEffect(() => {
    const timer = setInterval(() => {
      const c = clockRef.current;
      const now = performance.now();
      const next: Record<string, FollowState | 'loading' | 'none'> = {};
      if (!primed.current) {
        const live = [...tiles.current.values()].filter((t) => !t.failed);
        if (live.length > 0 && live.every((t) => t.pieces)) {
          primed.current = true;
          c.seek(now, Math.min(start, ...live.map((t) => t.pieces![0]!.wallStart)));
          if (wantPlay.current) c.play(now);
        }
      }
      // first: does any video that should be showing have too little to play? Then the clock waits, and so do the others
      let loading = false;
      for (const tile of tiles.current.values()) {
        if (tile.failed) continue;
        if (!tile.pieces || tile.video.readyState < HAVE_FUTURE_DATA) {
          const f = tile.pieces ? follow({ wall: c.wall(now), pieces: tile.pieces, currentTime: tile.video.currentTime, clockPlaying: c.playing, clockRate: c.rate }) : null;
          if (!f || f.state === 'playing') loading = true;
        }
      }
      c.hold(now, loading);
      const w = c.wall(now);
      const running = c.playing && !loading;
      for (const [id, tile] of tiles.current) {
        const v = tile.video;
        if (tile.failed) {
          next[id] = 'none';
          continue;
        }
        if (!tile.pieces || v.readyState < 1) {
          next[id] = 'loading';
          if (!v.paused) v.pause();
          continue;
        }
        const f = follow({ wall: w, pieces: tile.pieces, currentTime: v.currentTime, clockPlaying: running, clockRate: c.rate });
        next[id] = f.state;
        if (f.restartAt !== undefined && now - tile.restartedAt > RESTART_EVERY_MS) {
          tile.restartedAt = now;
          tile.restart(f.restartAt);
          continue;
        }
        if (Math.abs(v.playbackRate - f.rate) > 0.001) v.playbackRate = f.rate;
        if (f.play && v.paused) void v.play().catch(() => undefined);
        if (!f.play && !v.paused) v.pause();
        const shown = wallTimeAt(tile.pieces, v.currentTime);
        v.dataset.wall = shown === null ? '' : String(Math.round(shown));
      }
      const shownWall = c.wall(performance.now());
      boxRef.current?.setAttribute('data-clock', String(Math.round(shownWall)));
      setWall(shownWall);
      onTime?.(shownWall);
      setStates((s) => (JSON.stringify(s) === JSON.stringify(next) ? s : next));
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [onTime, start]);

  const register = useCallback((id: string, tile: Tile | null) => {
    if (tile) tiles.current.set(id, tile);
    else tiles.current.delete(id);
  }, []);

  return (
    <div className="synced" ref={boxRef} data-testid="synced-player" data-playing={playing}>
      <div className="row">
        <button type="button" onClick={toggle} aria-pressed={playing}>
          {playing ? t('syncedPlayer.pauseAll') : t('syncedPlayer.playAll')}
        </button>
        <span className="muted small" aria-live="off" data-testid="synced-clock">
          {t('syncedPlayer.clock', { count: cameras.length, time: clock(wall) })}
        </span>
      </div>
      <div className="synced-grid">
        {cameras.map((cam) => (
          <SyncedTile key={cam.id} cameraId={cam.id} name={cam.name} start={start} register={register} state={states[cam.id] ?? 'loading'} />
        ))}
      </div>
    </div>
  );
});

function SyncedTile({ cameraId, name, start, register, state }: { cameraId: string; name: string; start: number; register: (id: string, t: Tile | null) => void; state: FollowState | 'loading' | 'none' }) {
  const { t } = useTranslation();
  const client = useClient();
  const videoRef = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let generation = 0;
    const tile: Tile = {
      video,
      pieces: null,
      failed: false,
      restartedAt: 0,
      restart: (from: number) => void load(from),
    };
    const load = async (from: number): Promise<void> => {
      const mine = ++generation;
      tile.pieces = null;
      const pieces = await callOrThrow(client, 'recordings.playMap', { cameraId, start: Math.round(from) }).catch(() => []);
      if (mine !== generation) return;
      if (pieces.length === 0) {
        tile.failed = true;
        return;
      }
      tile.failed = false;
      // the clock decides when it plays
      video.pause();
      video.src = playUrl(cameraId, from);
      tile.pieces = pieces;
    };
    const onError = (): void => {
      if (video.getAttribute('src')) tile.failed = true;
    };
    video.addEventListener('error', onError);
    register(cameraId, tile);
    void load(start);
    return () => {
      generation++;
      register(cameraId, null);
      video.removeEventListener('error', onError);
      video.removeAttribute('src');
      video.load();
    };
  }, [client, cameraId, start, register]);
  const key = STATE_TEXT[state];
  const text = key && t(`syncedPlayer.${key}`);
  return (
    <figure className="synced-tile" data-testid="synced-tile" data-state={state}>
      <div className="player recorded">
        <video ref={videoRef} muted playsInline aria-label={t('syncedPlayer.video', { name })} data-testid="synced-video" />
        {text && <div className="player-overlay">{text}</div>}
      </div>
      <figcaption className="small">{name}</figcaption>
    </figure>
  );
}
