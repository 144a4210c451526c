// Events: thumbnails of what the cameras saw, filtered, virtualised, live; a detail view with the box, the clip and actions.
import type { EventDto, EventPage, EventQuery } from '@common/contract/index.js';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ErrorText } from '../components/ErrorText.js';
import { EvidenceHoldControl } from '../components/EvidenceHold.js';
import { RecordedPlayer } from '../components/RecordedPlayer.js';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { callOrThrow, useAction, useCall, useClient, useTopic, type CallError } from '../lib/api.js';
import { ago, clock, when } from '../lib/format.js';
import { eventSnapshot, labelColor } from '../lib/media.js';
import { zoneNames } from '../lib/zones.js';

const LABELS = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird'];
const CARD_W = 240;
const CARD_H = 200;

type Filters = Pick<EventQuery, 'cameras' | 'labels' | 'zones' | 'minScore' | 'keep' | 'falsePositive' | 'after'>;

export function EventsPage() {
  const { t } = useTranslation();
  const { eventId } = useParams();
  const [filters, setFilters] = useState<Filters>({ falsePositive: false });
  const cameras = useCall('cameras.list', {});
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="page-title" className="events-page">
      <header className="page-header">
        <h1 id="page-title">{t('events.title')}</h1>
      </header>
      <EventFilters filters={filters} onChange={setFilters} cameras={cameras.data ?? []} />
      <div className="events-layout">
        <EventGrid filters={filters} names={names} />
        {eventId && <EventDetail id={eventId} names={names} />}
      </div>
    </section>
  );
}

