// Settings → Encryption at rest: a plain install's offer to encrypt what it recorded, the migration's progress, then confirm or roll back.
import type { VaultMigrationStatus } from '@common/contract/index.js';
import { useCallback, useState } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useAction, useCall, useTopic } from '../../lib/api.js';
import { formatBytes } from '../../lib/format.js';

export function VaultMigrationSection() {
  const { t } = useTranslation();
  const status = useCall('vault.migration.status', {}, { refetchInterval: 10_000 });
  const [live, setLive] = useState<{ s: VaultMigrationStatus; at: number } | null>(null);
  useTopic(
    'vault.migration.progress',
    useCallback((s: VaultMigrationStatus) => setLive({ s, at: Date.now() }), []),
  );
  const refresh = ['vault.migration.status', 'vault.status', 'system.health'] as const;
  const start = useAction('vault.migration.start', [...refresh]);
  const confirm = useAction('vault.migration.confirm', [...refresh]);
  const rollback = useAction('vault.migration.rollback', [...refresh]);
  // the newest of what the topic pushed and what the last call returned
  const s = live && live.at > status.dataUpdatedAt ? live.s : status.data;
  // a viewer is not asked (the methods are the admin's)
  if (status.error?.error.code === 'forbidden') return null;
  const busy = start.isPending || confirm.isPending || rollback.isPending;
  const after = (next: VaultMigrationStatus) => setLive({ s: next, at: Date.now() });
  return (
    <section className="card" aria-labelledby="vault-migration-title" data-testid="vault-migration">
      <h2 id="vault-migration-title">{t('vaultMigration.title')}</h2>
      <ErrorText error={status.error} />
      {s && s.state === 'none' && !s.plainInstall && <p>{t('vaultMigration.encrypted')}</p>}
      {s && s.state === 'none' && s.plainInstall && (
        <>
          <p>{t('vaultMigration.plainIntro')}</p>
          <button type="button" className="primary" disabled={busy} onClick={() => start.mutate({}, { onSuccess: after })}>
            {t('vaultMigration.start')}
          </button>
        </>
      )}
      {s && (s.state === 'running' || s.state === 'paused' || s.state === 'rolling_back') && (
        <>
          <p role="status">
            {s.state === 'running' ? t(s.phase === 'database' ? 'vaultMigration.runningDatabase' : 'vaultMigration.running') : s.state === 'paused' ? t('vaultMigration.paused', { reason: s.reason ?? '' }) : t('vaultMigration.rollingBack')}
          </p>
          <progress max={s.items.total || 1} value={s.items.done} aria-label={t('vaultMigration.progressLabel')} />
          <p className="muted" data-testid="vault-migration-counts">
            {t('vaultMigration.counts', { done: s.items.done, total: s.items.total, doneBytes: formatBytes(s.bytes.done), totalBytes: formatBytes(s.bytes.total) })}
          </p>
          {s.state === 'paused' && (
            <button type="button" disabled={busy} onClick={() => start.mutate({}, { onSuccess: after })}>
              {t('vaultMigration.resume')}
            </button>
          )}
        </>
      )}
      {s && s.state === 'done' && (
        <>
          <p>{t('vaultMigration.done', { total: s.items.total, totalBytes: formatBytes(s.bytes.total) })}</p>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={() => confirm.mutate({}, { onSuccess: after })}>
              {t('vaultMigration.confirm')}
            </button>
            <button type="button" disabled={busy} onClick={() => rollback.mutate({}, { onSuccess: after })}>
              {t('vaultMigration.rollback')}
            </button>
          </div>
        </>
      )}
      {s && s.state === 'paused' && s.canRollback && (
        <button type="button" disabled={busy} onClick={() => rollback.mutate({}, { onSuccess: after })}>
          {t('vaultMigration.rollback')}
        </button>
      )}
      {s && s.state === 'confirmed' && <p>{t('vaultMigration.confirmed')}</p>}
      <ErrorText error={start.error ?? confirm.error ?? rollback.error} />
    </section>
  );
}
