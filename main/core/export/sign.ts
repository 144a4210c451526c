// Signed exports: the install's Ed25519 key (private half sealed by the secret box), canonical manifest bytes, signing and checking.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SecretBox } from '../secrets/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

/** Prefixed to the signed bytes, so a signature over a manifest can never pass for one over anything else. */
const DOMAIN = 'porchlight-export-manifest/1\n';

export const ManifestSignature = z.object({
  algorithm: z.literal('ed25519'),
  /** The signer's public key, PEM (SPKI). */
  publicKey: z.string().min(1),
  /** sha256 of the public key's DER, hex: what Settings shows. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  /** Base64 signature over DOMAIN + the canonical JSON of the manifest with this field's `value` left out. */
  value: z.string().min(1),
});
export type ManifestSignature = z.infer<typeof ManifestSignature>;

export interface SigningKeyInfo {
  algorithm: 'ed25519';
  publicKeyPem: string;
  fingerprint: string;
  createdAt: number;
}

/** JSON with object keys sorted at every level and no whitespace: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function fingerprintOf(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** "ab12 cd34 …": the fingerprint as people compare it. */
export function formatFingerprint(fp: string): string {
  return fp.match(/.{1,4}/g)?.join(' ') ?? fp;
}

/** The bytes a signature covers: everything in the manifest but the signature value itself. */
function signedBytes(manifest: Record<string, unknown>, sig: Omit<ManifestSignature, 'value'>): Buffer {
  const body = { ...manifest, signature: { algorithm: sig.algorithm, publicKey: sig.publicKey, fingerprint: sig.fingerprint } };
  return Buffer.from(DOMAIN + canonicalJson(body), 'utf8');
}

export class ExportSigner {
  readonly info: SigningKeyInfo;
  private readonly publicKey: KeyObject;

  constructor(
    private readonly privateKey: KeyObject,
    createdAt: number,
  ) {
    this.publicKey = createPublicKey(privateKey);
    this.info = {
      algorithm: 'ed25519',
      publicKeyPem: this.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      fingerprint: fingerprintOf(this.publicKey),
      createdAt,
    };
  }

  get key(): KeyObject {
    return this.publicKey;
  }

  /** The manifest with its signature; a signature it carried already is replaced. */
  sign<M extends object>(manifest: M): M & { signature: ManifestSignature } {
    const rest = { ...(manifest as Record<string, unknown>) };
    delete rest.signature;
    const head = { algorithm: 'ed25519' as const, publicKey: this.info.publicKeyPem, fingerprint: this.info.fingerprint };
    const value = sign(null, signedBytes(rest, head), this.privateKey).toString('base64');
    return { ...(rest as M), signature: { ...head, value } };
  }
}

interface KeyRow {
  private_key_sealed: string;
  created_at: number;
}

/** The install's signing key: made on the first start (in the same transaction that stores it), opened on every later one. */
export function loadSigner(db: Database, secrets: SecretBox, now = Date.now()): ExportSigner {
  return db.transaction(() => {
    const row = db.get<KeyRow>(sql`SELECT private_key_sealed, created_at FROM signing_keys WHERE id = 1`);
    if (row) return new ExportSigner(createPrivateKey(secrets.open(row.private_key_sealed)), row.created_at);
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = new ExportSigner(privateKey, now);
    const sealed = secrets.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    db.run(sql`INSERT INTO signing_keys (id, algorithm, public_key, private_key_sealed, fingerprint, created_at)
      VALUES (1, 'ed25519', ${signer.info.publicKeyPem}, ${sealed}, ${signer.info.fingerprint}, ${now})`);
    return signer;
  });
}

/** The public half only, for tools that verify without the secret key (`porchlight export-key`). */
export function readPublicKey(db: Database): SigningKeyInfo | null {
  const row = db.get<{ public_key: string; fingerprint: string; created_at: number }>(sql`SELECT public_key, fingerprint, created_at FROM signing_keys WHERE id = 1`);
  return row ? { algorithm: 'ed25519', publicKeyPem: row.public_key, fingerprint: row.fingerprint, createdAt: row.created_at } : null;
}

export type SignatureStatus = 'valid' | 'invalid' | 'unsigned' | 'other_key';

export interface SignatureCheck {
  status: SignatureStatus;
  /** The fingerprint of the key the manifest says signed it (null when unsigned or unreadable). */
  fingerprint: string | null;
  /** Why it is not valid, in a sentence. */
  problem: string | null;
}

/**
 * Checks a manifest's signature over the JSON exactly as read (not a schema-stripped copy, so an added field breaks it).
 * With `trusted`, the manifest must also be signed by that key; without it, by the key it carries (whose fingerprint the
 * reader compares with the one the recorder's Settings show).
 */
export function checkSignature(raw: unknown, trusted?: KeyObject): SignatureCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { status: 'invalid', fingerprint: null, problem: 'the manifest is not a JSON object' };
  const manifest = raw as Record<string, unknown>;
  if (manifest.signature === undefined) return { status: 'unsigned', fingerprint: null, problem: 'the manifest is not signed' };
  const parsed = ManifestSignature.safeParse(manifest.signature);
  if (!parsed.success) return { status: 'invalid', fingerprint: null, problem: 'the manifest signature is malformed' };
  const sig = parsed.data;
  let embedded: KeyObject;
  try {
    embedded = createPublicKey(sig.publicKey);
  } catch {
    return { status: 'invalid', fingerprint: sig.fingerprint, problem: "the manifest's public key cannot be read" };
  }
  if (embedded.asymmetricKeyType !== 'ed25519') return { status: 'invalid', fingerprint: sig.fingerprint, problem: "the manifest's public key is not an Ed25519 key" };
  const actualFp = fingerprintOf(embedded);
  if (actualFp !== sig.fingerprint) return { status: 'invalid', fingerprint: sig.fingerprint, problem: "the manifest's fingerprint does not belong to its public key" };
  if (trusted && fingerprintOf(trusted) !== actualFp) {
    return {
      status: 'other_key',
      fingerprint: actualFp,
      problem: `signed by another key (${formatFingerprint(actualFp)}), not the expected one (${formatFingerprint(fingerprintOf(trusted))})`,
    };
  }
  let ok: boolean;
  try {
    ok = verify(null, signedBytes(manifest, sig), embedded, Buffer.from(sig.value, 'base64'));
  } catch {
    ok = false;
  }
  return ok
    ? { status: 'valid', fingerprint: actualFp, problem: null }
    : { status: 'invalid', fingerprint: actualFp, problem: 'the signature does not match the manifest (the manifest was changed after it was signed)' };
}

/** A public key from a PEM file's text (SPKI), or a clear error. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 public key is needed, this one is ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}
