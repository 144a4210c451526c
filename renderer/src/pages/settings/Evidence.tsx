// Settings → Evidence: the public key every export manifest is signed with, and its fingerprint, to hand out with exports.
import { ErrorText } from '../../components/ErrorText.js';
import { useCall } from '../../lib/api.js';
import { formatFingerprint } from '../../lib/format.js';

export function EvidenceSection() {
  const key = useCall('exports.signingKey', {});
  const k = key.data;
  return (
    <section className="card" aria-labelledby="evidence-title">
      <h2 id="evidence-title">Signed exports</h2>
      <ErrorText error={key.error} />
      {key.data === null && <p>This recorder does not sign its exports.</p>}
      {k && (
        <>
          <p>
            Every export&apos;s manifest is signed with this recorder&apos;s Ed25519 key (made at install; the private half never leaves it). Whoever receives a clip checks it with{' '}
            <code>porchlight export-verify FILE.manifest.json --public-key recorder.pem</code>.
          </p>
          <p>
            Fingerprint (SHA-256): <code data-testid="signing-fingerprint">{formatFingerprint(k.fingerprint)}</code>
          </p>
          <pre className="pem" data-testid="signing-public-key" aria-label="Public key (PEM)" tabIndex={0}>
            {k.publicKeyPem}
          </pre>
          <p className="muted">Save the key above as a .pem file to give with exports (on the server, `porchlight export-key` prints it too).</p>
        </>
      )}
    </section>
  );
}
