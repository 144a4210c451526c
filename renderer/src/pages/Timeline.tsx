// Timeline: recorded spans and events per camera for a day, zoom from 24 h to 1 min, scrub, play, select a range to export.
import type { Camera, Span } from '@common/contract/index.js';
import type { MarkerBucket, MarkerEvent } from '@common/contract/timeline.js';
import { keepPreviousData } from '@tanstack/react-query';
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { EvidenceHoldControl } from '../components/EvidenceHold.js';
import { ExportPanel } from '../components/ExportPanel.js';
import { RecordedPlayer } from '../components/RecordedPlayer.js';
import { SyncedPlayer, type SyncedPlayerHandle } from '../components/SyncedPlayer.js';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { callOrThrow, CallError, useCall, useClient, useTopic } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import { labelColor, mediaUrl } from '../lib/media.js';
import { MAX_SYNCED } from '../lib/sync-clock.js';
import { dayKey, hourMinute, localDay, parseDayKey, ticksIn, timeOfDay, useViewerZone } from '../lib/zone.js';
import {
  adjacentEvent,
  bucketAlpha,
  centredOn,
  fetchWindow,
  pan,
  selection,
  spansInView,
  timeToX,
  WINDOW_BUCKETS,
  xToTime,
  zoomAt,
  type Interval,
  type View,
} from '../lib/timeline.js';

const ROW_H = 34;
/** Up to this many events in the fetched window are drawn one by one, each with its tooltip; a busier window is drawn grouped. */
const MAX_EVENT_MARKERS = 1000;
/** New segments arrive every 10 s per camera: the recorded spans are refreshed at most this often. */
const SPANS_REFRESH_MS = 5_000;

function byCamera<T extends { cameraId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.cameraId);
    if (list) list.push(item);
    else out.set(item.cameraId, [item]);
  }
  return out;
}

const NONE: never[] = [];

