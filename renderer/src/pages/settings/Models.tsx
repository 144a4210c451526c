// Detection models: which are installed, which one runs, download with progress, and how fast each is on this machine.
import { useState } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useAction, useCall } from '../../lib/api.js';
import { useModelDownloads } from '../../lib/models.js';
import { formatBytes } from '../../lib/format.js';

export function ModelsSection() {
  const models = useCall('models.list', {});
  const health = useCall('system.health', {});
  const choose = useAction('settings.set', ['models.list', 'settings.get']);
  const { progress, download } = useModelDownloads();
  const speed = useAction('models.speed');
  const [speeds, setSpeeds] = useState<Record<string, number>>({});
  const detector = health.data?.detector;

  return (
    <div className="card section" aria-labelledby="models-title">
      <h2 id="models-title">Detection model</h2>
      {detector && (
        <p className={detector.status === 'ready' ? 'ok' : 'error'} role="status">
          {detector.status === 'ready' ? `Running ${detector.model} on this machine.` : (detector.message ?? 'Detection is not running: motion only.')}
        </p>
      )}
      <ErrorText error={models.error ?? choose.error ?? download.error ?? speed.error} />
      <table className="table" aria-label="Models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Input</th>
            <th>Size</th>
            <th>Status</th>
            <th>Speed here</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.data?.map((m) => {
            const p = progress[m.name];
            return (
              <tr key={m.name}>
                <td>
                  {m.name} {m.default && <span className="muted">(recommended)</span>}
                </td>
                <td>{m.inputSize}px</td>
                <td>{formatBytes(m.sizeBytes)}</td>
                <td>
                  {p?.status === 'downloading' ? (
                    <progress max={p.total || 1} value={p.received} aria-label={`Downloading ${m.name}`} />
                  ) : p?.status === 'failed' ? (
                    <span className="error">{p.error}</span>
                  ) : m.active ? (
                    'In use'
                  ) : m.installed ? (
                    'Installed'
                  ) : (
                    'Not downloaded'
                  )}
                </td>
                <td>{speeds[m.name] !== undefined ? `${speeds[m.name]} ms` : '–'}</td>
                <td className="row">
                  {!m.installed && (
                    <button type="button" onClick={() => download.mutate({ name: m.name })} disabled={p?.status === 'downloading'}>
                      Download
                    </button>
                  )}
                  {m.installed && !m.active && (
                    <button type="button" onClick={() => choose.mutate({ section: 'detection', value: { model: m.name } })}>
                      Use
                    </button>
                  )}
                  {m.installed && (
                    <button type="button" onClick={() => speed.mutate({ name: m.name }, { onSuccess: (r) => setSpeeds((s) => ({ ...s, [r.name]: r.medianMs })) })}>
                      Measure speed
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">Models are downloaded only when you ask, from the address in the model list, and checked against their SHA-256 before use.</p>
      <StationaryLimit />
    </div>
  );
}

/** How long a parked object's event lasts: after that it ends and stops holding recordings. */
function StationaryLimit() {
  const settings = useCall('settings.get', {});
  const save = useAction('settings.set', ['settings.get']);
  const current = settings.data?.detection.stationaryMaxMinutes;
  const [value, setValue] = useState<string | null>(null);
  if (current === undefined) return null;
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ section: 'detection', value: { stationaryMaxMinutes: Number(value ?? current) } });
      }}
    >
      <label>
        End the event of an object that stands still (a parked car) after, in minutes
        <input type="number" name="stationaryMaxMinutes" min={1} max={1440} step={1} value={value ?? String(current)} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      <ErrorText error={save.error} />
    </form>
  );
}
