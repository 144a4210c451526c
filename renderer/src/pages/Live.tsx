// Live: the cameras in a grid (1, 4, 9 or 16 a page), all or a group of them, with state and a highlight while a person is
// seen; one camera full size. The layout, groups, group and page are remembered in this browser.
import type { EventDto } from '@common/contract/index.js';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DemoOffer } from '../components/DemoOffer.js';
import { LivePlayer } from '../components/LivePlayer.js';
import { StateBadge } from '../components/StateBadge.js';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { useCameraStates } from '../lib/live-state.js';
import { deleteGroup, LAYOUTS, loadPrefs, pageOf, saveGroup, savePrefs, type LiveGroup, type LivePrefs } from '../lib/live-layout.js';

/** Cameras with an event in progress, by label, updated as events start and end. */
function useActiveEvents(): Map<string, Set<string>> {
  const [active, setActive] = useState(new Map<string, Map<string, string>>());
  const onEvent = useCallback((e: EventDto) => {
    setActive((prev) => {
      const next = new Map(prev);
      const cam = new Map(next.get(e.cameraId) ?? []);
      if (e.end === null && !e.falsePositive) cam.set(e.id, e.label);
      else cam.delete(e.id);
      next.set(e.cameraId, cam);
      return next;
    });
  }, []);
  useTopic('event.changed', onEvent);
  return new Map([...active].map(([cam, evs]) => [cam, new Set(evs.values())]));
}

