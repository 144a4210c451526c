// Review: what happened, as items to work through — alerts, detections, motion — with filters in the URL, keyboard
// triage (j/k to move, space to mark reviewed, e to keep, f for a false alarm, Enter to open) and mark-all.
import type { ReviewItem } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { useAction, useCall, useClient, useThrottledRefresh, useTopic } from '../lib/api.js';
import { ago, clock } from '../lib/format.js';
import { eventSnapshot, labelColor } from '../lib/media.js';
import { filtersFromUrl, filtersToUrl, REVIEW_KINDS, SPANS_HOURS, toggle, toQuery, type ReviewFilters } from '../lib/review-url.js';
import { keepCursor, keyToAction, triage, type TriageEffect, type TriageKey } from '../lib/triage.js';

/** Whether a key event comes from an item's own triage buttons (they answer as buttons do, space included). */
const inActions = (target: EventTarget): boolean => target instanceof HTMLElement && target.closest('.review-actions') !== null;

/** Each kind's name as a filter (plural) and on an item (singular). */
const KIND_TEXT = { alert: 'review.alerts', detection: 'review.detections', motion: 'review.motion' } as const;
const KIND_ONE = { alert: 'review.alert', detection: 'review.detection', motion: 'review.motionOne' } as const;
const COMMON_LABELS = ['person', 'car', 'truck', 'bicycle', 'dog', 'cat', 'motion'];

/** The caller's unreviewed count, kept fresh as events arrive and items are reviewed (navigation badge, title). */
/** enabled: false for a viewer without "view recordings" (the count is theirs to see only with it). */
export function useUnreviewedCount(enabled = true): number | undefined {
  const counts = useCall('review.counts', {}, { refetchInterval: 60_000, enabled });
  const refresh = useThrottledRefresh('review.counts');
  useTopic('review.changed', refresh);
  useTopic('event.changed', refresh);
  return counts.data?.total;
}

