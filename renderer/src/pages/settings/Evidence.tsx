// Settings → Evidence: the public key every export manifest is signed with, and its fingerprint, to hand out with exports.
import { Trans } from 'react-i18next';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useCall } from '../../lib/api.js';
import { formatFingerprint } from '../../lib/format.js';

export function EvidenceSection() {
  const { t } = useTranslation();
  const key = useCall('exports.signingKey', {});
  const k = key.data;
  return (
    <section className="card" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t('evidenceSettings.title')}</h2>
      <ErrorText error={key.error} />
      {key.data === null && <p>{t('evidenceSettings.notSigning')}</p>}
      {k && (
        <>
          <p>
            <Trans t={t} i18nKey="evidenceSettings.intro" components={{ code: <code /> }} />
          </p>
          <p>
            <Trans t={t} i18nKey="evidenceSettings.fingerprint" values={{ fingerprint: formatFingerprint(k.fingerprint) }} components={{ code: <code data-testid="signing-fingerprint" /> }} />
          </p>
          <pre className="pem" data-testid="signing-public-key" aria-label={t('evidenceSettings.publicKey')} tabIndex={0}>
            {k.publicKeyPem}
          </pre>
          <p className="muted">{t('evidenceSettings.saveKey')}</p>
        </>
      )}
    </section>
  );
}