/** A filter drop-down: '' is "no filter", shown as `any`. */
function Choice({ label, value, any, options, onChange }: { label: string; value: string; any: string; options: readonly (string | [string, string])[]; onChange: (v: string) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{any}</option>
        {options.map((o) => {
          const [v, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}

const one = (v: string): string[] | undefined => (v ? [v] : undefined);

function EventFilters({ filters, onChange, cameras }: { filters: Filters; onChange: (f: Filters) => void; cameras: { id: string; name: string; zones: { name: string }[] }[] }) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  // the zones drawn on the chosen camera, or on any camera
  const zones = zoneNames(cameras, filters.cameras);
  return (
    <form className="filters row" aria-label={t('events.filters')} onSubmit={(e) => e.preventDefault()}>
      <Choice label={t('events.camera')} any={t('events.allCameras')} value={filters.cameras?.[0] ?? ''} options={cameras.map((c): [string, string] => [c.id, c.name])} onChange={(v) => set({ cameras: one(v) })} />
      <Choice label={t('events.what')} any={t('events.everything')} value={filters.labels?.[0] ?? ''} options={LABELS.map((l): [string, string] => [l, labelName(l)])} onChange={(v) => set({ labels: one(v) })} />
      {zones.length > 0 && <Choice label={t('events.zone')} any={t('events.anywhere')} value={filters.zones?.[0] ?? ''} options={zones} onChange={(v) => set({ zones: one(v) })} />}
      <Choice
        label={t('events.when')}
        any={t('events.anyTime')}
        value={filters.after ? String(Math.round((Date.now() - filters.after) / 3600_000)) : ''}
        options={[
          ['1', t('events.lastHour')],
          ['24', t('events.last24Hours')],
          ['168', t('events.last7Days')],
        ]}
        onChange={(v) => set({ after: v ? Date.now() - Number(v) * 3600_000 : undefined })}
      />
      <Choice
        label={t('events.minScore')}
        any={t('events.any')}
        value={filters.minScore === undefined ? '' : String(filters.minScore)}
        options={[
          ['0.6', '60%'],
          ['0.7', '70%'],
          ['0.8', '80%'],
        ]}
        onChange={(v) => set({ minScore: v ? Number(v) : undefined })}
      />
      <label className="checkbox">
        <input type="checkbox" checked={filters.keep === true} onChange={(e) => set({ keep: e.target.checked ? true : undefined })} /> {t('events.keptOnly')}
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={filters.falsePositive === undefined} onChange={(e) => set({ falsePositive: e.target.checked ? undefined : false })} /> {t('events.showFalseAlarms')}
      </label>
    </form>
  );
}

function EventGrid({ filters, names }: { filters: Filters; names: Map<string, string> }) {
  const { t } = useTranslation();
  const client = useClient();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const parentRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(960);
  const queryKey = useMemo(() => ['events.query', filters], [filters]);
  const events = useInfiniteQuery<EventPage, CallError>({
    queryKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => callOrThrow(client, 'events.query', { ...filters, limit: 100, cursor: pageParam as string | undefined }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  // New and changed events refresh the first page; older pages stay as they are.
  const onEvent = useCallback(() => void qc.invalidateQueries({ queryKey: ['events.query'], refetchType: 'active' }), [qc]);
  useTopic('event.changed', onEvent);

  const items = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const cols = Math.max(1, Math.floor(width / CARD_W));
  const rows = Math.ceil(items.length / cols);
  const virtual = useVirtualizer({ count: rows + (events.hasNextPage ? 1 : 0), getScrollElement: () => parentRef.current, estimateSize: () => CARD_H, overscan: 4 });
  const open = useCallback((id: string) => void navigate(`/events/${id}`), [navigate]);
  const measure = useCallback((el: HTMLDivElement | null) => {
    parentRef.current = el;
    if (el) setWidth(el.clientWidth);
  }, []);

  const last = virtual.getVirtualItems().at(-1);
  if (last && last.index >= rows - 1 && events.hasNextPage && !events.isFetchingNextPage) void events.fetchNextPage();

  if (events.isSuccess && items.length === 0) {
    return (
      <div className="empty-state events-grid">
        <p>{t('events.empty')}</p>
      </div>
    );
  }
  return (
    <div ref={measure} className="events-grid" role="list" aria-label={t('events.list')} data-testid="events-grid">
      <ErrorText error={events.error} />
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((row) => (
          <div key={row.key} className="event-row" style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
            {items.slice(row.index * cols, row.index * cols + cols).map((e) => (
              <EventCard key={e.id} event={e} camera={names.get(e.cameraId) ?? e.cameraId} onOpen={open} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

/** Memoised: while the list scrolls only the cards entering the view render (props are stable per event). */
const EventCard = memo(function EventCard({ event: e, camera, onOpen }: { event: EventDto; camera: string; onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const labelName = useLabelName();
  const label = labelName(e.label);
  return (
    <button type="button" role="listitem" className={`event-card ${e.falsePositive ? 'fp' : ''}`} onClick={() => onOpen(e.id)} aria-label={t('events.card', { label, camera, ago: ago(e.start, i18n.language) })} data-testid="event-card" data-label={e.label}>
      {e.hasSnapshot ? <img src={eventSnapshot(e, true)} alt="" loading="lazy" /> : <div className="no-snapshot">{t('events.noPicture')}</div>}
      <span className="event-meta">
        <span className="label-chip" style={{ background: labelColor(e.label) }}>
          {label}
        </span>
        <span className="event-camera">{camera}</span>
        <span className="muted">{clock(e.start)}</span>
        {e.end === null && <span className="live-dot" title={t('events.inProgressTitle')} />}
        {e.keep && <span title={t('events.kept')}>★</span>}
      </span>
    </button>
  );
});

function EventDetail({ id, names }: { id: string; names: Map<string, string> }) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const navigate = useNavigate();
  const event = useCall('events.get', { id });
  const track = useCall('events.track', { id });
  const keep = useAction('events.keep', ['events.get', 'events.query']);
  const feedback = useAction('events.feedback', ['events.get', 'events.query', 'learned.list']);
  const del = useAction('events.delete', ['events.query']);
  const e = event.data;
  const label = e ? labelName(e.label) : '';
  const camera = e ? (names.get(e.cameraId) ?? e.cameraId) : '';
  return (
    <aside className="card event-detail" aria-label={t('events.details')}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>{e ? t('events.heading', { label, camera }) : t('events.event')}</h2>
        <button type="button" onClick={() => void navigate('/events')} aria-label={t('events.closeDetails')}>
          {t('events.close')}
        </button>
      </div>
      <ErrorText error={event.error ?? keep.error ?? feedback.error ?? del.error} />
      {e && (
        <>
          {e.hasSnapshot && (
            <div className="snapshot">
              <img src={eventSnapshot(e)} alt={t('events.snapshotAlt', { label, camera })} />
              <div
                className="box"
                style={{
                  left: `${e.box[0] * 100}%`,
                  top: `${e.box[1] * 100}%`,
                  width: `${(e.box[2] - e.box[0]) * 100}%`,
                  height: `${(e.box[3] - e.box[1]) * 100}%`,
                  borderColor: labelColor(e.label),
                }}
              />
            </div>
          )}
          <p>
            {t(e.zones.length > 0 ? 'events.factsZones' : 'events.facts', {
              time: when(e.start),
              duration: e.end ? t('events.seconds', { seconds: Math.round((e.end - e.start) / 1000) }) : t('events.inProgress'),
              score: Math.round(e.topScore * 100),
              zones: e.zones.join(', '),
            })}
          </p>
          {e.quiet && <p className="small muted">{e.quiet === 'stationary' ? t('events.quietStationary') : t('events.quietLearned')}</p>}
          {feedback.isSuccess && <p className="small" role="status">{t('events.learned')}</p>}
          <h3>{t('events.clip')}</h3>
          <RecordedPlayer cameraId={e.cameraId} start={e.start - 5000} end={(e.end ?? Date.now()) + 5000} label={camera} track={track.data?.points} />
          <div className="row">
            <button type="button" onClick={() => keep.mutate({ id: e.id, keep: !e.keep })}>
              {e.keep ? t('events.doNotKeep') : t('events.keepForever')}
            </button>
            <button type="button" disabled={feedback.isPending} aria-pressed={e.falsePositive} onClick={() => feedback.mutate({ id: e.id, verdict: 'false_alarm' })}>
              {t('events.falseAlarm', { label })}
            </button>
            <button type="button" disabled={feedback.isPending} onClick={() => feedback.mutate({ id: e.id, verdict: 'correct' })}>
              {t('events.correct')}
            </button>
            <button type="button" onClick={() => void navigate(`/timeline?camera=${e.cameraId}&t=${e.start}`)}>
              {t('events.showInTimeline')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (window.confirm(t('events.confirmDelete'))) del.mutate({ id: e.id }, { onSuccess: () => void navigate('/events') });
              }}
            >
              {t('events.delete')}
            </button>
          </div>
          <EvidenceHoldControl target={{ eventId: e.id }} />
        </>
      )}
    </aside>
  );
}
