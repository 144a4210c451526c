// Encryption at rest: a plain banner while the vault is locked (nothing is recorded), with the passphrase field when it has one.
import { useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { ErrorText } from './ErrorText.js';

export function VaultBanner({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const status = useCall('vault.status', {}, { refetchInterval: 5000 });
  const unlock = useAction('vault.unlock', ['vault.status', 'system.health']);
  const [passphrase, setPassphrase] = useState('');
  const s = status.data;
  if (!s || s.state !== 'locked') return null;
  return (
    <section className="banner card" role="alert" aria-labelledby="vault-banner-title" data-testid="vault-banner">
      <h2 id="vault-banner-title">{t('vault.title')}</h2>
      <p>{t('vault.body', { message: s.message ?? t('vault.locked') })}</p>
      {admin && s.source === 'passphrase' && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            unlock.mutate({ passphrase }, { onSuccess: () => setPassphrase('') });
          }}
        >
          <label>
            {t('vault.passphrase')} <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={!passphrase || unlock.isPending}>
            {t('vault.unlock')}
          </button>
        </form>
      )}
      {admin && s.source !== 'passphrase' && (
        <button type="button" onClick={() => unlock.mutate({})} disabled={unlock.isPending}>
          {t('vault.tryAgain')}
        </button>
      )}
      {unlock.data?.state === 'locked' && <p className="error">{unlock.data.message}</p>}
      <ErrorText error={unlock.error} />
    </section>
  );
}