export function ReviewPage() {
  const { t, i18n } = useTranslation();
  const labelName = useLabelName();
  const [params, setParams] = useSearchParams();
  // the filters answer a click at once; the URL follows (and back/forward or a pasted link lead them)
  const [filters, setLocalFilters] = useState<ReviewFilters>(() => filtersFromUrl(params));
  const urlKey = params.toString();
  useEffect(() => {
    const fromUrl = filtersFromUrl(new URLSearchParams(urlKey));
    setLocalFilters((f) => (filtersToUrl(f).toString() === filtersToUrl(fromUrl).toString() ? f : fromUrl));
  }, [urlKey]);
  const setFilters = (f: ReviewFilters) => {
    setLocalFilters(f);
    setParams(filtersToUrl(f), { replace: true });
  };
  // the window is anchored when the filters change, so paging through does not shift under the cursor
  const anchor = useMemo(() => Date.now(), [filters]);
  const query = useMemo(() => toQuery(filters, anchor), [filters, anchor]);
  const qc = useQueryClient();
  const client = useClient();
  const navigate = useNavigate();
  const review = useCall('review.list', query);
  const cameras = useCall('cameras.list', {});
  const names = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c.name])), [cameras.data]);
  const markAll = useAction('review.markAll', ['review.list', 'review.counts']);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const items = useMemo(() => review.data?.items ?? [], [review.data]);
  const previous = useRef<ReviewItem[]>([]);
  const refresh = useThrottledRefresh('review.list');
  useTopic('event.changed', refresh);
  useTopic('review.changed', refresh);
  // a camera added or renamed elsewhere shows by its name, and in the filters
  const refreshCameras = useCallback(() => void qc.invalidateQueries({ queryKey: ['cameras.list'] }), [qc]);
  useTopic('camera.changed', refreshCameras);

  useEffect(() => {
    setCursor((c) => keepCursor(previous.current, items, c));
    previous.current = items;
  }, [items]);
  // an item from a camera this page does not know yet (added since it loaded): fetch the cameras again
  const unknownCamera = cameras.isSuccess && items.some((it) => !names.has(it.cameraId));
  useEffect(() => {
    if (unknownCamera) refreshCameras();
  }, [unknownCamera, refreshCameras]);

  const run = useCallback(
    async (effect: TriageEffect) => {
      setError(null);
      try {
        if (effect.kind === 'open') return void navigate(`/events/${effect.eventId}`);
        const ok = (r: { ok: true } | { ok: false; error: { message: string } }): void => {
          if (!r.ok) throw new Error(r.error.message);
        };
        if (effect.kind === 'keep') for (const id of effect.eventIds) ok(await client.call('events.keep', { id, keep: true }));
        if (effect.kind === 'falseAlarm') {
          // a false alarm teaches the camera from the event's look; one without a picture is only dismissed
          for (const id of effect.eventIds) {
            const taught = await client.call('events.feedback', { id, verdict: 'false_alarm' });
            if (!taught.ok) ok(await client.call('events.markFalsePositive', { id, falsePositive: true }));
          }
        }
        ok(await client.call('review.mark', { eventIds: effect.eventIds, reviewed: effect.kind === 'mark' ? effect.reviewed : true }));
      } catch (err) {
        setError(err as Error);
      }
      await Promise.all(['review.list', 'review.counts'].map((m) => qc.invalidateQueries({ queryKey: [m] })));
    },
    [client, navigate, qc],
  );

  // one triage step on the item `at`: from a key press (the cursor's item) or an item's own button (touch, mouse)
  const act = (action: TriageKey, at: string | null) => {
    const next = triage(items, { cursor: at }, action);
    setCursor(next.state.cursor);
    if (next.effect) void run(next.effect);
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.altKey || e.ctrlKey || e.metaKey) return;
    // the item's own buttons answer their clicks; keys still move and triage from the card
    if (inActions(e.target)) return;
    const action = keyToAction(e.key);
    if (!action) return;
    e.preventDefault();
    act(action, cursor);
  };
  const itemLabel = (it: ReviewItem): string =>
    t(it.reviewed ? 'review.itemReviewed' : 'review.item', { kind: t(KIND_ONE[it.kind]), labels: it.labels.map(labelName).join(', '), camera: names.get(it.cameraId) ?? it.cameraId, ago: ago(it.start, i18n.language) });

  useEffect(() => {
    if (cursor) document.getElementById(`review-${cursor}`)?.focus({ preventScroll: false });
  }, [cursor]);

  const labels = useMemo(() => [...new Set([...COMMON_LABELS, ...filters.labels])], [filters.labels]);

  return (
    // a space press is triage, not a click on the focused card (buttons activate on key-up)
    <section aria-labelledby="page-title" className="review" onKeyDown={onKey} onKeyUp={(e) => e.key === ' ' && !inActions(e.target) && e.preventDefault()}>
      <header className="page-header">
        <h1 id="page-title">{t('review.title')}</h1>
        <button
          type="button"
          onClick={() => markAll.mutate({ ...(query.cameras ? { cameras: query.cameras } : {}), ...(query.labels ? { labels: query.labels } : {}), ...(query.kinds ? { kinds: query.kinds } : {}), after: query.after })}
          disabled={markAll.isPending || items.every((i) => i.reviewed)}
        >
          {t('review.markAll')}
        </button>
      </header>
      <div className="review-filters" role="group" aria-label={t('review.filters')}>
        <fieldset>
          <legend>{t('review.kind')}</legend>
          {REVIEW_KINDS.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" checked={filters.kinds.includes(k)} onChange={() => setFilters({ ...filters, kinds: toggle(filters.kinds, k) })} />
              {t(KIND_TEXT[k])}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('review.cameras')}</legend>
          {(cameras.data ?? []).map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={filters.cameras.includes(c.id)} onChange={() => setFilters({ ...filters, cameras: toggle(filters.cameras, c.id) })} />
              {c.name}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('review.labels')}</legend>
          {labels.map((l) => (
            <label key={l} className="check">
              <input type="checkbox" checked={filters.labels.includes(l)} onChange={() => setFilters({ ...filters, labels: toggle(filters.labels, l) })} />
              {labelName(l)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('review.when')}</legend>
          <label>
            <span className="sr-only">{t('review.span')}</span>
            <select value={filters.hours} onChange={(e) => setFilters({ ...filters, hours: Number(e.target.value) })} aria-label={t('review.span')}>
              {SPANS_HOURS.map((h) => (
                <option key={h} value={h}>
                  {h < 24 ? t('review.lastHours', { count: h }) : t('review.lastDays', { count: h / 24 })}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.showReviewed} onChange={() => setFilters({ ...filters, showReviewed: !filters.showReviewed })} />
            {t('review.showReviewed')}
          </label>
        </fieldset>
      </div>
      <p className="small muted">{t('review.keys')}</p>
      <ErrorText error={review.error ?? markAll.error ?? error} />
      {review.isSuccess && items.length === 0 && (
        <div className="empty-state">{filters.showReviewed ? t('review.nothing') : t('review.caughtUp')}</div>
      )}
      <ul className="review-list" aria-label={t('review.items')}>
        {items.map((it) => (
          <li key={it.id}>
            <button
              type="button"
              id={`review-${it.id}`}
              className={`review-item kind-${it.kind} ${it.reviewed ? 'reviewed' : ''} ${cursor === it.id ? 'current' : ''}`}
              aria-current={cursor === it.id ? 'true' : undefined}
              data-testid="review-item"
              data-kind={it.kind}
              data-reviewed={it.reviewed}
              onFocus={() => setCursor(it.id)}
              onClick={() => void navigate(`/events/${it.coverEventId}`)}
              aria-label={itemLabel(it)}
            >
              <img src={eventSnapshot({ cameraId: it.cameraId, id: it.coverEventId }, true)} alt="" loading="lazy" />
              <span className="review-meta">
                <span className={`kind-chip kind-${it.kind}`}>{t(KIND_ONE[it.kind])}</span>
                {it.labels.map((l) => (
                  <span key={l} className="label-chip" style={{ background: labelColor(l) }}>
                    {labelName(l)}
                  </span>
                ))}
                <span className="event-camera">{names.get(it.cameraId) ?? it.cameraId}</span>
                <span className="muted">
                  {clock(it.start)}
                  {it.eventIds.length > 1 ? ` · ${t('review.objects', { count: it.eventIds.length })}` : ''}
                </span>
                {it.end === null && <span className="live-dot" title={t('review.inProgress')} />}
              </span>
            </button>
            <div className="review-actions" role="group" aria-label={t('triage.actionsFor', { item: itemLabel(it) })}>
              {!it.reviewed && (
                <button type="button" onClick={() => act('mark', it.id)}>
                  {t('triage.reviewed')}
                </button>
              )}
              <button type="button" onClick={() => act('keep', it.id)}>
                {t('triage.keep')}
              </button>
              <button type="button" onClick={() => act('falseAlarm', it.id)}>
                {t('triage.falseAlarm')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {review.data?.more && <p className="small">{t('review.more')}</p>}
    </section>
  );
}
