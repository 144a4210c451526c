// Motion search: draw a box on a camera's picture, pick a span, and list the moments something moved inside it — the
// answer to "the detector missed it". The engine scans the recordings (stored motion first, decoding where there is
// none) as a job: its progress and moments show while it runs, and it can be cancelled. Each moment opens in the timeline.
import type { MotionScan, ScanMoment } from '@common/contract/index.js';
import { SCAN_MAX_MS } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { clock } from '../lib/format.js';

type Rect = { x1: number; y1: number; x2: number; y2: number };
const SPANS = [
  { hours: 5 / 60, key: 'last5m' },
  { hours: 0.25, key: 'last15m' },
  { hours: 1, key: 'lastHour' },
  { hours: 6, key: 'last6h' },
  { hours: 24, key: 'lastDay' },
  { hours: 168, key: 'lastWeek' },
] as const;
const clamp = (v: number): number => Math.min(1, Math.max(0, v));
const pct = (v: number): string => `${Math.round(v * 100)}%`;

/** What the page shows: a scan (running or ended), or a longer span read from stored motion alone. */
type Shown = { kind: 'scan'; id: string } | { kind: 'stored'; moments: ScanMoment[]; truncated: boolean; span: [number, number]; cameraId: string };

export function MotionSearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const cameras = useCall('cameras.list', {});
  const list = cameras.data ?? [];
  // by default a camera that detects: it stored its movement while it watched, and its picture is the live one
  const cameraId = params.get('camera') ?? (list.find((c) => c.enabled && c.detect.enabled) ?? list.find((c) => c.enabled) ?? list[0])?.id ?? '';
  const camera = list.find((c) => c.id === cameraId);
  // a camera that is off has no current picture; its recordings and stored movement can still be searched
  const still = useCall('cameras.still', { id: cameraId }, { enabled: camera?.enabled === true, staleTime: Infinity, retry: false, refetchOnWindowFocus: false });
  const [rect, setRect] = useState<Rect>({ x1: 0.25, y1: 0.4, x2: 0.75, y2: 0.95 });
  const [hours, setHours] = useState(1);
  const [confirm, setConfirm] = useState(true);
  const [shown, setShown] = useState<Shown | null>(null);
  const start = useAction('motion.scanStart');
  const cancel = useAction('motion.scanCancel');
  const stored = useAction('motion.search');
  const qc = useQueryClient();
  // the caller's latest scan: the one just started, or one still running from before the page was opened
  const scanId = shown?.kind === 'scan' ? shown.id : undefined;
  const status = useCall('motion.scanStatus', scanId ? { id: scanId } : {}, {
    enabled: shown === null || shown.kind === 'scan',
    refetchInterval: (q) => (q.state.data?.state === 'running' ? 1000 : false),
  });
  const scan: MotionScan | null = shown?.kind === 'stored' ? null : (status.data ?? null);
  const running = scan?.state === 'running';
  const onProgress = useCallback(
    (p: { id: string }) => {
      if (p.id === scan?.id) void qc.invalidateQueries({ queryKey: ['motion.scanStatus'] });
    },
    [qc, scan?.id],
  );
  useTopic('motion.progress', onProgress);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const names = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c.name])), [cameras.data]);

  const at = (e: ReactPointerEvent): { x: number; y: number } => {
    const r = box.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
  };
  const onDown = (e: ReactPointerEvent) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = at(e);
    setRect({ x1: drag.current.x, y1: drag.current.y, x2: drag.current.x, y2: drag.current.y });
  };
  const onMove = (e: ReactPointerEvent) => {
    if (!drag.current) return;
    const p = at(e);
    setRect({ x1: Math.min(drag.current.x, p.x), y1: Math.min(drag.current.y, p.y), x2: Math.max(drag.current.x, p.x), y2: Math.max(drag.current.y, p.y) });
  };
  const onUp = () => {
    drag.current = null;
  };

  const run = () => {
    const before = Date.now();
    const after = before - hours * 3600_000;
    const region: Array<[number, number]> = [
      [rect.x1, rect.y1],
      [rect.x2, rect.y1],
      [rect.x2, rect.y2],
      [rect.x1, rect.y2],
    ];
    if (before - after > SCAN_MAX_MS) {
      // longer than one scan may decode: the movement stored while watching answers alone
      stored.mutate(
        { cameraId, region, after, before },
        {
          onSuccess: (r) =>
            setShown({ kind: 'stored', cameraId, span: [after, before], truncated: r.truncated, moments: r.moments.map((m) => ({ start: m.start, end: m.end, peak: 0, peakAt: m.start, sources: ['stored'] })) }),
        },
      );
      return;
    }
    start.mutate(
      { cameraId, region, after, before, confirm },
      {
        onSuccess: (s) => {
          qc.setQueryData(['motion.scanStatus', { id: s.id }], s);
          setShown({ kind: 'scan', id: s.id });
        },
      },
    );
  };

  const edge = (key: keyof Rect, label: string) => (
    <label>
      {label}
      <input
        type="number"
        min={0}
        max={100}
        value={Math.round(rect[key] * 100)}
        onChange={(e) => setRect((r) => ({ ...r, [key]: clamp(Number(e.target.value) / 100) }))}
        aria-label={t('motionSearch.edgeLabel', { edge: label })}
      />
    </label>
  );

  const result = shown?.kind === 'stored' ? shown : scan ? { moments: scan.moments, truncated: scan.truncated, span: [scan.after, scan.before] as [number, number], cameraId: scan.cameraId } : null;
  const heading = (n: number): string => (n === 0 ? (running ? t('motionSearch.scanning') : t('motionSearch.nothing')) : t('motionSearch.moments', { count: n }));

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('motionSearch.title')}</h1>
      <p className="small muted">{t('motionSearch.intro')}</p>
      <div className="row">
        <label>
          {t('motionSearch.camera')}
          <select value={cameraId} onChange={(e) => setParams({ camera: e.target.value }, { replace: true })}>
            {(cameras.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('motionSearch.span')}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {SPANS.map((s) => (
              <option key={s.hours} value={s.hours}>
                {t(`motionSearch.${s.key}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} disabled={hours * 3600_000 > SCAN_MAX_MS} /> {t('motionSearch.confirm')}
        </label>
        <button
          type="button"
          className="primary"
          onClick={run}
          disabled={!cameraId || running || start.isPending || stored.isPending || rect.x2 - rect.x1 < 0.01 || rect.y2 - rect.y1 < 0.01}
        >
          {t('motionSearch.search')}
        </button>
        {running && (
          <button type="button" onClick={() => cancel.mutate({ id: scan.id }, { onSuccess: (s) => qc.setQueryData(['motion.scanStatus', { id: s.id }], s) })} disabled={cancel.isPending}>
            {t('motionSearch.cancel')}
          </button>
        )}
      </div>
      {hours * 3600_000 > SCAN_MAX_MS && <p className="small muted">{t('motionSearch.storedOnly')}</p>}
      <ErrorText error={cameras.error ?? still.error ?? start.error ?? stored.error ?? cancel.error ?? status.error} />
      {cameraId && (
        <div
          ref={box}
          className="motion-canvas"
          style={{ aspectRatio: still.data ? `${still.data.width} / ${still.data.height}` : '16 / 9' }}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          data-testid="motion-canvas"
        >
          {still.data && <img src={`data:image/jpeg;base64,${still.data.jpeg}`} alt={t('motionSearch.pictureAlt', { name: names.get(cameraId) ?? cameraId })} draggable={false} />}
          {camera && !camera.enabled && <p className="motion-off">{t('motionSearch.cameraOff')}</p>}
          <div className="motion-rect" style={{ left: pct(rect.x1), top: pct(rect.y1), width: pct(rect.x2 - rect.x1), height: pct(rect.y2 - rect.y1) }} aria-hidden="true" />
        </div>
      )}
      <fieldset className="row">
        <legend>{t('motionSearch.region')}</legend>
        {edge('x1', t('motionSearch.left'))}
        {edge('y1', t('motionSearch.top'))}
        {edge('x2', t('motionSearch.right'))}
        {edge('y2', t('motionSearch.bottom'))}
      </fieldset>
      {result && (
        <div className="card section" aria-labelledby="moments-title">
          <h2 id="moments-title">{heading(result.moments.length)}</h2>
          <p className="small muted">
            {t('motionSearch.spanRange', { from: clock(result.span[0]), to: clock(result.span[1]) })}
            {result.truncated ? t('motionSearch.truncated') : ''}
            {result.cameraId !== cameraId ? ` · ${names.get(result.cameraId) ?? result.cameraId}` : ''}
          </p>
          {scan && (
            <div className="motion-progress" data-testid="motion-progress">
              <progress max={Math.max(1, scan.segmentsTotal)} value={scan.segmentsTotal === 0 ? 1 : scan.segmentsDone} aria-label={t('motionSearch.progressLabel')} />{' '}
              <span className="small">
                {t('motionSearch.progress', { done: scan.segmentsDone, total: scan.segmentsTotal })} · {t('motionSearch.work', { decoded: scan.decoded, skipped: scan.skipped })}
                {scan.unreadable > 0 ? ` · ${t('motionSearch.unreadable', { count: scan.unreadable })}` : ''}
              </span>
              {scan.state === 'cancelled' && <p className="small">{t('motionSearch.cancelled')}</p>}
              {scan.state === 'failed' && <p className="small error">{t('motionSearch.failed', { error: scan.error ?? '' })}</p>}
            </div>
          )}
          <ul className="moments" aria-label={t('motionSearch.momentsList')}>
            {result.moments.map((m) => (
              <li key={m.start} data-testid="motion-moment">
                {t('motionSearch.momentLine', { from: clock(m.start), to: clock(m.end), seconds: Math.round((m.end - m.start) / 1000) })}
                {m.peak > 0 ? ` · ${t('motionSearch.peak', { percent: Math.max(1, Math.round(m.peak * 100)) })}` : ''}
                {' · '}
                {m.sources.includes('decoded') ? t('motionSearch.fromRecording') : t('motionSearch.fromStored')}{' '}
                <Link to={`/timeline?t=${m.start}&camera=${encodeURIComponent(result.cameraId)}`}>{t('motionSearch.play')}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
