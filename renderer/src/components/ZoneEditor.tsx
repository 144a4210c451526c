// Zones and masks drawn on the camera's own picture: drag points with the mouse, or move them with the keyboard.
import type { Camera, CameraZone, Polygon } from '@common/contract/index.js';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { LABEL_COLORS } from '../lib/media.js';
import { arrowDelta, insertNearest, keyStep, labelAnchor, movePoint, nudgePoint, removePoint, splitEdge, starterRect, toNormalised } from '../lib/polygon.js';
import { ErrorText } from './ErrorText.js';

export type ShapeKind = 'zone' | 'motion' | 'objects' | 'privacy';

export interface Shape {
  kind: ShapeKind;
  name: string;
  labels: string[];
  polygon: Polygon;
}

const KINDS: ShapeKind[] = ['zone', 'motion', 'objects', 'privacy'];

/** What to fix before the shapes can be saved. */
export type ShapeProblem = { kind: 'unnamed' } | { kind: 'duplicate'; name: string };

const LABELS = Object.keys(LABEL_COLORS);

export function shapesOf(camera: Pick<Camera, 'zones' | 'masks'>): Shape[] {
  return [
    ...camera.zones.map((z): Shape => ({ kind: 'zone', name: z.name, labels: [...z.labels], polygon: z.polygon })),
    ...camera.masks.motion.map((polygon): Shape => ({ kind: 'motion', name: '', labels: [], polygon })),
    ...camera.masks.objects.map((polygon): Shape => ({ kind: 'objects', name: '', labels: [], polygon })),
    ...camera.masks.privacy.map((polygon): Shape => ({ kind: 'privacy', name: '', labels: [], polygon })),
  ];
}

/** The shapes as the camera stores them, or what to fix first. */
export function toCameraShapes(shapes: readonly Shape[]): { zones: CameraZone[]; masks: Camera['masks'] } | { problem: ShapeProblem } {
  const zones = shapes.filter((s) => s.kind === 'zone');
  const names = zones.map((z) => z.name.trim());
  if (names.some((n) => n === '')) return { problem: { kind: 'unnamed' } };
  const dup = names.find((n, i) => names.findIndex((m) => m.toLowerCase() === n.toLowerCase()) !== i);
  if (dup) return { problem: { kind: 'duplicate', name: dup } };
  return {
    zones: zones.map((z) => ({ name: z.name.trim(), labels: z.labels, polygon: z.polygon })),
    masks: {
      motion: shapes.filter((s) => s.kind === 'motion').map((s) => s.polygon),
      objects: shapes.filter((s) => s.kind === 'objects').map((s) => s.polygon),
      privacy: shapes.filter((s) => s.kind === 'privacy').map((s) => s.polygon),
    },
  };
}

const problemText = (p: ShapeProblem, t: TFunction): string => (p.kind === 'unnamed' ? t('zoneEditor.problemUnnamed') : t('zoneEditor.problemDuplicate', { name: p.name }));

function shapeTitle(s: Shape, i: number, shapes: readonly Shape[], t: TFunction): string {
  if (s.kind === 'zone') return s.name.trim() || t('zoneEditor.unnamedZone');
  const number = shapes.slice(0, i + 1).filter((o) => o.kind === s.kind).length;
  return t(`zoneEditor.numbered_${s.kind}`, { number });
}

const pct = (v: number): string => `${Math.round(v * 100)}%`;

