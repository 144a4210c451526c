// The key hierarchy: a master key (key file, passphrase or OS keychain) wraps one random data key per camera.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const KEY_BYTES = 32;

/** scrypt parameters for a passphrase: 2^15 × 8 × 128 B = 32 MiB and about 0.1 s here, once per start or unlock. */
export const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export function passphraseKey(passphrase: string, salt: Buffer): Buffer {
  if (passphrase.length < 8) throw new Error('the vault passphrase must be at least 8 characters');
  return scryptSync(passphrase.normalize('NFC'), salt, KEY_BYTES, SCRYPT);
}

/** A key for one purpose derived from the master key (never stored): `deriveKey('database')` for the database cipher. */
export function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `porchlight vault ${purpose}`, KEY_BYTES));
}

/** What is stored to recognise the right master key (a MAC of a fixed text, never the key). */
export function masterCheck(master: Buffer): Buffer {
  return createHmac('sha256', derive(master, 'check')).update('porchlight vault master key').digest();
}

export function checkMatches(master: Buffer, stored: Buffer): boolean {
  const mine = masterCheck(master);
  return stored.length === mine.length && timingSafeEqual(mine, stored);
}

function wrapAad(cameraId: string, keyId: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`porchlight data key ${cameraId}\0`, 'utf8'), keyId]);
}

/** A camera's data key sealed under the master key: iv (12) | tag (16) | ciphertext (32); bound to camera and key id. */
export function wrapDataKey(master: Buffer, cameraId: string, keyId: Buffer, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', derive(master, 'wrap data keys'), iv);
  c.setAAD(wrapAad(cameraId, keyId));
  const body = Buffer.concat([c.update(dataKey), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

export function unwrapDataKey(master: Buffer, cameraId: string, keyId: Buffer, wrapped: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', derive(master, 'wrap data keys'), wrapped.subarray(0, 12));
  d.setAAD(wrapAad(cameraId, keyId));
  d.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
}
