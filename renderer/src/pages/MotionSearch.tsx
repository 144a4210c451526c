// Motion search: draw a box on a camera's picture, pick a span, and list the moments something moved inside it — the
// answer to "the detector missed it". Each moment opens in the timeline at that time.
import type { MotionMoment } from '@common/contract/index.js';
import { useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useCall } from '../lib/api.js';
import { clock } from '../lib/format.js';

type Rect = { x1: number; y1: number; x2: number; y2: number };
const SPANS = [
  { hours: 5 / 60, label: 'Last 5 minutes' },
  { hours: 0.25, label: 'Last 15 minutes' },
  { hours: 1, label: 'Last hour' },
  { hours: 6, label: 'Last 6 hours' },
  { hours: 24, label: 'Last day' },
  { hours: 168, label: 'Last week' },
];
const clamp = (v: number): number => Math.min(1, Math.max(0, v));
const pct = (v: number): string => `${Math.round(v * 100)}%`;

export function MotionSearchPage() {
  const [params, setParams] = useSearchParams();
  const cameras = useCall('cameras.list', {});
  const list = cameras.data ?? [];
  const cameraId = params.get('camera') ?? (list.find((c) => c.enabled) ?? list[0])?.id ?? '';
  const camera = list.find((c) => c.id === cameraId);
  // a camera that is off has no current picture; its stored movement can still be searched
  const still = useCall('cameras.still', { id: cameraId }, { enabled: camera?.enabled === true, staleTime: Infinity, retry: false, refetchOnWindowFocus: false });
  const [rect, setRect] = useState<Rect>({ x1: 0.25, y1: 0.4, x2: 0.75, y2: 0.95 });
  const [hours, setHours] = useState(1);
  const search = useAction('motion.search');
  const [result, setResult] = useState<{ moments: MotionMoment[]; truncated: boolean; span: [number, number] } | null>(null);
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
    search.mutate({ cameraId, region, after, before }, { onSuccess: (r) => setResult({ moments: r.moments, truncated: r.truncated, span: [after, before] }) });
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
        aria-label={`${label} (% of the picture)`}
      />
    </label>
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Motion search</h1>
      <p className="small muted">Draw a box where something should have moved, pick a span, and search: the moments are read from the movement Porchlight stored while it watched.</p>
      <div className="row">
        <label>
          Camera
          <select value={cameraId} onChange={(e) => setParams({ camera: e.target.value }, { replace: true })}>
            {(cameras.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Span
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {SPANS.map((s) => (
              <option key={s.hours} value={s.hours}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={run} disabled={!cameraId || search.isPending || rect.x2 - rect.x1 < 0.01 || rect.y2 - rect.y1 < 0.01}>
          Search
        </button>
      </div>
      <ErrorText error={cameras.error ?? still.error ?? search.error} />
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
          {still.data && <img src={`data:image/jpeg;base64,${still.data.jpeg}`} alt={`The picture of ${names.get(cameraId) ?? cameraId}`} draggable={false} />}
          {camera && !camera.enabled && <p className="motion-off">This camera is off: there is no picture to draw on, but what it saw can still be searched.</p>}
          <div className="motion-rect" style={{ left: pct(rect.x1), top: pct(rect.y1), width: pct(rect.x2 - rect.x1), height: pct(rect.y2 - rect.y1) }} aria-hidden="true" />
        </div>
      )}
      <fieldset className="row">
        <legend>Region (or drag on the picture)</legend>
        {edge('x1', 'Left')}
        {edge('y1', 'Top')}
        {edge('x2', 'Right')}
        {edge('y2', 'Bottom')}
      </fieldset>
      {result && (
        <div className="card section" aria-labelledby="moments-title">
          <h2 id="moments-title">
            {result.moments.length === 0 ? 'Nothing moved there' : `${result.moments.length} moment${result.moments.length === 1 ? '' : 's'} with movement`}
          </h2>
          <p className="small muted">
            {clock(result.span[0])} to {clock(result.span[1])}
            {result.truncated ? ' · more than shown: narrow the span' : ''}
          </p>
          <ul className="moments" aria-label="Moments">
            {result.moments.map((m) => (
              <li key={m.start} data-testid="motion-moment">
                {clock(m.start)} – {clock(m.end)} ({Math.round((m.end - m.start) / 1000)} s){' '}
                <Link to={`/timeline?t=${m.start}&camera=${encodeURIComponent(cameraId)}`}>Play</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