export function ZoneEditor({ camera, onDone }: { camera: Camera; onDone: () => void }) {
  const { t } = useTranslation();
  const still = useCall('cameras.still', { id: camera.id }, { staleTime: Infinity, gcTime: 0, retry: false, refetchOnWindowFocus: false });
  const save = useAction('cameras.upsert', ['cameras.list', 'cameras.get']);
  const [shapes, setShapes] = useState<Shape[]>(() => shapesOf(camera));
  const [selected, setSelected] = useState(shapes.length > 0 ? 0 : -1);
  const [problem, setProblem] = useState<ShapeProblem | null>(null);
  const [focusPoint, setFocusPoint] = useState<number | null>(null);
  const dragging = useRef<number | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const points = useRef(new Map<number, SVGCircleElement>());

  // the picture's own proportions; the camera's detection size until the still arrives
  const w = still.data?.width ?? camera.detect.width;
  const h = still.data?.height ?? camera.detect.height;
  const current = shapes[selected];

  useEffect(() => {
    if (focusPoint === null) return;
    points.current.get(focusPoint)?.focus();
    setFocusPoint(null);
  }, [focusPoint, shapes]);

  const update = (i: number, change: Partial<Shape>) => setShapes((all) => all.map((s, k) => (k === i ? { ...s, ...change } : s)));
  const setPolygon = (polygon: Polygon) => update(selected, { polygon });

  const add = (kind: ShapeKind) => {
    const zonesSoFar = shapes.filter((s) => s.kind === 'zone').length;
    const next: Shape = { kind, name: kind === 'zone' ? t('zoneEditor.defaultZoneName', { number: zonesSoFar + 1 }) : '', labels: kind === 'zone' ? ['person'] : [], polygon: starterRect(shapes.length) };
    setShapes([...shapes, next]);
    setSelected(shapes.length);
  };

  const remove = (i: number) => {
    setShapes(shapes.filter((_, k) => k !== i));
    setSelected(shapes.length > 1 ? Math.max(0, Math.min(selected, shapes.length - 2)) : -1);
  };

  const at = (e: PointerEvent) => toNormalised(e.clientX, e.clientY, svg.current!.getBoundingClientRect());

  const onPointKey = (e: KeyboardEvent, i: number) => {
    if (!current) return;
    const d = arrowDelta(e.key, keyStep(e));
    if (d) setPolygon(nudgePoint(current.polygon, i, d[0], d[1]));
    else if (e.key === 'Delete' || e.key === 'Backspace') {
      setPolygon(removePoint(current.polygon, i));
      setFocusPoint(Math.max(0, i - 1));
    } else if (e.key === '+' || e.key === 'Insert') {
      setPolygon(splitEdge(current.polygon, i));
      setFocusPoint(i + 1);
    } else return;
    e.preventDefault();
  };

  const submit = async () => {
    const out = toCameraShapes(shapes);
    if ('problem' in out) return setProblem(out.problem);
    setProblem(null);
    await save.mutateAsync({ id: camera.id, name: camera.name, enabled: camera.enabled, recordMode: camera.recordMode, streams: camera.streams, detect: camera.detect, zones: out.zones, masks: out.masks });
    onDone();
  };

  return (
    <section className="card zone-editor" aria-labelledby="zone-editor-title">
      <h2 id="zone-editor-title">{t('zoneEditor.title', { name: camera.name })}</h2>
      <p className="muted small">{t('zoneEditor.intro')}</p>
      <div className="row" role="toolbar" aria-label={t('zoneEditor.addShape')}>
        {KINDS.map((k) => (
          <button key={k} type="button" onClick={() => add(k)}>
            {t(`zoneEditor.add_${k}`)}
          </button>
        ))}
        <button type="button" onClick={() => void still.refetch()} disabled={still.isFetching}>
          {still.isFetching ? t('zoneEditor.gettingPicture') : t('zoneEditor.newPicture')}
        </button>
      </div>
      <ErrorText error={still.error} />
      <div className="zone-layout">
        <div className="zone-canvas" style={{ aspectRatio: `${w} / ${h}` }}>
          {still.data && <img src={`data:image/jpeg;base64,${still.data.jpeg}`} alt={t('zoneEditor.pictureAlt', { name: camera.name })} draggable={false} />}
          <svg
            ref={svg}
            viewBox={`0 0 ${w} ${h}`}
            preserveAspectRatio="none"
            data-testid="zone-canvas"
            onPointerDown={(e) => {
              // a click on the picture adds a point to the selected shape's nearest edge
              if (e.target !== e.currentTarget || !current) return;
              const r = insertNearest(current.polygon, at(e), w / h);
              if (r.index >= 0) setPolygon(r.polygon);
            }}
            onPointerMove={(e) => {
              if (dragging.current === null || !current) return;
              setPolygon(movePoint(current.polygon, dragging.current, at(e)));
            }}
            onPointerUp={() => (dragging.current = null)}
            onPointerCancel={() => (dragging.current = null)}
          >
            {shapes.map((s, i) => {
              const [lx, ly] = labelAnchor(s.polygon);
              return (
                <g
                  key={i}
                  className={`shape shape-${s.kind}${i === selected ? ' selected' : ''}`}
                  onPointerDown={() => i !== selected && setSelected(i)}
                  data-keyboard-alternative="the Edit button of each shape in the list"
                >
                  <polygon points={s.polygon.map(([x, y]) => `${x * w},${y * h}`).join(' ')} vectorEffect="non-scaling-stroke" />
                  <text x={lx * w} y={ly * h} fontSize={Math.max(12, w / 40)} textAnchor="middle">
                    {shapeTitle(s, i, shapes, t)}
                  </text>
                </g>
              );
            })}
            {current?.polygon.map(([x, y], i) => (
              <circle
                key={i}
                ref={(el) => {
                  if (el) points.current.set(i, el);
                  else points.current.delete(i);
                }}
                className="zone-point"
                cx={x * w}
                cy={y * h}
                r={Math.max(5, w / 90)}
                tabIndex={0}
                role="button"
                aria-label={t('zoneEditor.point', { number: i + 1, shape: shapeTitle(current, selected, shapes, t), x: pct(x), y: pct(y) })}
                onKeyDown={(e) => onPointKey(e, i)}
                onPointerDown={(e) => {
                  e.stopPropagation();
                  svg.current?.setPointerCapture?.(e.pointerId);
                  dragging.current = i;
                }}
              />
            ))}
          </svg>
        </div>
        <ul className="shape-list" aria-label={t('zoneEditor.list')}>
          {shapes.length === 0 && <li className="muted small">{t('zoneEditor.empty')}</li>}
          {shapes.map((s, i) => (
            <li key={i} className={i === selected ? 'selected' : undefined}>
              <div className="row">
                <button type="button" aria-pressed={i === selected} onClick={() => setSelected(i)}>
                  {t(i === selected ? 'zoneEditor.editing' : 'zoneEditor.edit', { shape: shapeTitle(s, i, shapes, t) })}
                </button>
                <span className="muted small">{t('zoneEditor.points', { count: s.polygon.length })}</span>
                <button type="button" className="danger" onClick={() => remove(i)} aria-label={t('zoneEditor.removeShape', { shape: shapeTitle(s, i, shapes, t) })}>
                  {t('zoneEditor.remove')}
                </button>
              </div>
              {s.kind === 'zone' && (
                <>
                  <label>
                    {t('zoneEditor.zoneName')}
                    <input value={s.name} maxLength={64} onChange={(e) => update(i, { name: e.target.value })} />
                  </label>
                  <fieldset className="label-picks">
                    <legend className="small">{t('zoneEditor.counts')}</legend>
                    {LABELS.map((l) => (
                      <label key={l} className="checkbox small">
                        <input
                          type="checkbox"
                          checked={s.labels.includes(l)}
                          onChange={(e) => update(i, { labels: e.target.checked ? [...s.labels, l] : s.labels.filter((x) => x !== l) })}
                        />
                        {l}
                      </label>
                    ))}
                  </fieldset>
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      {problem && (
        <p role="alert" className="error">
          {problemText(problem, t)}
        </p>
      )}
      <ErrorText error={save.error} />
      <div className="row">
        <button type="button" className="primary" onClick={() => void submit().catch(() => undefined)} disabled={save.isPending}>
          {t('zoneEditor.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </section>
  );
}
