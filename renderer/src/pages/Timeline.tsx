// Timeline: recorded spans and events per camera for a day, zoom from 24 h to 1 min, scrub, play, select a range to export.
import type { EventDto } from '@common/contract/index.js';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { ExportPanel } from '../components/ExportPanel.js';
import { RecordedPlayer } from '../components/RecordedPlayer.js';
import { useCall, useTopic } from '../lib/api.js';
import { clock } from '../lib/format.js';
import { labelColor, mediaUrl } from '../lib/media.js';
import { adjacentEvent, centredOn, pan, selection, spansInView, ticks, timeToX, xToTime, zoomAt, type Interval, type View } from '../lib/timeline.js';

const ROW_H = 34;
const DAY = 86_400_000;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function TimelinePage() {
  const [params, setParams] = useSearchParams();
  const cameras = useCall('cameras.list', {});
  const list = cameras.data ?? [];
  const initialT = Number(params.get('t')) || Date.now() - 60_000;
  const [selected, setSelected] = useState<string | undefined>(params.get('camera') ?? undefined);
  const cameraId = selected ?? list[0]?.id;
  const [view, setView] = useState<View>(() => (params.get('t') ? centredOn(initialT, 600_000) : { start: startOfDay(Date.now()), span: DAY }));
  const [playhead, setPlayhead] = useState<number>(initialT);
  const [playFrom, setPlayFrom] = useState<number | null>(params.get('t') ? initialT : null);
  const [range, setRange] = useState<Interval | null>(null);
  const [width, setWidth] = useState(1000);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const barRef = useRef<HTMLDivElement>(null);
  const videoBox = useRef<HTMLDivElement>(null);

  // data for the visible window plus a margin, refetched when it moves far enough
  const winStart = Math.floor((view.start - view.span) / 60_000) * 60_000;
  const winEnd = Math.ceil((view.start + 2 * view.span) / 60_000) * 60_000;
  const spans = useCall('recordings.spans', { after: winStart, before: winEnd }, { enabled: list.length > 0 });
  const events = useCall('events.query', { after: winStart, before: winEnd, limit: 500, falsePositive: false });
  const refresh = useCallback(() => void spans.refetch(), [spans]);
  useTopic('segment.new', refresh);

  useEffect(() => {
    const el = barRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const seek = useCallback(
    (t: number) => {
      setPlayhead(t);
      setPlayFrom(t);
      setParams((p) => {
        p.set('t', String(Math.round(t)));
        if (cameraId) p.set('camera', cameraId);
        return p;
      }, { replace: true });
    },
    [cameraId, setParams],
  );

  const evs: EventDto[] = events.data?.items ?? [];
  const camEvents = evs.filter((e) => e.cameraId === cameraId);

  const dragging = useRef<{ x: number; view: View; moved: boolean; select: boolean; t0: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
    const rect = e.currentTarget.getBoundingClientRect();
    dragging.current = { x: e.clientX, view, moved: false, select: e.shiftKey, t0: xToTime(e.clientX - rect.left, view, width) };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover({ x: e.clientX - rect.left, t: xToTime(e.clientX - rect.left, view, width) });
    const d = dragging.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3) d.moved = true;
    if (d.select) setRange(selection(d.t0, xToTime(e.clientX - rect.left, view, width)));
    else if (d.moved) setView(pan(d.view, dx, width));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const d = dragging.current;
    dragging.current = null;
    if (d && !d.moved && !d.select) {
      const rect = e.currentTarget.getBoundingClientRect();
      seek(xToTime(e.clientX - rect.left, view, width));
    }
  };
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setView((v) => zoomAt(v, e.deltaY > 0 ? 1.25 : 0.8, xToTime(e.clientX - rect.left, v, width)));
  };

  const video = () => videoBox.current?.querySelector('video');
  const onKey = (e: KeyboardEvent) => {
    const v = video();
    const step = e.shiftKey ? 60_000 : 10_000;
    const key = e.key.toLowerCase();
    if (key === ' ' || key === 'k') {
      e.preventDefault();
      if (v) void (v.paused ? v.play() : v.pause());
    } else if (key === 'arrowleft') seek(playhead - step);
    else if (key === 'arrowright') seek(playhead + step);
    else if (key === 'j') {
      if (v) v.playbackRate = Math.max(0.25, v.playbackRate / 2);
    } else if (key === 'l') {
      if (v) v.playbackRate = Math.min(16, v.playbackRate * 2);
    } else if (key === '+' || key === '=') setView((x) => zoomAt(x, 0.5, playhead));
    else if (key === '-') setView((x) => zoomAt(x, 2, playhead));
    else if (key === '[' || key === ']') {
      const ev = adjacentEvent(camEvents, playhead, key === ']' ? 1 : -1);
      if (ev) {
        seek(ev.start);
        setView((x) => centredOn(ev.start, x.span));
      }
    } else return;
    e.preventDefault();
  };

  const cameraName = list.find((c) => c.id === cameraId)?.name ?? '';
  const tickMarks = useMemo(() => ticks(view, width), [view, width]);

  if (cameras.isSuccess && list.length === 0) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Timeline</h1>
        <div className="empty-state">Add a camera; its recordings and events appear here.</div>
      </section>
    );
  }

  return (
    <section aria-labelledby="page-title" onKeyDown={onKey}>
      <header className="page-header">
        <h1 id="page-title">Timeline</h1>
        <div className="row">
          <input
            type="date"
            aria-label="Day"
            value={new Date(view.start + view.span / 2 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10)}
            onChange={(e) => {
              const [y, m, d] = e.target.value.split('-').map(Number);
              if (y && m && d) setView({ start: new Date(y, m - 1, d).getTime(), span: DAY });
            }}
          />
          <button type="button" onClick={() => setView((v) => zoomAt(v, 0.5, playhead))} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => setView((v) => zoomAt(v, 2, playhead))} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => setView({ start: startOfDay(playhead), span: DAY })}>
            Whole day
          </button>
          <button type="button" onClick={() => seek(adjacentEvent(camEvents, playhead, -1)?.start ?? playhead)} aria-label="Previous event">
            ◀ Event
          </button>
          <button type="button" onClick={() => seek(adjacentEvent(camEvents, playhead, 1)?.start ?? playhead)} aria-label="Next event">
            Event ▶
          </button>
          <button type="button" onClick={() => setRange({ start: playhead - 30_000, end: playhead + 30_000 })}>
            Select 1 minute here
          </button>
        </div>
      </header>
      <ErrorText error={spans.error ?? events.error} />

      <div ref={videoBox} className="timeline-player">
        {cameraId && playFrom !== null ? (
          <RecordedPlayer cameraId={cameraId} start={playFrom} label={cameraName} onTime={setPlayhead} />
        ) : (
          <div className="empty-state">Click the timeline to play from that moment. Shift-drag to select a range to export.</div>
        )}
      </div>
      <p className="muted small" aria-live="polite">
        {cameraName} · {new Date(playhead).toLocaleString()}
      </p>

      <div
        ref={barRef}
        className="timeline"
        role="slider"
        tabIndex={0}
        aria-label="Timeline: arrows move 10 s (shift: 1 min), space plays or pauses, J/L slower/faster, [ and ] jump between events, + and − zoom"
        aria-valuemin={view.start}
        aria-valuemax={view.start + view.span}
        aria-valuenow={Math.round(playhead)}
        aria-valuetext={new Date(playhead).toLocaleTimeString()}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onWheel={onWheel}
        data-testid="timeline"
      >
        <div className="ticks">
          {tickMarks.map((t) => (
            <span key={t} style={{ left: timeToX(t, view, width) }}>
              {new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
            </span>
          ))}
        </div>
        {list.map((cam) => (
          <div
            key={cam.id}
            className={`timeline-row ${cam.id === cameraId ? 'current' : ''}`}
            style={{ height: ROW_H }}
            onPointerDown={() => setSelected(cam.id)}
            aria-label={cam.name}
          >
            <span className="row-name">{cam.name}</span>
            {spansInView((spans.data ?? []).filter((s) => s.cameraId === cam.id), view, width).map((s) => (
              <span key={s.start} className="span-bar" style={{ left: s.x, width: s.w }} />
            ))}
            {spansInView(
              evs.filter((e) => e.cameraId === cam.id).map((e) => ({ ...e, end: e.end ?? Date.now() })),
              view,
              width,
              4,
            ).map((e) => (
              <span
                key={e.id}
                className="event-marker"
                style={{ left: e.x, width: e.w, background: labelColor(e.label) }}
                title={`${e.label} at ${clock(e.start)}`}
                data-testid="event-marker"
                data-event-id={e.id}
              />
            ))}
          </div>
        ))}
        {range && <div className="range" style={{ left: timeToX(range.start, view, width), width: timeToX(range.end, view, width) - timeToX(range.start, view, width) }} />}
        <div className="playhead" style={{ left: timeToX(playhead, view, width) }} />
        {hover && cameraId && (
          <div className="hover-thumb" style={{ left: Math.min(width - 250, Math.max(0, hover.x - 120)) }}>
            <img src={mediaUrl(`frame/${encodeURIComponent(cameraId)}?t=${Math.round(hover.t / 5000) * 5000}`)} alt="" onError={(e) => (e.currentTarget.style.visibility = 'hidden')} onLoad={(e) => (e.currentTarget.style.visibility = 'visible')} />
            <span>{clock(hover.t)}</span>
          </div>
        )}
      </div>
      {range && cameraId && <ExportPanel cameraIds={[cameraId]} range={range} onClear={() => setRange(null)} />}
    </section>
  );
}
