// Live video: fragmented MP4 over a WebSocket into Media Source Extensions, kept near the live edge; JPEG fallback.
import type { ApiClient } from '@common/bridge.js';
import type { LiveChunkDto } from '@common/contract/index.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { callOrThrow, useClient } from '../lib/api.js';

/** Stay this close behind the newest buffered frame; further behind, speed up; much further, jump. */
const TARGET_LAG_S = 0.15;
const JUMP_LAG_S = 0.6;
const KEEP_BUFFER_S = 10;

type Status = 'connecting' | 'playing' | 'fallback' | 'error';

/** What the player says, kept as a key so a change of language re-words it without restarting the stream; `text` is the engine's own message. */
type Said =
  | { key: 'browserSmaller' | 'browserConverted' | 'browserStills' | 'appSmaller' | 'appConverted' | 'appCannotShow'; codec: string }
  | { key: 'notRunning' | 'noSuchCamera' | 'reconnecting' }
  | { text: string };

/** grid: the camera's grid stream (its sub stream by default); full: the full-screen one (main); compat: grid as low-rate H.264. */
export type LiveView = 'grid' | 'full' | 'compat';

export function liveSocketUrl(cameraId: string, view: LiveView = 'full'): string {
  const url = new URL(`api/live/${encodeURIComponent(cameraId)}`, document.baseURI);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (view !== 'full') url.searchParams.set('view', view);
  return url.toString();
}

/** Whether this browser's Media Source Extensions play the codec (Debian's Chromium has no H.265). */
function canPlay(codec: string): boolean {
  return 'MediaSource' in window && MediaSource.isTypeSupported(`video/mp4; codecs="${codec}"`);
}

/** The desktop app has no server: chunks come over IPC through `live.open` and the `live.chunk` topic. */
function openIpcFeed(client: ApiClient, cameraId: string, view: LiveView, onInit: (codec: string, data: Uint8Array) => void, onFragment: (data: Uint8Array) => void, onError: (m: string) => void): () => void {
  let streamId: string | null = null;
  let closed = false;
  // chunks can arrive before live.open answers (the cached GOP is sent at once): hold them until we know our id
  const early: LiveChunkDto[] = [];
  const deliver = (c: LiveChunkDto): void => {
    if (c.type === 'init' && c.codec) onInit(c.codec, c.data);
    else if (c.type === 'fragment') onFragment(c.data);
  };
  const off = client.subscribe('live.chunk', (c) => {
    if (streamId === null) early.push(c);
    else if (c.streamId === streamId) deliver(c);
  });
  void callOrThrow(client, 'live.open', { cameraId, view })
    .then(({ streamId: id }) => {
      if (closed) return void client.call('live.close', { streamId: id });
      streamId = id;
      for (const c of early.splice(0)) if (c.streamId === id) deliver(c);
    })
    .catch((err: Error) => onError(err.message));
  return () => {
    closed = true;
    off();
    if (streamId) void client.call('live.close', { streamId });
  };
}

/**
 * One camera's live video. `view` picks the stream (grid tiles the sub stream, full screen the main one); a codec this
 * browser cannot play falls back to the grid stream, then to that stream converted to H.264 by the engine (still frames
 * only if even that fails), and says so: never a silent black tile.
 */
