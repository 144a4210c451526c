// Cameras: add one by its address with a connection test, change streams and recording mode, draw zones and masks, remove.
import { CameraInputOptions, CameraObjectSettings, defaultRoles, type Camera, type CameraStream, type ProbeResult, type RecordMode } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { DemoOffer } from '../components/DemoOffer.js';
import { ErrorText } from '../components/ErrorText.js';
import { StateBadge } from '../components/StateBadge.js';
import { ZoneEditor } from '../components/ZoneEditor.js';
import { useAction, useCall } from '../lib/api.js';
import { LearnedList } from '../components/LearnedList.js';
import { useCameraStates } from '../lib/live-state.js';
import { DetectionFields, InputFields, PresetFill } from './CameraOptions.js';
import { OnvifDiscovery } from './OnvifDiscovery.js';

const MODES: { value: RecordMode; label: string }[] = [
  { value: 'continuous', label: 'Record all the time' },
  { value: 'events', label: 'Record only around events' },
  { value: 'off', label: 'Do not record' },
];

export function CamerasPage() {
  const cameras = useCall('cameras.list', {});
  const states = useCameraStates();
  const [editing, setEditing] = useState<Camera | 'new' | null>(null);
  const [zoning, setZoning] = useState<Camera | null>(null);

  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Cameras</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add camera
        </button>
      </header>
      <ErrorText error={cameras.error} />
      {editing && <CameraForm camera={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />}
      {zoning && <ZoneEditor key={zoning.id} camera={zoning} onDone={() => setZoning(null)} />}
      {cameras.data?.length === 0 && !editing && (
        <div className="empty-state">
          <p>No cameras yet. Add one by its RTSP address (your camera's manual or app shows it), for example rtsp://192.168.1.20:554/stream1.</p>
          <DemoOffer>
            <button type="button" onClick={() => setEditing('new')}>
              Add your first camera
            </button>
          </DemoOffer>
        </div>
      )}
      <OnvifDiscovery />
      <ul className="camera-list" aria-label="Cameras">
        {cameras.data?.map((c) => (
          <li key={c.id} className="card camera-row">
            <div>
              <strong>{c.name}</strong>
              <div className="muted small">{c.streams.map((s) => `${s.name}: ${s.url}`).join(' · ')}</div>
            </div>
            <StateBadge state={states.get(c.id)} />
            <span className="muted small">{MODES.find((m) => m.value === c.recordMode)?.label}</span>
            <button type="button" onClick={() => setZoning(c)} aria-label={`Zones and masks of ${c.name}`}>
              Zones and masks{c.zones.length + c.masks.motion.length + c.masks.objects.length + c.masks.privacy.length > 0 ? ` (${c.zones.length + c.masks.motion.length + c.masks.objects.length + c.masks.privacy.length})` : ''}
            </button>
            <button type="button" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
              Edit
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ProbeSummary({ result }: { result: ProbeResult }) {
  if (!result.ok)
    return (
      <p role="alert" className="error" data-testid="probe-result">
        {result.message}
      </p>
    );
  return (
    <p role="status" className="ok" data-testid="probe-result">
      Connected: {result.width}x{result.height} {result.codec.toUpperCase() === 'H264' ? 'H.264' : result.codec.toUpperCase()}, {Math.round(result.fps * 10) / 10} fps
      {result.audio ? `, audio ${result.audio}` : ''}
    </p>
  );
}

function CameraForm({ camera, onDone }: { camera?: Camera; onDone: () => void }) {
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
    <form className="card form" onSubmit={(e) => void submit(e).catch(() => undefined)} aria-label={camera ? `Edit ${camera.name}` : 'Add camera'}>
      <h2>{camera ? `Edit ${camera.name}` : 'Add a camera'}</h2>
      <label>
        Name
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Front door" required maxLength={200} />
      </label>
      <PresetFill
        onFill={(m, s, preset) => {
          setMainUrl(m);
          setSubUrl(s ?? '');
          setInput({ ...input, preset });
        }}
      />
      <label>
        Main stream address
        <input name="mainUrl" value={mainUrl} onChange={(e) => setMainUrl(e.target.value)} placeholder="rtsp://user:password@192.168.1.20:554/stream1" required />
      </label>
      <div className="row">
        <button type="button" disabled={!mainUrl || probe.isPending} onClick={() => probe.mutate({ url: mainUrl.trim(), cameraId: camera?.id })}>
          {probe.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {probe.data && <ProbeSummary result={probe.data} />}
        <ErrorText error={probe.error} />
      </div>
      <label>
        Sub stream address (optional: a smaller stream for detection and the live grid)
        <input name="subUrl" value={subUrl} onChange={(e) => setSubUrl(e.target.value)} placeholder="rtsp://192.168.1.20:554/stream2" />
      </label>
      <label>
        Recording
        <select name="recordMode" value={recordMode} onChange={(e) => setRecordMode(e.target.value as RecordMode)}>
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      {recordMode === 'events' && (
        <p className="muted small" data-testid="events-only-hint">
          {motionOnly
            ? 'With no detection model running (or detection off), events are motion: footage is kept around anything that moves.'
            : 'Footage is kept around detected objects; if no model is running, around motion instead.'}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={detect} onChange={(e) => setDetect(e.target.checked)} /> Detect people, vehicles and animals
      </label>
      {detect && <DetectionFields value={objects} onChange={setObjects} />}
      <label className="checkbox">
        <input type="checkbox" name="recordAudio" checked={recordAudio} onChange={(e) => setRecordAudio(e.target.checked)} /> Record sound (some places do not allow it)
      </label>
      <InputFields value={input} onChange={setInput} />
      <fieldset className="row">
        <legend>Keep this camera’s recordings (days; empty follows Settings → Storage)</legend>
        <label>
          Continuous
          <input name="continuousDays" type="number" min={0} max={3650} inputMode="numeric" value={continuousDays} onChange={(e) => setContinuousDays(e.target.value)} placeholder={global ? String(global.continuousDays) : ''} />
        </label>
        <label>
          Around events
          <input name="eventDays" type="number" min={0} max={3650} inputMode="numeric" value={eventDays} onChange={(e) => setEventDays(e.target.value)} placeholder={global ? String(global.eventDays) : ''} />
        </label>
      </fieldset>
      <ErrorText error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save camera
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {camera && !confirmRemove && (
          <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
            Remove camera
          </button>
        )}
      </div>
      {camera && confirmRemove && (
        <div className="card danger-zone" role="group" aria-label={`Remove ${camera.name}`}>
          <p>
            Remove <strong>{camera.name}</strong>? It stops recording at once.
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={keepRecordings} onChange={(e) => setKeepRecordings(e.target.checked)} /> Keep its recordings until they age out (they still count against the disk quota)
          </label>
          <div className="row">
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => void remove.mutateAsync({ id: camera.id, keepRecordings }).then(onDone).catch(() => undefined)}>
              {keepRecordings ? 'Remove camera, keep recordings' : 'Remove camera and its recordings'}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              Keep camera
            </button>
          </div>
        </div>
      )}
      {camera && <LearnedList cameraId={camera.id} />}
    </form>
  );
}
