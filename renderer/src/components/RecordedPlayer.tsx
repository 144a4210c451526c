// Recorded video from a moment: the server stitches segments into one stream; we start at the right second.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { callOrThrow, useClient } from '../lib/api.js';
import { playUrl } from '../lib/media.js';

export interface RecordedPlayerHandle {
  /** The wall-clock time (epoch ms) being shown, or null before playback starts. */
  currentTime(): number | null;
}

interface Props {
  cameraId: string;
  /** Epoch ms to start at. */
  start: number;
  end?: number;
  label: string;
  onTime?: (epochMs: number) => void;
}

export const RecordedPlayer = forwardRef<RecordedPlayerHandle, Props>(function RecordedPlayer({ cameraId, start: startAt, end: endAt, label, onTime }, ref) {
  // times come from pointer positions and the video clock: whole milliseconds for the API
  const start = Math.round(startAt);
  const end = endAt === undefined ? undefined : Math.round(endAt);
  const client = useClient();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const base = useRef<number | null>(null);

  useImperativeHandle(ref, () => ({
    currentTime: () => (base.current === null || !videoRef.current ? null : base.current + videoRef.current.currentTime * 1000),
  }));

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    setError(null);
    base.current = null;
    void (async () => {
      // Find the recording that holds `start`.
      // A moment from the last seconds is still being written: wait for its segment (bounded).
      let first;
      for (let attempt = 0; attempt < 12 && !cancelled; attempt++) {
        const segments = await callOrThrow(client, 'recordings.segments', { cameraId, after: start, before: end ?? start + 60_000 }).catch(() => []);
        first = segments[0];
        if (first || Date.now() - start > 90_000) break;
        setError('This moment is still being recorded; it plays in a few seconds…');
        await new Promise((r) => setTimeout(r, 2500));
      }
      if (cancelled) return;
      if (!first) {
        setError('Nothing was recorded at this time.');
        return;
      }
      setError(null);
      // the server starts the stream at `start` itself (or at the first recording after it)
      base.current = Math.max(start, first.start);
      video.src = playUrl(cameraId, start, end);
      video.addEventListener('loadedmetadata', () => void video.play().catch(() => undefined), { once: true });
      video.addEventListener('error', () => setError('This recording cannot be played right now.'), { once: true });
    })();
    const tick = (): void => {
      if (base.current !== null) onTime?.(base.current + video.currentTime * 1000);
    };
    video.addEventListener('timeupdate', tick);
    return () => {
      cancelled = true;
      video.removeEventListener('timeupdate', tick);
      video.removeAttribute('src');
      video.load();
    };
  }, [client, cameraId, start, end, onTime]);

  return (
    <div className="player recorded">
      <video ref={videoRef} controls muted playsInline aria-label={`Recording of ${label}`} data-testid="recorded-video" />
      {error && <div className="player-overlay">{error}</div>}
    </div>
  );
});
