// Settings: storage with a picture of who uses the disk, retention and quota, users, about.
import type { AllSettings } from '@common/settings/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { AppearanceSection } from './settings/Appearance.js';
import { EvidenceSection } from './settings/Evidence.js';
import { ModelsSection } from './settings/Models.js';
import { NotificationsSection } from './settings/Notifications.js';
import { PerformanceSection } from './settings/Performance.js';
import { UsersSection } from './settings/Users.js';
import { VaultMigrationSection } from './settings/Vault.js';

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useCall('settings.get', {});
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('settings.title')}</h1>
      <ErrorText error={settings.error} />
      <StorageSection />
      {settings.data && <RetentionForm storage={settings.data.storage} />}
      <ModelsSection />
      <NotificationsSection />
      <PerformanceSection />
      {settings.data && <AppearanceSection fallback={settings.data.general.theme} />}
      <EvidenceSection />
      <VaultMigrationSection />
      <UsersSection />
    </section>
  );
}

const COLORS = ['#f5b942', '#4ea8de', '#3ecf8e', '#c77dff', '#ff6b6b', '#ffd166', '#06d6a0', '#ef476f'];

function StorageSection() {
  const { t } = useTranslation();
  const stats = useCall('system.storage', {}, { refetchInterval: 30_000 });
  const cameras = useCall('cameras.list', {});
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  const s = stats.data;
  return (
    <div className="card section" aria-labelledby="storage-title">
      <h2 id="storage-title">{t('settings.storage')}</h2>
      <ErrorText error={stats.error} />
      {s && (
        <>
          <div className="storage-bar" role="img" aria-label={t('settings.storageBar', { used: formatBytes(s.usedBytes), quota: formatBytes(s.quotaBytes) })}>
            {s.perCamera.map((c, i) => (
              <div
                key={c.cameraId}
                className="storage-seg"
                style={{ width: `${Math.max(0.5, (c.bytes / Math.max(s.quotaBytes, s.usedBytes)) * 100)}%`, background: COLORS[i % COLORS.length] }}
                title={`${names.get(c.cameraId) ?? c.cameraId}: ${formatBytes(c.bytes)}`}
              />
            ))}
          </div>
          <ul className="legend">
            {s.perCamera.map((c, i) => (
              <li key={c.cameraId}>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
                {t('settings.cameraUse', { camera: names.get(c.cameraId) ?? c.cameraId, bytes: formatBytes(c.bytes), count: c.segments })}
              </li>
            ))}
          </ul>
          <p data-testid="storage-summary">
            {[
              t('settings.used', { used: formatBytes(s.usedBytes), quota: formatBytes(s.quotaBytes) }),
              t('settings.free', { free: formatBytes(s.diskFreeBytes) }),
              s.daysUntilFull === null ? t('settings.nothingLastDay') : t('settings.fullIn', { count: Math.floor(s.daysUntilFull), perDay: formatBytes(s.bytesPerDay) }),
              ...(s.deletedSegments > 0 ? [t('settings.removedSoFar', { count: s.deletedSegments })] : []),
            ].join(' · ')}
          </p>
        </>
      )}
    </div>
  );
}

/** The retention fields, each with its step (its label is settings.<key>). */
const RETENTION_FIELDS: [keyof AllSettings['storage'], number][] = [
  ['continuousDays', 1],
  ['eventDays', 1],
  ['quotaGb', 0.1],
  ['minFreeGb', 0.1],
  ['eventPrePaddingS', 1],
  ['eventPostPaddingS', 1],
];

function RetentionForm({ storage }: { storage: AllSettings['storage'] }) {
  const { t } = useTranslation();
  const [values, setValues] = useState(storage);
  const save = useAction('settings.set', ['settings.get', 'system.storage']);
  const field = (key: keyof typeof values, step: number) => (
    <label key={key}>
      {t(`settings.${key}`)}
      <input
        type="number"
        step={step}
        min={0}
        value={values[key]}
        onChange={(e) => setValues({ ...values, [key]: Number(e.target.value) })}
        name={key}
      />
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ section: 'storage', value: values });
  };
  return (
    <form className="card section grid-form" onSubmit={submit} aria-labelledby="retention-title">
      <h2 id="retention-title">{t('settings.retention')}</h2>
      {RETENTION_FIELDS.map(([key, step]) => field(key, step))}
      <ErrorText error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('settings.saveRetention')}
        </button>
        {save.isSuccess && <span role="status">{t('settings.saved')}</span>}
      </div>
    </form>
  );
}
