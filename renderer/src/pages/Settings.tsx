// Settings: storage with a picture of who uses the disk, retention and quota, users, about.
import type { AllSettings } from '@common/settings/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../components/ErrorText.js';
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
  const settings = useCall('settings.get', {});
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Settings</h1>
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
  const stats = useCall('system.storage', {}, { refetchInterval: 30_000 });
  const cameras = useCall('cameras.list', {});
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));
  const s = stats.data;
  return (
    <div className="card section" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      <ErrorText error={stats.error} />
      {s && (
        <>
          <div className="storage-bar" role="img" aria-label={`Recordings use ${formatBytes(s.usedBytes)} of ${formatBytes(s.quotaBytes)}`}>
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
                {names.get(c.cameraId) ?? c.cameraId}: {formatBytes(c.bytes)} in {c.segments} segments
              </li>
            ))}
          </ul>
          <p data-testid="storage-summary">
            {formatBytes(s.usedBytes)} of {formatBytes(s.quotaBytes)} used · {formatBytes(s.diskFreeBytes)} free on the disk ·{' '}
            {s.daysUntilFull === null ? 'nothing recorded in the last day' : `full in about ${Math.floor(s.daysUntilFull)} days at the current rate (${formatBytes(s.bytesPerDay)}/day); the oldest recordings are then removed`}
            {s.deletedSegments > 0 ? ` · ${s.deletedSegments} old segments removed so far` : ''}
          </p>
        </>
      )}
    </div>
  );
}

function RetentionForm({ storage }: { storage: AllSettings['storage'] }) {
  const [values, setValues] = useState(storage);
  const save = useAction('settings.set', ['settings.get', 'system.storage']);
  const field = (key: keyof typeof values, label: string, step = 1) => (
    <label>
      {label}
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
      <h2 id="retention-title">Retention</h2>
      {field('continuousDays', 'Keep continuous recordings (days)')}
      {field('eventDays', 'Keep recordings around events (days)')}
      {field('quotaGb', 'Disk space for recordings (GB)', 0.1)}
      {field('minFreeGb', 'Always leave free on the disk (GB)', 0.1)}
      {field('eventPrePaddingS', 'Seconds kept before an event')}
      {field('eventPostPaddingS', 'Seconds kept after an event')}
      <ErrorText error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save retention
        </button>
        {save.isSuccess && <span role="status">Saved</span>}
      </div>
    </form>
  );
}
