// First run: detection needs its model, which Porchlight never fetches on its own. One click downloads it, with progress.
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { useModelDownloads } from '../lib/models.js';
import { ErrorText } from './ErrorText.js';

export function ModelBanner({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const models = useCall('models.list', {}, { enabled: admin });
  const { progress, download } = useModelDownloads();
  const dismiss = useAction('settings.set', ['models.list', 'system.health']);
  const active = models.data?.find((m) => m.active);
  const p = active ? progress[active.name] : undefined;
  // after a download, the banner stays until the engine says detection runs
  const health = useCall('system.health', {}, { enabled: admin, refetchInterval: p?.status === 'done' ? 1000 : false });
  const starting = p?.status === 'done' && health.data?.detector.status !== 'ready';
  // detection turned off in Settings (the detector has no model) needs no model
  const detectionOn = health.data?.detector.model != null;
  if (!admin || !active || !detectionOn || (active.installed && !starting)) return null;
  return (
    <section className="banner card" aria-labelledby="model-banner-title" data-testid="model-banner">
      <h2 id="model-banner-title">{t('modelBanner.title')}</h2>
      <p>{t('modelBanner.body', { name: active.name, size: formatBytes(active.sizeBytes), license: active.license })}</p>
      {p?.status === 'downloading' ? (
        <div className="row">
          <progress max={p.total || 1} value={p.received} aria-label={t('modelBanner.downloading', { name: active.name })} />
          <span className="small muted">{t('common.ofTotal', { received: formatBytes(p.received), total: formatBytes(p.total) })}</span>
        </div>
      ) : p?.status === 'done' ? (
        <p role="status" className="ok">
          {t('modelBanner.done')}
        </p>
      ) : (
        <div className="row">
          <button type="button" className="primary" onClick={() => download.mutate({ name: active.name })} disabled={download.isPending}>
            {t('modelBanner.download', { size: formatBytes(active.sizeBytes) })}
          </button>
          <button type="button" onClick={() => dismiss.mutate({ section: 'detection', value: { enabled: false } })}>
            {t('modelBanner.motionOnly')}
          </button>
        </div>
      )}
      {p?.status === 'failed' && (
        <p role="alert" className="error">
          {t('modelBanner.failed', { error: p.error })}
        </p>
      )}
      <ErrorText error={download.error ?? dismiss.error} />
    </section>
  );
}
