// Cameras: add one by its address with a connection test, change streams and recording mode, draw zones and masks, remove.
import { CameraInputOptions, CameraObjectSettings, defaultRoles, type Camera, type CameraStream, type ProbeResult, type RecordMode } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { Trans } from 'react-i18next';
import { DemoOffer } from '../components/DemoOffer.js';
import { ErrorText } from '../components/ErrorText.js';
import { StateBadge } from '../components/StateBadge.js';
import { ZoneEditor } from '../components/ZoneEditor.js';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { LearnedList } from '../components/LearnedList.js';
import { useCameraStates } from '../lib/live-state.js';
import { DetectionFields, InputFields, PresetFill } from './CameraOptions.js';
import { OnvifDiscovery } from './OnvifDiscovery.js';

const MODES: RecordMode[] = ['continuous', 'events', 'off'];

export function CamerasPage() {
  const { t } = useTranslation();
  const cameras = useCall('cameras.list', {});
  const states = useCameraStates();
  const [editing, setEditing] = useState<Camera | 'new' | null>(null);
  const [zoning, setZoning] = useState<Camera | null>(null);

  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{t('cameras.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('cameras.add')}
        </button>
      </header>
      <ErrorText error={cameras.error} />
      {editing && <CameraForm camera={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />}
      {zoning && <ZoneEditor key={zoning.id} camera={zoning} onDone={() => setZoning(null)} />}
      {cameras.data?.length === 0 && !editing && (
        <div className="empty-state">
          <p>{t('cameras.empty')}</p>
          <DemoOffer>
            <button type="button" onClick={() => setEditing('new')}>
              {t('cameras.addFirst')}
            </button>
          </DemoOffer>
        </div>
      )}
      <OnvifDiscovery />
      <ul className="camera-list" aria-label={t('cameras.list')}>
        {cameras.data?.map((c) => {
          const shapes = c.zones.length + c.masks.motion.length + c.masks.objects.length + c.masks.privacy.length;
          return (
            <li key={c.id} className="card camera-row">
              <div>
                <strong>{c.name}</strong>
                <div className="muted small">{c.streams.map((s) => `${s.name}: ${s.url}`).join(' · ')}</div>
              </div>
              <StateBadge state={states.get(c.id)} />
              <span className="muted small">{t(`cameras.mode_${c.recordMode}`)}</span>
              <button type="button" onClick={() => setZoning(c)} aria-label={t('cameras.zonesOf', { name: c.name })}>
                {shapes > 0 ? t('cameras.zonesWithCount', { shapes }) : t('cameras.zones')}
              </button>
              <button type="button" onClick={() => setEditing(c)} aria-label={t('cameras.editName', { name: c.name })}>
                {t('common.edit')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ProbeSummary({ result }: { result: ProbeResult }) {
  const { t } = useTranslation();
  if (!result.ok)
    return (
      <p role="alert" className="error" data-testid="probe-result">
        {result.message}
      </p>
    );
  return (
    <p role="status" className="ok" data-testid="probe-result">
      {t(result.audio ? 'cameras.connectedAudio' : 'cameras.connected', {
        width: result.width,
        height: result.height,
        codec: result.codec.toUpperCase() === 'H264' ? 'H.264' : result.codec.toUpperCase(),
        fps: Math.round(result.fps * 10) / 10,
        audio: result.audio,
      })}
    </p>
  );
}

function CameraForm({ camera, onDone }: { camera?: Camera; onDone: () => void }) {
  const { t } = useTranslation();
  const main = camera?.streams.find((s) => s.name === 'main');
  const sub = camera?.streams.find((s) => s.name === 'sub');
  const [name, setName] = useState(camera?.name ?? '');
  const [mainUrl, setMainUrl] = useState(main?.url ?? '');
  const [subUrl, setSubUrl] = useState(sub?.url ?? '');
  const [recordMode, setRecordMode] = useState<RecordMode>(camera?.recordMode ?? 'continuous');
  const [detect, setDetect] = useState(camera?.detect.enabled ?? true);
  const [recordAudio, setRecordAudio] = useState(camera?.audio.record ?? true);
  const [input, setInput] = useState<CameraInputOptions>(camera?.input ?? CameraInputOptions.parse({}));
  const [objects, setObjects] = useState<CameraObjectSettings>(camera?.detect.objects ?? CameraObjectSettings.parse({}));
  // empty: the camera follows Settings → Storage
  const [continuousDays, setContinuousDays] = useState(camera?.retention.continuousDays?.toString() ?? '');
  const [eventDays, setEventDays] = useState(camera?.retention.eventDays?.toString() ?? '');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [keepRecordings, setKeepRecordings] = useState(false);
  const settings = useCall('settings.get', {});
  const global = settings.data?.storage;
  const probe = useAction('cameras.probe');
  const health = useCall('system.health', {});
  const motionOnly = health.data?.detector.status === 'motion-only' || !detect;
  const save = useAction('cameras.upsert', ['cameras.list', 'cameras.states']);
  const remove = useAction('cameras.delete', ['cameras.list', 'cameras.states']);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // main records and fills the screen; a sub stream detects and feeds the grid (the engine keeps its shape for detection)
    const roles = defaultRoles(subUrl.trim() !== '');
    const streams: CameraStream[] = [{ name: 'main', url: mainUrl.trim(), roles: roles.main }];
    if (subUrl.trim()) streams.push({ name: 'sub', url: subUrl.trim(), roles: roles.sub });
    const days = (text: string): number | null => (text.trim() === '' ? null : Math.max(0, Math.min(3650, Math.round(Number(text)))));
    const retention = { continuousDays: days(continuousDays), eventDays: days(eventDays) };
    await save.mutateAsync({ id: camera?.id, name: name.trim(), recordMode, streams, detect: { enabled: detect, objects }, audio: { record: recordAudio }, input, retention });
    onDone();
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e).catch(() => undefined)} aria-label={camera ? t('cameras.editName', { name: camera.name }) : t('cameras.add')}>
      <h2>{camera ? t('cameras.editName', { name: camera.name }) : t('cameras.addTitle')}</h2>
      <label>
        {t('cameras.name')}
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder={t('cameras.namePlaceholder')} required maxLength={200} />
      </label>
      <PresetFill
        onFill={(m, s, preset) => {
          setMainUrl(m);
          setSubUrl(s ?? '');
          setInput({ ...input, preset });
        }}
      />
      <label>
        {t('cameras.mainUrl')}
        <input name="mainUrl" value={mainUrl} onChange={(e) => setMainUrl(e.target.value)} placeholder={t('cameras.mainUrlPlaceholder')} required />
      </label>
      <div className="row">
        <button type="button" disabled={!mainUrl || probe.isPending} onClick={() => probe.mutate({ url: mainUrl.trim(), cameraId: camera?.id })}>
          {probe.isPending ? t('cameras.testing') : t('cameras.test')}
        </button>
        {probe.data && <ProbeSummary result={probe.data} />}
        <ErrorText error={probe.error} />
      </div>
      <label>
        {t('cameras.subUrl')}
        <input name="subUrl" value={subUrl} onChange={(e) => setSubUrl(e.target.value)} placeholder={t('cameras.subUrlPlaceholder')} />
      </label>
      <label>
        {t('cameras.recording')}
        <select name="recordMode" value={recordMode} onChange={(e) => setRecordMode(e.target.value as RecordMode)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`cameras.mode_${m}`)}
            </option>
          ))}
        </select>
      </label>
      {recordMode === 'events' && (
        <p className="muted small" data-testid="events-only-hint">
          {motionOnly ? t('cameras.eventsHintMotion') : t('cameras.eventsHintObjects')}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={detect} onChange={(e) => setDetect(e.target.checked)} /> {t('cameras.detect')}
      </label>
      {detect && <DetectionFields value={objects} onChange={setObjects} />}
      <label className="checkbox">
        <input type="checkbox" name="recordAudio" checked={recordAudio} onChange={(e) => setRecordAudio(e.target.checked)} /> {t('cameras.recordAudio')}
      </label>
      <InputFields value={input} onChange={setInput} />
      <fieldset className="row">
        <legend>{t('cameras.retention')}</legend>
        <label>
          {t('cameras.continuous')}
          <input name="continuousDays" type="number" min={0} max={3650} inputMode="numeric" value={continuousDays} onChange={(e) => setContinuousDays(e.target.value)} placeholder={global ? String(global.continuousDays) : ''} />
        </label>
        <label>
          {t('cameras.aroundEvents')}
          <input name="eventDays" type="number" min={0} max={3650} inputMode="numeric" value={eventDays} onChange={(e) => setEventDays(e.target.value)} placeholder={global ? String(global.eventDays) : ''} />
        </label>
      </fieldset>
      <ErrorText error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('cameras.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        {camera && !confirmRemove && (
          <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
            {t('cameras.remove')}
          </button>
        )}
      </div>
      {camera && confirmRemove && (
        <div className="card danger-zone" role="group" aria-label={t('cameras.removeName', { name: camera.name })}>
          <p>
            <Trans t={t} i18nKey="cameras.removeConfirm" components={{ name: <strong>{camera.name}</strong> }} />
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={keepRecordings} onChange={(e) => setKeepRecordings(e.target.checked)} /> {t('cameras.keepRecordings')}
          </label>
          <div className="row">
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => void remove.mutateAsync({ id: camera.id, keepRecordings }).then(onDone).catch(() => undefined)}>
              {keepRecordings ? t('cameras.removeKeepRecordings') : t('cameras.removeWithRecordings')}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              {t('cameras.keepCamera')}
            </button>
          </div>
        </div>
      )}
      {camera && <LearnedList cameraId={camera.id} />}
    </form>
  );
}