export function LivePage() {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const cameras = useCall('cameras.list', {});
  const states = useCameraStates();
  const active = useActiveEvents();
  const [prefs, setPrefsState] = useState<LivePrefs>(loadPrefs);
  const setPrefs = (p: LivePrefs) => {
    setPrefsState(p);
    savePrefs(p);
  };
  const [editing, setEditing] = useState<LiveGroup | null>(null);
  const layout = prefs.layout;
  const navigate = useNavigate();
  const { cameraId } = useParams();
  const list = cameras.data ?? [];

  if (cameraId) {
    const cam = list.find((c) => c.id === cameraId);
    if (!cam) return <ErrorText error={cameras.error ?? (cameras.isSuccess ? new Error(t('live.noSuchCamera')) : null)} />;
    return (
      <section aria-labelledby="page-title">
        <header className="page-header">
          <h1 id="page-title">{cam.name}</h1>
          <div className="row">
            <StateBadge state={states.get(cam.id)} />
            <Link to="/live">{t('live.backToAll')}</Link>
          </div>
        </header>
        <div className="tile tile-single" id="single-tile">
          <LivePlayer cameraId={cam.id} label={cam.name} view="full" />
        </div>
        <div className="row" style={{ marginTop: 12 }}>
          <button type="button" onClick={() => void document.getElementById('single-tile')?.requestFullscreen()}>
            {t('live.fullScreen')}
          </button>
          {cam.onvif?.ptz && <PtzControls cameraId={cam.id} />}
        </div>
      </section>
    );
  }

  const { shown, pages, page } = pageOf(list, prefs);
  const cols = Math.sqrt(layout);
  const current = prefs.groups.find((g) => g.id === prefs.group);
  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{t('live.title')}</h1>
        <div className="row" role="group" aria-label={t('live.layout')}>
          {LAYOUTS.map((n) => (
            <button key={n} type="button" aria-pressed={layout === n} className={layout === n ? 'selected' : ''} onClick={() => setPrefs({ ...prefs, layout: n, page: 0 })}>
              {n === 1 ? '1' : `${Math.sqrt(n)}×${Math.sqrt(n)}`}
            </button>
          ))}
        </div>
      </header>
      <ErrorText error={cameras.error} />
      {list.length > 0 && (
        <div className="row live-bar">
          <label>
            {t('live.group')}
            <select value={prefs.group ?? ''} onChange={(e) => setPrefs({ ...prefs, group: e.target.value || null, page: 0 })}>
              <option value="">{t('live.allCameras')}</option>
              {prefs.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setEditing({ id: `g${Date.now().toString(36)}`, name: '', cameraIds: [] })}>
            {t('live.newGroup')}
          </button>
          {current && (
            <>
              <button type="button" onClick={() => setEditing(current)}>
                {t('live.editGroup')}
              </button>
              <button type="button" className="danger" onClick={() => setPrefs(deleteGroup(prefs, current.id))}>
                {t('live.deleteGroup')}
              </button>
            </>
          )}
          {pages > 1 && (
            <div className="row" role="group" aria-label={t('live.pages')}>
              <button type="button" disabled={page === 0} onClick={() => setPrefs({ ...prefs, page: page - 1 })}>
                {t('live.previousPage')}
              </button>
              <span data-testid="live-page">
                {t('live.pageOf', { page: page + 1, pages })}
              </span>
              <button type="button" disabled={page >= pages - 1} onClick={() => setPrefs({ ...prefs, page: page + 1 })}>
                {t('live.nextPage')}
              </button>
            </div>
          )}
        </div>
      )}
      {editing && (
        <GroupEditor
          group={editing}
          cameras={list}
          onCancel={() => setEditing(null)}
          onSave={(g) => {
            setPrefs(saveGroup(prefs, g));
            setEditing(null);
          }}
        />
      )}
      {cameras.isSuccess && list.length === 0 && (
        <div className="empty-state">
          <h2>{t('live.welcome')}</h2>
          <p>{t('live.welcomeBody')}</p>
          <DemoOffer>
            <Link className="button" to="/cameras">
              {t('live.addCamera')}
            </Link>
          </DemoOffer>
        </div>
      )}
      <div className="grid" style={{ gridTemplateColumns: `repeat(${cols}, 1fr)` }}>
        {shown.map((cam) => {
          const labels = active.get(cam.id);
          const person = labels?.has('person');
          return (
            <article
              key={cam.id}
              className={`tile ${person ? 'tile-alert' : ''}`}
              aria-label={cam.name}
              data-testid="live-tile"
              tabIndex={0}
              onDoubleClick={() => void navigate(`/live/${cam.id}`)}
              onKeyDown={(e) => e.key === 'Enter' && void navigate(`/live/${cam.id}`)}
            >
              <LivePlayer cameraId={cam.id} label={cam.name} view="grid" />
              <div className="tile-bar">
                <Link to={`/live/${cam.id}`} className="tile-name">
                  {cam.name}
                </Link>
                {labels && labels.size > 0 && <span className="tile-detected">{t('live.detected', { labels: [...labels].map(labelName).join(', ') })}</span>}
                <StateBadge state={states.get(cam.id)} />
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}

function GroupEditor({ group, cameras, onSave, onCancel }: { group: LiveGroup; cameras: readonly { id: string; name: string }[]; onSave: (g: LiveGroup) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(group.name);
  const [ids, setIds] = useState(group.cameraIds);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => setError(null), [name, ids]);
  return (
    <form
      className="card section"
      aria-label={t('live.groupForm')}
      onSubmit={(e) => {
        e.preventDefault();
        try {
          onSave({ ...group, name, cameraIds: ids });
        } catch (err) {
          setError(err as Error);
        }
      }}
    >
      <label>
        {t('live.groupName')}
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} required />
      </label>
      <fieldset className="together">
        <legend>{t('live.groupCameras')}</legend>
        {cameras.map((c) => (
          <label key={c.id} className="check">
            <input type="checkbox" checked={ids.includes(c.id)} onChange={() => setIds(ids.includes(c.id) ? ids.filter((x) => x !== c.id) : [...ids, c.id])} />
            {c.name}
          </label>
        ))}
      </fieldset>
      <ErrorText error={error} />
      <div className="row">
        <button type="submit">{t('live.saveGroup')}</button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function PtzControls({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const ptz = useAction('cameras.ptz');
  const move = (x: number, y: number, zoom = 0) => ptz.mutate({ id: cameraId, action: 'move', x, y, zoom });
  const stop = () => ptz.mutate({ id: cameraId, action: 'stop' });
  const btn = (label: string, x: number, y: number, zoom = 0) => (
    <button type="button" aria-label={label} onPointerDown={() => move(x, y, zoom)} onPointerUp={stop} onKeyDown={(e) => e.key === 'Enter' && move(x, y, zoom)} onKeyUp={stop}>
      {label}
    </button>
  );
  return (
    <div className="row" role="group" aria-label={t('live.ptz')}>
      {btn(t('live.left'), -0.5, 0)}
      {btn(t('live.up'), 0, 0.5)}
      {btn(t('live.down'), 0, -0.5)}
      {btn(t('live.right'), 0.5, 0)}
      {btn(t('live.zoomIn'), 0, 0, 0.5)}
      {btn(t('live.zoomOut'), 0, 0, -0.5)}
      <ErrorText error={ptz.error} />
      <PtzPresets cameraId={cameraId} />
    </div>
  );
}

/** Go to one of the camera's presets, or save where it points now as a new one. */
function PtzPresets({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const presets = useCall('cameras.ptzPresets', { id: cameraId });
  const go = useAction('cameras.ptz');
  const save = useAction('cameras.ptzSavePreset', ['cameras.ptzPresets']);
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  const list = presets.data ?? [];
  const token = chosen || list[0]?.token || '';
  return (
    <div className="row" role="group" aria-label={t('live.presets')}>
      <label>
        {t('live.preset')}
        <select value={token} onChange={(e) => setChosen(e.target.value)} disabled={list.length === 0}>
          {list.map((p) => (
            <option key={p.token} value={p.token}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!token || go.isPending} onClick={() => go.mutate({ id: cameraId, action: 'preset', preset: token })}>
        {t('live.goToPreset')}
      </button>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(
            { id: cameraId, name },
            {
              onSuccess: (p) => {
                setChosen(p.token);
                setName('');
              },
            },
          );
        }}
      >
        <label>
          {t('live.newPresetName')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} required />
        </label>
        <button type="submit" disabled={save.isPending}>
          {t('live.savePreset')}
        </button>
      </form>
      <ErrorText error={presets.error ?? go.error ?? save.error} />
    </div>
  );
}
