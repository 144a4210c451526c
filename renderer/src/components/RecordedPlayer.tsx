// Recorded video from a moment: the server stitches segments into one stream; its map gives the wall time of every second, gaps included.
import type { TrackPoint } from '@common/contract/events.js';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { callOrThrow, useClient } from '../lib/api.js';
import { playUrl } from '../lib/media.js';
import { wallTimeAt, type PlayPiece } from '@common/play-map.js';
import { TrackOverlay } from './TrackOverlay.js';

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
  /** An event's detections: its box is drawn over the video as it plays. */
  track?: readonly TrackPoint[] | undefined;
}

export const RecordedPlayer = forwardRef<RecordedPlayerHandle, Props>(function RecordedPlayer({ cameraId, start: startAt, end: endAt, label, onTime, track }, ref) {
  // times come from pointer positions and the video clock: whole milliseconds for the API
  const start = Math.round(startAt);
  const end = endAt === undefined ? undefined : Math.round(endAt);
  const { t } = useTranslation();
  const client = useClient();
  const videoRef = useRef<HTMLVideoElement>(null);
  // a key, so a change of language re-words it without reloading the video
  const [error, setError] = useState<'stillRecording' | 'nothing' | 'cannotPlay' | null>(null);
  // the stream's seconds → wall time: concat closes recording gaps, so start + currentTime is wrong after one
  const map = useRef<PlayPiece[] | null>(null);
  const wallAt = useCallback((seconds: number): number | null => (map.current ? wallTimeAt(map.current, seconds) : null), []);

  useImperativeHandle(ref, () => ({
    currentTime: () => (!videoRef.current ? null : wallAt(videoRef.current.currentTime)),
  }));

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    setError(null);
    map.current = null;
    void (async () => {
      // Find the recording that holds `start`.
      // A moment from the last seconds is still being written: wait for its segment (bounded).
      let first;
      for (let attempt = 0; attempt < 12 && !cancelled; attempt++) {
        const segments = await callOrThrow(client, 'recordings.segments', { cameraId, after: start, before: end ?? start + 60_000 }).catch(() => []);
        first = segments[0];
        if (first || Date.now() - start > 90_000) break;
        setError('stillRecording');
        await new Promise((r) => setTimeout(r, 2500));
      }
      if (cancelled) return;
      if (!first) {
        setError('nothing');
        return;
      }
      // the same plan the stream is cut from; without it no time is shown rather than a wrong one
      const pieces = await callOrThrow(client, 'recordings.playMap', { cameraId, start, ...(end !== undefined ? { end } : {}) }).catch(() => null);
      if (cancelled) return;
      if (!pieces || pieces.length === 0) {
        setError('nothing');
        return;
      }
      setError(null);
      map.current = pieces;
      video.src = playUrl(cameraId, start, end);
      video.addEventListener('loadedmetadata', () => void video.play().catch(() => undefined), { once: true });
      video.addEventListener('error', () => setError('cannotPlay'), { once: true });
    })();
    const tick = (): void => {
      const wall = wallAt(video.currentTime);
      if (wall !== null) onTime?.(wall);
    };
    video.addEventListener('timeupdate', tick);
    return () => {
      cancelled = true;
      video.removeEventListener('timeupdate', tick);
      video.removeAttribute('src');
      video.load();
    };
  }, [client, cameraId, start, end, onTime, wallAt]);

  return (
    <div className="player recorded">
      <video ref={videoRef} controls muted playsInline aria-label={t('recordedPlayer.video', { name: label })} data-testid="recorded-video" />
      {track && track.length > 0 && <TrackOverlay video={videoRef} wallAt={wallAt} points={track} />}
      {error && <div className="player-overlay">{t(`recordedPlayer.${error}`)}</div>}
    </div>
  );
});