export function TimelinePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const cameras = useCall('cameras.list', {});
  const list = cameras.data ?? [];
  const zone = useViewerZone();
  const day = parseDayKey(params.get('day'), zone);
  const initialT = Number(params.get('t')) || (day === undefined ? Date.now() - 60_000 : Math.min(day + localDay(day, zone).span - 1000, Date.now() - 60_000));
  const [selected, setSelected] = useState<string | undefined>(params.get('camera') ?? undefined);
  const cameraId = selected ?? list[0]?.id;
  const [view, setView] = useState<View>(() => (params.get('t') ? centredOn(initialT, 600_000) : localDay(day ?? Date.now(), zone)));
  const [playhead, setPlayhead] = useState<number>(initialT);
  const [playFrom, setPlayFrom] = useState<number | null>(params.get('t') ? initialT : null);
  const [range, setRange] = useState<Interval | null>(null);
  const [width, setWidth] = useState(1000);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);
  const barRef = useRef<HTMLDivElement>(null);
  const videoBox = useRef<HTMLDivElement>(null);
  const synced = useRef<SyncedPlayerHandle>(null);
  // cameras played together from the playhead (`together=a,b` in the address), up to MAX_SYNCED
  const together = useMemo(() => (params.get('together') ?? '').split(',').filter(Boolean).slice(0, MAX_SYNCED), [params]);
  const setTogether = (ids: string[]) =>
    setParams((p) => {
      if (ids.length) p.set('together', ids.join(','));
      else p.delete('together');
      return p;
    }, { replace: true });

  const client = useClient();
  const [jumpError, setJumpError] = useState<CallError | null>(null);

  // data for the visible window plus a span either side, refetched only when the view nears its edge (see fetchWindow)
  const [win, setWin] = useState<Interval>(() => fetchWindow(view));
  const nextWin = fetchWindow(view, win);
  if (nextWin !== win) setWin(nextWin);
  // every event in the window: one by one when there are few, per-camera buckets when it is busy (never a truncated page);
  // asked for first, as it is the quicker of the two, and each layer draws as soon as its data is in
  const markers = useCall(
    'timeline.markers',
    { after: win.start, before: win.end, falsePositive: false, maxEvents: MAX_EVENT_MARKERS, buckets: WINDOW_BUCKETS },
    { placeholderData: keepPreviousData },
  );
  const spans = useCall('recordings.spans', { after: win.start, before: win.end }, { enabled: list.length > 0, placeholderData: keepPreviousData });
  const lastRefresh = useRef(0);
  const { refetch: refetchSpans } = spans;
  const refresh = useCallback(() => {
    if (Date.now() - lastRefresh.current < SPANS_REFRESH_MS) return;
    lastRefresh.current = Date.now();
    void refetchSpans();
  }, [refetchSpans]);
  useTopic('segment.new', refresh);

  useLayoutEffect(() => {
    const el = barRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
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

  const markerEvents = markers.data?.events ?? null;
  const eventsByCamera = useMemo(() => byCamera(markerEvents ?? NONE), [markerEvents]);
  const bucketsByCamera = useMemo(() => byCamera(markers.data?.buckets ?? NONE), [markers.data]);
  const spansByCamera = useMemo(() => byCamera(spans.data ?? NONE), [spans.data]);
  const camEvents = (cameraId && eventsByCamera.get(cameraId)) || NONE;
  const markersReady = cameras.isSuccess && markers.isSuccess && !markers.isPlaceholderData;
  const ready = markersReady && spans.isSuccess && !spans.isPlaceholderData;

  // named milestones once the window's event markers, then everything, are on screen (the rows' canvases draw in their
  // layout effects, which run before this one)
  useLayoutEffect(() => {
    if (markersReady && markers.data) {
      performance.mark('timeline:markers-drawn', { detail: { after: win.start, before: win.end, total: markers.data.total, grouped: markers.data.events === null } });
    }
  }, [markersReady, win, markers.data]);
  useLayoutEffect(() => {
    if (ready) performance.mark('timeline:drawn', { detail: { after: win.start, before: win.end } });
  }, [ready, win]);

  /** The selected camera's next or previous event: from the window when it is listed there, else from the engine. */
  const jump = async (dir: 1 | -1, recentre: boolean) => {
    if (!cameraId) return;
    let ev: { start: number } | null | undefined = markerEvents && playhead >= win.start && playhead < win.end ? adjacentEvent(camEvents, playhead, dir) : undefined;
    if (ev && ev.start < win.start) ev = undefined;
    if (!ev) {
      try {
        ev = await callOrThrow(client, 'timeline.adjacentEvent', { cameraId, t: Math.round(playhead), direction: dir === 1 ? 'next' : 'previous' });
      } catch (err) {
        setJumpError(err instanceof CallError ? err : new CallError({ code: 'internal', message: String(err) }));
        return;
      }
      setJumpError(null);
    }
    if (!ev) return;
    const t = ev.start;
    seek(t);
    if (recentre || t < view.start || t > view.start + view.span) setView((x) => centredOn(t, x.span));
  };

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
      if (synced.current) synced.current.toggle();
      else if (v) void (v.paused ? v.play() : v.pause());
    } else if (key === 'arrowleft') seek(playhead - step);
    else if (key === 'arrowright') seek(playhead + step);
    else if (key === 'j') {
      if (v) v.playbackRate = Math.max(0.25, v.playbackRate / 2);
    } else if (key === 'l') {
      if (v) v.playbackRate = Math.min(16, v.playbackRate * 2);
    } else if (key === '+' || key === '=') setView((x) => zoomAt(x, 0.5, playhead));
    else if (key === '-') setView((x) => zoomAt(x, 2, playhead));
    else if (key === '[' || key === ']') void jump(key === ']' ? 1 : -1, true);
    else return;
    e.preventDefault();
  };

  const cameraName = list.find((c) => c.id === cameraId)?.name ?? '';
  const togetherCameras = useMemo(() => together.flatMap((id) => list.filter((c) => c.id === id).map((c) => ({ id: c.id, name: c.name }))), [together, list]);
  const tickMarks = useMemo(() => ticksIn(view, width, zone), [view, width, zone]);

  if (cameras.isSuccess && list.length === 0) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">{t('timeline.title')}</h1>
        <div className="empty-state">{t('timeline.noCamera')}</div>
      </section>
    );
  }

  return (
    <section aria-labelledby="page-title" onKeyDown={onKey}>
      <header className="page-header">
        <h1 id="page-title">{t('timeline.title')}</h1>
        <div className="row">
          <input
            type="date"
            aria-label={t('timeline.day')}
            value={dayKey(view.start + view.span / 2, zone)}
            onChange={(e) => {
              const start = parseDayKey(e.target.value, zone);
              if (start !== undefined) setView(localDay(start, zone));
            }}
          />
          <button type="button" onClick={() => setView((v) => zoomAt(v, 0.5, playhead))} aria-label={t('timeline.zoomIn')}>
            +
          </button>
          <button type="button" onClick={() => setView((v) => zoomAt(v, 2, playhead))} aria-label={t('timeline.zoomOut')}>
            −
          </button>
          <button type="button" onClick={() => setView(localDay(playhead, zone))}>
            {t('timeline.wholeDay')}
          </button>
          <button type="button" onClick={() => void jump(-1, false)} aria-label={t('timeline.previousEvent')}>
            {t('timeline.previousEventShort')}
          </button>
          <button type="button" onClick={() => void jump(1, false)} aria-label={t('timeline.nextEvent')}>
            {t('timeline.nextEventShort')}
          </button>
          <button type="button" onClick={() => setRange({ start: playhead - 30_000, end: playhead + 30_000 })}>
            {t('timeline.selectMinute')}
          </button>
        </div>
      </header>
      <ErrorText error={spans.error ?? markers.error ?? jumpError} />

      <div ref={videoBox} className="timeline-player">
        {playFrom !== null && togetherCameras.length >= 2 ? (
          <SyncedPlayer ref={synced} cameras={togetherCameras} start={playFrom} onTime={setPlayhead} />
        ) : cameraId && playFrom !== null ? (
          <RecordedPlayer cameraId={cameraId} start={playFrom} label={cameraName} onTime={setPlayhead} />
        ) : (
          <div className="empty-state">{t('timeline.hint')}</div>
        )}
      </div>
      <p className="muted small" aria-live="polite">
        {togetherCameras.length >= 2 ? togetherCameras.map((c) => c.name).join(', ') : cameraName} · {when(playhead)}
      </p>
      {list.length >= 2 && (
        <fieldset className="together">
          <legend>{t('timeline.together', { max: MAX_SYNCED })}</legend>
          {list.map((c) => {
            const on = together.includes(c.id);
            return (
              <label key={c.id} className="check">
                <input
                  type="checkbox"
                  checked={on}
                  disabled={!on && together.length >= MAX_SYNCED}
                  onChange={() => setTogether(on ? together.filter((x) => x !== c.id) : [...together, c.id])}
                />
                {c.name}
              </label>
            );
          })}
        </fieldset>
      )}

      <div
        ref={barRef}
        className="timeline"
        role="slider"
        tabIndex={0}
        aria-label={t('timeline.slider')}
        aria-valuemin={view.start}
        aria-valuemax={view.start + view.span}
        aria-valuenow={Math.round(playhead)}
        aria-valuetext={timeOfDay(playhead, zone)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onWheel={onWheel}
        data-testid="timeline"
        data-ready={ready}
        data-markers-ready={markersReady}
        data-markers={markers.data ? (markers.data.events ? 'events' : 'grouped') : undefined}
        data-event-count={markers.data?.total}
      >
        <div className="ticks">
          {tickMarks.map((t) => (
            <span key={t} style={{ left: timeToX(t, view, width) }}>
              {hourMinute(t, zone)}
            </span>
          ))}
        </div>
        {list.map((cam) => (
          <TimelineRow
            key={cam.id}
            camera={cam}
            current={cam.id === cameraId}
            spans={spansByCamera.get(cam.id) ?? NONE}
            events={eventsByCamera.get(cam.id) ?? NONE}
            buckets={bucketsByCamera.get(cam.id) ?? NONE}
            view={view}
            width={width}
            onSelect={setSelected}
          />
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
      {range && cameraId && (
        <div className="card">
          <EvidenceHoldControl target={{ cameraId, range }} />
        </div>
      )}
    </section>
  );
}

interface RowProps {
  camera: Camera;
  current: boolean;
  spans: readonly Span[];
  events: readonly MarkerEvent[];
  buckets: readonly MarkerBucket[];
  view: View;
  width: number;
  onSelect: (cameraId: string) => void;
}

/**
 * One camera's row: recorded spans, and its events as markers with a tooltip each, or, for a busy window, grouped on a canvas
 * (thousands of DOM nodes would not draw in time). Memoised so hovering and playback do not redraw every row.
 */
const TimelineRow = memo(function TimelineRow({ camera, current, spans, events, buckets, view, width, onSelect }: RowProps) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(ROW_H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, ROW_H);
    for (const b of spansInView(buckets, view, width, 3)) {
      ctx.globalAlpha = bucketAlpha(b.count);
      ctx.fillStyle = labelColor(b.label);
      ctx.fillRect(b.x, 6, b.w, 22);
    }
  }, [buckets, view, width]);
  const now = Date.now();
  const grouped = buckets.reduce((n, b) => n + b.count, 0);
  return (
    <div className={`timeline-row ${current ? 'current' : ''}`} style={{ height: ROW_H }} onPointerDown={() => onSelect(camera.id)} aria-label={camera.name}>
      <span className="row-name">{camera.name}</span>
      {spansInView(spans, view, width).map((s) => (
        <span key={s.start} className="span-bar" style={{ left: s.x, width: s.w }} />
      ))}
      {buckets.length > 0 && (
        <canvas
          ref={canvasRef}
          className="marker-canvas"
          style={{ width, height: ROW_H }}
          role="img"
          aria-label={t('timeline.grouped', { count: grouped, camera: camera.name })}
          data-testid="marker-canvas"
        />
      )}
      {spansInView(
        events.map((e) => ({ ...e, end: e.end ?? now })),
        view,
        width,
        4,
      ).map((e) => (
        <span
          key={e.id}
          className="event-marker"
          style={{ left: e.x, width: e.w, background: labelColor(e.label) }}
          title={t('timeline.marker', { label: labelName(e.label), time: clock(e.start) })}
          data-testid="event-marker"
          data-event-id={e.id}
        />
      ))}
    </div>
  );
});
