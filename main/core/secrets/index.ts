// Credentials at rest (camera passwords, webhook secrets, MQTT passwords): AES-256-GCM under a key the host provides.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'enc:v1:';

export interface SecretBox {
  seal(plain: string): string;
  /** Opens a sealed value; a value that was never sealed (older rows) is returned as it is. */
  open(stored: string): string;
  /** A key for another purpose (the audit log's MAC), derived from the same secret; never stored anywhere. */
  deriveKey(purpose: string): Buffer;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export class AesGcmBox implements SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `porchlight ${purpose}`, 32));
  }

  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** The server host's key: <data>/secret.key, 32 random bytes, readable by the owner only. */
export function keyFileBox(dataDir: string): AesGcmBox {
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  // a key someone else can read protects nothing: tighten it rather than refuse to start
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return new AesGcmBox(readFileSync(file));
}

/** The desktop host's key: random, stored only as the OS keychain (safeStorage) encrypts it. */
export function wrappedKeyBox(file: string, wrap: { encrypt(plain: string): Buffer; decrypt(sealed: Buffer): string }): AesGcmBox {
  if (existsSync(file)) return new AesGcmBox(Buffer.from(wrap.decrypt(readFileSync(file)), 'hex'));
  const key = randomBytes(32);
  writeFileSync(file, wrap.encrypt(key.toString('hex')), { mode: 0o600, flag: 'wx' });
  return new AesGcmBox(key);
}
