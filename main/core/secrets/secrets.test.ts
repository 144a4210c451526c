// Credentials at rest: sealed with AES-GCM, tamper-evident, under a 0600 key file or a keychain-wrapped key.
import { statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN, withEngine } from '../../../test/helpers/engine.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { sql } from '../storage/sql.js';
import { AesGcmBox, keyFileBox, wrappedKeyBox } from './index.js';

describe('secret box', () => {
  it('seals, opens, and refuses a changed byte', () => {
    const box = new AesGcmBox(Buffer.alloc(32, 7));
    const sealed = box.seal('rtsp://admin:hunter2@cam/1');
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain('hunter2');
    expect(box.open(sealed)).toBe('rtsp://admin:hunter2@cam/1');
    expect(box.seal('x')).not.toBe(box.seal('x'));
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(() => box.open(flipped)).toThrow();
    expect(box.open('plain, from before encryption')).toBe('plain, from before encryption');
  });

  it('keeps the server key in a file only its owner can read, and reuses it', () => {
    const tmp = makeTempDir();
    const a = keyFileBox(tmp.dir);
    expect(statSync(join(tmp.dir, 'secret.key')).mode & 0o777).toBe(0o600);
    chmodSync(join(tmp.dir, 'secret.key'), 0o644);
    const b = keyFileBox(tmp.dir);
    expect(statSync(join(tmp.dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(b.open(a.seal('same key'))).toBe('same key');
    tmp.cleanup();
  });

  it('stores the desktop key only wrapped by the keychain', () => {
    const tmp = makeTempDir();
    const file = join(tmp.dir, 'secret.key.enc');
    const wrap = { encrypt: (p: string) => Buffer.from(`wrapped:${p}`), decrypt: (b: Buffer) => b.toString().replace(/^wrapped:/, '') };
    const a = wrappedKeyBox(file, wrap);
    const b = wrappedKeyBox(file, wrap);
    expect(b.open(a.seal('secret'))).toBe('secret');
    writeFileSync(file, 'wrapped:' + '00'.repeat(32));
    expect(() => wrappedKeyBox(file, wrap).open(a.seal('secret'))).toThrow();
    tmp.cleanup();
  });
});

describe('camera passwords at rest', () => {
  it('are sealed in the database and read back for the engine only', async () => {
    const h = await withEngine();
    try {
      const res = await h.engine.router.dispatch(ADMIN, 'cameras.upsert', { name: 'Door', streams: [{ name: 'main', url: 'rtsp://admin:hunter2@127.0.0.1:8554/door', roles: ['record'] }] });
      if (!res.ok) throw new Error(res.error.message);
      const id = (res.value as { id: string }).id;
      const raw = h.engine.db.get<{ url: string }>(sql`SELECT url FROM camera_streams WHERE camera_id = ${id}`)?.url ?? '';
      expect(raw).toMatch(/^enc:v1:/);
      expect(raw).not.toContain('hunter2');
      expect(h.engine.cameras.get(id)?.streams[0]?.url).toBe('rtsp://admin:hunter2@127.0.0.1:8554/door');
      expect(JSON.stringify(res.value)).not.toContain('hunter2');
    } finally {
      await h.close();
    }
  });
});