export function LivePlayer({ cameraId, label, view = 'full' }: { cameraId: string; label: string; view?: LiveView }) {
  const { t } = useTranslation();
  const client = useClient();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [jpeg, setJpeg] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>('connecting');
  const [message, setMessage] = useState<Said | null>(null);
  // the stream actually played: full screen steps down to the grid stream when its codec cannot be played here
  const [playing, setPlaying] = useState<LiveView>(view);
  const [note, setNote] = useState<Said | null>(null);
  const [hasSound, setHasSound] = useState(false);
  const [muted, setMuted] = useState(true);
  useEffect(() => {
    setPlaying(view);
    setNote(null);
  }, [view, cameraId]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let closed = false;
    let ws: WebSocket | undefined;
    let mediaSource: MediaSource | undefined;
    let buffer: SourceBuffer | undefined;
    let objectUrl: string | undefined;
    let jpegUrl: string | undefined;
    let mode: 'mse' | 'jpeg' = 'mse';
    let expectInit = false;
    const queue: ArrayBuffer[] = [];
    let retry = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    /** The source buffer, while it is still attached: after teardown or a codec change, touching the old one throws. */
    const usable = (): SourceBuffer | undefined => (!closed && buffer && mediaSource?.readyState === 'open' ? buffer : undefined);

    const pump = (): void => {
      const buffer = usable();
      if (!buffer || buffer.updating || queue.length === 0) return;
      const next = queue.shift();
      if (!next) return;
      try {
        buffer.appendBuffer(next);
      } catch {
        // QuotaExceeded: drop what is far behind and try again with the next chunk
        queue.length = 0;
        trim(true);
      }
    };

    const trim = (force = false): void => {
      const buffer = usable();
      if (!buffer || buffer.updating || buffer.buffered.length === 0) return;
      const start = buffer.buffered.start(0);
      const keepFrom = video.currentTime - KEEP_BUFFER_S;
      if (force || keepFrom - start > 5) buffer.remove(start, Math.max(start, keepFrom));
    };

    /** Live-edge rule: seek when far behind, nudge the rate when a little behind. */
    const chase = (): void => {
      const buffer = usable();
      if (!buffer || buffer.buffered.length === 0) return;
      const end = buffer.buffered.end(buffer.buffered.length - 1);
      const start = buffer.buffered.start(0);
      if (video.currentTime < start) video.currentTime = start;
      const lag = end - video.currentTime;
      if (lag > JUMP_LAG_S) {
        video.currentTime = end - TARGET_LAG_S;
        video.playbackRate = 1;
      } else if (lag > TARGET_LAG_S * 2) video.playbackRate = 1 + Math.min(0.25, lag);
      else video.playbackRate = 1;
      if (video.paused) void video.play().catch(() => undefined);
    };

    const resetSource = (codec: string): void => {
      if (closed) return;
      queue.length = 0;
      buffer = undefined;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      mediaSource = new MediaSource();
      objectUrl = URL.createObjectURL(mediaSource);
      video.src = objectUrl;
      const ms = mediaSource;
      ms.addEventListener('sourceopen', () => {
        if (closed || ms !== mediaSource) return;
        const added = ms.addSourceBuffer(`video/mp4; codecs="${codec}"`);
        buffer = added;
        added.mode = 'segments';
        added.addEventListener('updateend', () => {
          // an append aborted by teardown still ends: only the current buffer carries on
          if (added !== buffer) return;
          chase();
          trim();
          pump();
        });
        pump();
      });
    };

    const connect = (): void => {
      ws = new WebSocket(liveSocketUrl(cameraId, playing));
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => (retry = 0);
      ws.onmessage = (ev) => {
        if (closed) return;
        if (typeof ev.data === 'string') {
          const msg = JSON.parse(ev.data) as { type: string; codec?: string };
          if (msg.type === 'init' && msg.codec) {
            if (!canPlay(msg.codec)) {
              if (playing !== 'compat') {
                // the main stream is H.265 (say): the grid stream is the next best picture, then that stream as H.264
                setNote({ key: playing === 'full' ? 'browserSmaller' : 'browserConverted', codec: codecName(msg.codec) });
                setPlaying(playing === 'full' ? 'grid' : 'compat');
                return;
              }
              // nothing here plays: ask for still frames instead
              mode = 'jpeg';
              ws?.send(JSON.stringify({ type: 'fallback' }));
              setNote({ key: 'browserStills', codec: codecName(msg.codec) });
              setStatus('fallback');
              return;
            }
            setHasSound(msg.codec.includes('mp4a'));
            expectInit = true;
            resetSource(msg.codec);
          }
          return;
        }
        if (mode === 'jpeg') {
          if (jpegUrl) URL.revokeObjectURL(jpegUrl);
          jpegUrl = URL.createObjectURL(new Blob([ev.data as ArrayBuffer], { type: 'image/jpeg' }));
          setJpeg(jpegUrl);
          return;
        }
        queue.push(ev.data as ArrayBuffer);
        if (expectInit) expectInit = false;
        setStatus('playing');
        pump();
      };
      ws.onclose = (ev) => {
        if (closed) return;
        setStatus('error');
        setMessage({ key: ev.code === 4503 ? 'notRunning' : ev.code === 4404 ? 'noSuchCamera' : 'reconnecting' });
        const delay = [1000, 2000, 5000, 10_000][Math.min(retry++, 3)];
        retryTimer = setTimeout(connect, delay);
      };
    };

    const onStall = (): void => chase();
    video.addEventListener('waiting', onStall);
    let closeIpc: (() => void) | undefined;
    if (client.transport === 'ipc') {
      closeIpc = openIpcFeed(
        client,
        cameraId,
        playing,
        (codec, data) => {
          if (!canPlay(codec)) {
            if (playing !== 'compat') {
              setNote({ key: playing === 'full' ? 'appSmaller' : 'appConverted', codec: codecName(codec) });
              setPlaying(playing === 'full' ? 'grid' : 'compat');
              return;
            }
            setStatus('error');
            setMessage({ key: 'appCannotShow', codec: codecName(codec) });
            return;
          }
          setHasSound(codec.includes('mp4a'));
          resetSource(codec);
          queue.push(data.slice().buffer);
          pump();
        },
        (data) => {
          queue.push(data.slice().buffer);
          setStatus('playing');
          pump();
        },
        (m) => {
          setStatus('error');
          setMessage({ text: m });
        },
      );
    } else connect();
    return () => {
      closed = true;
      closeIpc?.();
      if (retryTimer) clearTimeout(retryTimer);
      video.removeEventListener('waiting', onStall);
      ws?.close();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      if (jpegUrl) URL.revokeObjectURL(jpegUrl);
      video.removeAttribute('src');
      video.load();
    };
  }, [cameraId, client, playing]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.muted = muted;
  }, [muted]);

  const say = (s: Said): string => ('text' in s ? s.text : 'codec' in s ? t(`livePlayer.${s.key}`, { codec: s.codec }) : t(`livePlayer.${s.key}`));

  return (
    <div className="player" data-status={status} data-stream={playing}>
      <video ref={videoRef} muted playsInline autoPlay aria-label={t('livePlayer.video', { name: label })} hidden={status === 'fallback'} data-testid="live-video" />
      {status === 'fallback' && jpeg && <img src={jpeg} alt={t('livePlayer.still', { name: label })} />}
      {status !== 'playing' && status !== 'fallback' && <div className="player-overlay">{message ? say(message) : t('livePlayer.connecting')}</div>}
      {note && (
        <div className="player-note" role="status">
          {say(note)}
        </div>
      )}
      {hasSound && status === 'playing' && (
        <button type="button" className="player-mute" aria-pressed={!muted} onClick={() => setMuted((m) => !m)}>
          {muted ? t('livePlayer.unmute') : t('livePlayer.mute')}
        </button>
      )}
    </div>
  );
}

function codecName(codec: string): string {
  return /^(hvc1|hev1)/.test(codec) ? 'H.265' : codec.split('.')[0]!;
}
