// The event's box drawn over its playing clip: a canvas on the video, redrawn for each frame shown, placed from the video's own clock.
import type { TrackPoint } from '../lib/track.js';
import { useEffect, useRef, type RefObject } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { labelColor } from '../lib/media.js';
import { boxAt, pictureRect, toElement } from '../lib/track.js';

interface Props {
  video: RefObject<HTMLVideoElement | null>;
  /** Stream seconds → wall time (null before the map is in). */
  wallAt: (seconds: number) => number | null;
  points: readonly TrackPoint[];
}

export function TrackOverlay({ video: videoRef, wallAt, points }: Props) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const video = videoRef.current;
    const canvas = canvasRef.current;
    if (!video || !canvas) return;
    let frame = 0;
    const draw = (): void => {
      const w = video.clientWidth;
      const h = video.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
      }
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const wall = wallAt(video.currentTime);
      const shown = wall === null ? null : boxAt(points, wall);
      canvas.dataset.at = wall === null ? '' : String(Math.round(wall));
      if (!shown) {
        canvas.dataset.box = '';
        return;
      }
      const r = toElement(shown.box, pictureRect(w, h, video.videoWidth, video.videoHeight));
      // what is drawn, for tests and assistive tooling: element pixels, rounded
      canvas.dataset.box = [r.x, r.y, r.width, r.height].map((v) => Math.round(v)).join(',');
      canvas.dataset.label = shown.label;
      const colour = labelColor(shown.label);
      ctx.lineWidth = 3;
      ctx.strokeStyle = colour;
      ctx.strokeRect(r.x, r.y, r.width, r.height);
      const text = t('trackOverlay.box', { label: labelName(shown.label), score: Math.round(shown.score * 100) });
      ctx.font = '600 12px system-ui, sans-serif';
      const tw = ctx.measureText(text).width + 8;
      const ty = r.y >= 18 ? r.y - 18 : r.y;
      ctx.fillStyle = colour;
      ctx.fillRect(r.x - 1.5, ty, tw, 18);
      ctx.fillStyle = '#000';
      ctx.fillText(text, r.x + 2.5, ty + 13);
    };
    // every frame while it plays (the video's own frame clock where there is one), once on each seek or pause
    const loop = (): void => {
      draw();
      if (video.paused || video.ended) return;
      frame = video.requestVideoFrameCallback ? video.requestVideoFrameCallback(loop) : requestAnimationFrame(loop);
    };
    const stop = (): void => {
      if (video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(frame);
      cancelAnimationFrame(frame);
    };
    const onPlay = (): void => {
      stop();
      loop();
    };
    const events = ['play', 'seeked', 'pause', 'loadeddata', 'timeupdate'] as const;
    for (const e of events) video.addEventListener(e, e === 'play' ? onPlay : draw);
    const ro = new ResizeObserver(draw);
    ro.observe(video);
    draw();
    if (!video.paused) loop();
    return () => {
      stop();
      ro.disconnect();
      for (const e of events) video.removeEventListener(e, e === 'play' ? onPlay : draw);
    };
  }, [videoRef, wallAt, points, t, labelName]);
  return <canvas ref={canvasRef} className="track-overlay" aria-hidden="true" data-testid="track-overlay" />;
}
