// Detection models: which are installed, which one runs, download with progress, and how fast each is on this machine.
import { useState } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useAction, useCall } from '../../lib/api.js';
import { useModelDownloads } from '../../lib/models.js';
import { formatBytes } from '../../lib/format.js';

export function ModelsSection() {
  const { t } = useTranslation();
  const models = useCall('models.list', {});
  const health = useCall('system.health', {});
  const choose = useAction('settings.set', ['models.list', 'settings.get']);
  const { progress, download } = useModelDownloads();
  const speed = useAction('models.speed');
  const [speeds, setSpeeds] = useState<Record<string, number>>({});
  const detector = health.data?.detector;

  return (
    <div className="card section" aria-labelledby="models-title">
      <h2 id="models-title">{t('models.title')}</h2>
      {detector && (
        <p className={detector.status === 'ready' ? 'ok' : 'error'} role="status">
          {detector.status === 'ready' ? t('models.running', { model: detector.model }) : (detector.message ?? t('models.notRunning'))}
        </p>
      )}
      <ErrorText error={models.error ?? choose.error ?? download.error ?? speed.error} />
      <table className="table" tabIndex={0} aria-label={t('models.table')}>
        <thead>
          <tr>
            <th>{t('models.colModel')}</th>
            <th>{t('models.colInput')}</th>
            <th>{t('models.colSize')}</th>
            <th>{t('models.colStatus')}</th>
            <th>{t('models.colSpeed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.data?.map((m) => {
            const p = progress[m.name];
            return (
              <tr key={m.name}>
                <td>
                  {m.name} {m.default && <span className="muted">{t('models.recommended')}</span>}
                </td>
                <td>{t('models.inputSize', { size: m.inputSize })}</td>
                <td>{formatBytes(m.sizeBytes)}</td>
                <td>
                  {p?.status === 'downloading' ? (
                    <progress max={p.total || 1} value={p.received} aria-label={t('models.downloading', { name: m.name })} />
                  ) : p?.status === 'failed' ? (
                    <span className="error">{p.error}</span>
                  ) : m.active ? (
                    t('models.inUse')
                  ) : m.installed ? (
                    t('models.installed')
                  ) : (
                    t('models.notDownloaded')
                  )}
                </td>
                <td>{speeds[m.name] !== undefined ? t('models.milliseconds', { ms: speeds[m.name] }) : '–'}</td>
                <td className="row">
                  {!m.installed && (
                    <button type="button" onClick={() => download.mutate({ name: m.name })} disabled={p?.status === 'downloading'}>
                      {t('models.download')}
                    </button>
                  )}
                  {m.installed && !m.active && (
                    <button type="button" onClick={() => choose.mutate({ section: 'detection', value: { model: m.name } })}>
                      {t('models.use')}
                    </button>
                  )}
                  {m.installed && (
                    <button type="button" onClick={() => speed.mutate({ name: m.name }, { onSuccess: (r) => setSpeeds((s) => ({ ...s, [r.name]: r.medianMs })) })}>
                      {t('models.measure')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">{t('models.note')}</p>
      <StationaryLimit />
    </div>
  );
}

/** How long a parked object's event lasts: after that it ends and stops holding recordings. */
function StationaryLimit() {
  const { t } = useTranslation();
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
        {t('models.stationary')}
        <input type="number" name="stationaryMaxMinutes" min={1} max={1440} step={1} value={value ?? String(current)} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit" disabled={save.isPending}>
        {t('common.save')}
      </button>
      <ErrorText error={save.error} />
    </form>
  );
}
