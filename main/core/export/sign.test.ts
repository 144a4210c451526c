// Signed exports on a real engine: a real export verifies (engine, API, command line); a changed byte or another key fails, saying why.
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../common/contract/methods.js';
import type { CallContext } from '../api/router.js';
import { ADMIN, VIEWER, withEngine } from '../../../test/helpers/engine.js';
import { runCommand } from '../../../test/helpers/run.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { keyFileBox } from '../secrets/index.js';
import { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';
import { encodeSegments, indexSegments } from './fixtures.js';
import { verifyExport } from './manifest.js';
import { ExportSigner, canonicalJson, checkSignature, loadSigner, parsePublicKey } from './sign.js';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const bins = locateFfmpeg();
let h: Awaited<ReturnType<typeof withEngine>>;
let fixture: ReturnType<typeof makeTempDir>;
/** The finished export's folder and its manifest's name in it. */
let exportDir: string;
let manifestName: string;
let video: string;
let keyFile: string;

const cli = (...args: string[]) =>
  runCommand(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', ...args], { env: { PORCHLIGHT_LOG_LEVEL: 'error' }, timeoutMs: 120_000 });

async function call<M extends MethodName>(ctx: CallContext, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await h.engine.router.dispatch(ctx, method, input);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

/** A copy of the export to tamper with; returns the copy's manifest path. */
function copyExport(name: string): string {
  const dir = join(fixture.dir, name);
  cpSync(exportDir, dir, { recursive: true });
  return join(dir, manifestName);
}

beforeAll(async () => {
  fixture = makeTempDir();
  h = await withEngine();
  h.engine.cameras.upsert({ id: 'door', name: 'Door', streams: [{ name: 'main', url: 'rtsp://127.0.0.1:8554/door', roles: ['record'] }] });
  const files = await encodeSegments(bins.ffmpeg, join(fixture.dir, 'src'), { seconds: 4, width: 160, height: 120, fps: 10, segmentS: 2, audio: false });
  indexSegments(h.engine.media, h.engine.segments, 'door', files, T0, 2_000);
  const job = await call(ADMIN, 'exports.create', { cameras: ['door'], start: T0, end: T0 + 4_000 });
  const done = await h.engine.exports.wait(job.id);
  expect(done.status).toBe('done');
  const manifestPath = h.engine.exports.manifestPath(job.id)!;
  exportDir = join(manifestPath, '..');
  manifestName = manifestPath.slice(exportDir.length + 1);
  video = done.files![0]!.url.split('/').pop()!;
  const key = await cli('export-key', '--data', h.dataDir);
  expect(key.code).toBe(0);
  keyFile = join(fixture.dir, 'recorder.pub.pem');
  writeFileSync(keyFile, key.out.slice(0, key.out.indexOf('-----END PUBLIC KEY-----') + 24) + '\n');
}, 120_000);

afterAll(async () => {
  await h?.close();
  fixture?.cleanup();
});

describe('signed exports', () => {
  it('a real export carries the install key in its manifest and verifies in the engine, over the API and on the command line', async () => {
    const manifest = JSON.parse(readFileSync(join(exportDir, manifestName), 'utf8')) as { signature: { fingerprint: string; publicKey: string }; files: { path: string; sha256: string }[] };
    const key = await call(VIEWER, 'exports.signingKey', {});
    expect(key?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.signature.fingerprint).toBe(key?.fingerprint);
    expect(manifest.signature.publicKey).toBe(key?.publicKeyPem);
    expect(manifest.files.map((f) => f.path)).toEqual([video]);

    const id = (await call(VIEWER, 'exports.list', {}))[0]!.id;
    const api = await call(VIEWER, 'exports.verify', { id });
    expect(api).toMatchObject({ ok: true, problem: null, signature: { status: 'valid', fingerprint: key?.fingerprint } });

    const plain = await cli('export-verify', join(exportDir, manifestName));
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/^VERIFIED: the signature is valid and every file matches/m);
    const pinned = await cli('export-verify', join(exportDir, manifestName), '--public-key', keyFile);
    expect(pinned.code).toBe(0);
    expect(pinned.out).toMatch(/the given public key/);
  });

  it('one flipped byte in the video fails on its sha256', async () => {
    const path = copyExport('video-flip');
    const file = join(path, '..', video);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(file, bytes);
    const r = await verifyExport(path, { requireSignature: true });
    expect(r.ok).toBe(false);
    expect(r.signature?.status).toBe('valid');
    expect(r.problem).toBe(`${video} does not match its sha256`);
    const run = await cli('export-verify', path, '--public-key', keyFile);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/NOT VERIFIED: .*does not match its sha256/);
  });

  it('one flipped byte in the manifest breaks the signature', async () => {
    const path = copyExport('manifest-flip');
    const text = readFileSync(path, 'utf8');
    // who exported it, one letter changed: still valid JSON, still a manifest, every file still matching
    const changed = text.replace('"exportedBy": "test-admin"', '"exportedBy": "test-admiN"');
    expect(changed).not.toBe(text);
    writeFileSync(path, changed);
    const r = await verifyExport(path, { requireSignature: true });
    expect(r.files.every((f) => f.ok)).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.signature?.status).toBe('invalid');
    expect(r.problem).toMatch(/^Signature: the signature does not match the manifest/);
    // a field added to the manifest breaks it too (the check reads the JSON as written, not a schema's copy)
    writeFileSync(path, JSON.stringify({ ...(JSON.parse(text) as object), note: 'added' }));
    expect((await verifyExport(path)).signature?.status).toBe('invalid');
  });

  it("another key's signature fails: against the recorder's key, and as a forged value under the recorder's key", async () => {
    const other = new ExportSigner(generateKeyPairSync('ed25519').privateKey, Date.now());
    const path = copyExport('other-key');
    const original = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { signature: { value: string } };
    writeFileSync(path, JSON.stringify(other.sign(original), null, 2));
    // consistent in itself, so only a pinned key tells it apart
    expect((await verifyExport(path)).signature?.status).toBe('valid');
    const pinned = await verifyExport(path, { trustedKey: parsePublicKey(readFileSync(keyFile, 'utf8')) });
    expect(pinned.ok).toBe(false);
    expect(pinned.signature?.status).toBe('other_key');
    expect(pinned.problem).toMatch(/signed by another key .* not the expected one/);
    const run = await cli('export-verify', path, '--public-key', keyFile);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/BAD +signature: signed by another key/);

    // the recorder's key and fingerprint kept, the other key's signature value put in
    const forged = { ...original, signature: { ...original.signature, value: other.sign(original).signature.value } };
    writeFileSync(path, JSON.stringify(forged));
    expect(await verifyExport(path)).toMatchObject({ ok: false, signature: { status: 'invalid' } });
  });

  it('unsigned manifests pass only when allowed; the key is made once and reopened from its sealed row', async () => {
    const path = copyExport('unsigned');
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    delete m.signature;
    writeFileSync(path, JSON.stringify(m));
    expect(await verifyExport(path)).toMatchObject({ ok: true, signature: { status: 'unsigned' } });
    expect(await verifyExport(path, { requireSignature: true })).toMatchObject({ ok: false, problem: 'Signature: the manifest is not signed' });

    const db = Database.open(join(fixture.dir, 'keys.db'));
    try {
      const box = keyFileBox(fixture.dir);
      const first = loadSigner(db, box);
      const again = loadSigner(db, box);
      expect(again.info.fingerprint).toBe(first.info.fingerprint);
      const row = db.get<{ private_key_sealed: string }>(sql`SELECT private_key_sealed FROM signing_keys`)!;
      expect(row.private_key_sealed).toMatch(/^enc:v1:/);
      expect(row.private_key_sealed).not.toMatch(/PRIVATE KEY/);
      const signed = again.sign({ b: 1, a: [1, { d: 2, c: 3 }] });
      expect(checkSignature(signed, first.key).status).toBe('valid');
      expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    } finally {
      db.close();
    }
  });
});
