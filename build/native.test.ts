// `npm start` on a fresh checkout, up to the point that needs the Electron binary (which cannot be downloaded here):
// the engine's SQLite (better-sqlite3-multiple-ciphers) is built for the ABI in node_modules/electron/abi_version into build/native, the Node build that tests
// and the server load is untouched and still loads, a second start builds nothing, and switching back and forth works.
//
// Electron's headers cannot be downloaded here either, so a loopback mirror serves a stand-in: the headers of another
// Node on this machine (CI: the system Node 20 beside the Node 24 the tests run on), with the checkout's
// node_modules/electron/abi_version set to that Node's ABI. node-gyp, the copy-and-build and the runtime's choice of
// binary are the real ones; only the header source differs from a user's machine.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../test/helpers/run.js';
import { makeTempDir } from '../test/helpers/tmp.js';
import { SQLITE_MODULE } from '../main/core/storage/native-binding.js';
import { ROOT } from './dist.js';

interface OtherNode {
  /** A Node installation: bin/node and include/node. */
  prefix: string;
  abi: string;
}

function abiOf(prefix: string): string | undefined {
  const header = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(header) || !existsSync(join(prefix, 'bin', 'node'))) return undefined;
  return /^#define NODE_MODULE_VERSION (\d+)$/m.exec(readFileSync(header, 'utf8'))?.[1];
}

/** Another Node's headers and binary, with an ABI different from the Node running the tests. */
function findOtherNode(): OtherNode | undefined {
  const candidates = [process.env.PORCHLIGHT_OTHER_NODE, join(ROOT, '.tools', 'node'), '/usr', '/usr/local'].filter((p): p is string => !!p);
  for (const prefix of candidates) {
    const abi = abiOf(prefix);
    if (abi && abi !== process.versions.modules) return { prefix, abi };
  }
  return undefined;
}

/** A cold SQLite module compile takes minutes on a slow machine: the bound only stops a hang. */
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CommandRun> => runCommand(cmd, args, { cwd, env, timeoutMs: 15 * 60_000 });

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** What `git clone` gives: the tracked files (and new ones not ignored), none of the build outputs or local folders. */
async function checkout(into: string): Promise<void> {
  // node_modules and .tools are local folders even where they are links (a git worktree), so never what a clone has
  const r = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '-x', 'node_modules', '-x', '.tools'], ROOT);
  for (const rel of r.out.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, rel))) continue;
    mkdirSync(join(into, rel, '..'), { recursive: true });
    cpSync(join(ROOT, rel), join(into, rel));
  }
}

const other = findOtherNode();
const NODE_BUILD = join(ROOT, 'node_modules', SQLITE_MODULE, 'build', 'Release', 'better_sqlite3.node');

describe.skipIf(!other)('npm start on a fresh checkout (stand-in Electron headers from another Node on this machine)', () => {
  const tmp = makeTempDir('porchlight-fresh-');
  const repo = join(tmp.dir, 'porchlight');
  let mirror: Server;
  let headersUrl = '';
  const requests: string[] = [];
  let electronVersion = '';
  let nodeBuildBefore = '';

  beforeAll(async () => {
    if (!other) return;
    await checkout(repo);
    expect(existsSync(join(repo, 'build', 'native'))).toBe(false);
    // node_modules as `npm ci` left it, shared read-only by links, except electron, whose abi_version names the stand-in's ABI
    mkdirSync(join(repo, 'node_modules'));
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (entry === 'electron') continue;
      symlinkSync(join(ROOT, 'node_modules', entry), join(repo, 'node_modules', entry));
    }
    cpSync(join(ROOT, 'node_modules', 'electron'), join(repo, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'electron', 'abi_version'), other.abi);
    electronVersion = (JSON.parse(readFileSync(join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;

    // the headers tarball and checksum list node-gyp asks Electron's header server for
    const stage = join(tmp.dir, 'headers', `node-v${electronVersion}`, 'include');
    mkdirSync(stage, { recursive: true });
    cpSync(join(other.prefix, 'include', 'node'), join(stage, 'node'), { recursive: true });
    const tarball = join(tmp.dir, 'headers.tar.gz');
    const tar = await run('tar', ['czf', tarball, '-C', join(tmp.dir, 'headers'), `node-v${electronVersion}`], tmp.dir);
    expect(tar.code).toBe(0);
    const bytes = readFileSync(tarball);
    const files: Record<string, Buffer> = {
      [`/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`]: bytes,
      [`/v${electronVersion}/SHASUMS256.txt`]: Buffer.from(`${createHash('sha256').update(bytes).digest('hex')}  node-v${electronVersion}-headers.tar.gz\n`),
    };
    mirror = createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = files[req.url ?? ''];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
    headersUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    nodeBuildBefore = sha256(NODE_BUILD);
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((r) => (mirror ? mirror.close(() => r()) : r()));
    tmp.cleanup();
  });

  const env = (): NodeJS.ProcessEnv => ({ PORCHLIGHT_ELECTRON_HEADERS_URL: headersUrl, HOME: join(tmp.dir, 'home'), ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
  const electronDir = (): string => join(repo, 'build', 'native', `electron-v${other?.abi}-${process.platform}-${process.arch}`);

  it('npm start builds the SQLite module for the ABI in node_modules/electron/abi_version, then stops only at the missing Electron binary', async () => {
    const start = await run('npm', ['start'], repo, env());
    // the step that needs the binary is the last one: the native module and the app were built before it
    expect(start.out).toContain(`building ${SQLITE_MODULE}`);
    expect(start.out).toContain(`for Electron ${electronVersion} (ABI ${other?.abi}`);
    expect(existsSync(join(repo, 'dist', 'main', 'electron', 'main.js'))).toBe(true);
    expect(existsSync(join(repo, 'dist', 'renderer', 'index.html'))).toBe(true);
    expect(start.out).toMatch(/Electron failed to install correctly/);
    expect(start.code).not.toBe(0);
    expect(requests.some((u) => u.endsWith('-headers.tar.gz'))).toBe(true);

    const built = join(electronDir(), 'better_sqlite3.node');
    expect(existsSync(built)).toBe(true);
    // this Node refuses it and names its ABI: it was built for Electron's, not for this Node's
    const refused = await run(process.execPath, ['-e', `require(${JSON.stringify(built)})`], repo);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain(`NODE_MODULE_VERSION ${other?.abi}`);
    expect(refused.out).toContain(`requires\nNODE_MODULE_VERSION ${process.versions.modules}`);
  }, 20 * 60_000);

  it('the runtime whose ABI it is opens a database with it, through the engine’s own choice of binary', async () => {
    // a process that says it is Electron with that ABI takes build/native's binary, exactly as the desktop app does
    const script = `
      import { sqliteBinding } from './main/core/storage/native-binding.ts';
      import Database from 'better-sqlite3-multiple-ciphers';
      import { readFileSync } from 'node:fs';
      const file = sqliteBinding({ electron: ${JSON.stringify(electronVersion)}, modules: process.versions.modules }, process.cwd());
      if (!file) throw new Error('no binding chosen');
      // an encrypted file, as the engine keeps it: SQLCipher 4 pages under a raw key
      const dbFile = 'build/native/probe.db';
      const db = new Database(dbFile, { nativeBinding: file });
      db.pragma("cipher = 'sqlcipher'");
      db.pragma('legacy = 4');
      db.key(Buffer.from("x'" + '5a'.repeat(32) + "'"));
      db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('porch-probe-42')");
      const value = db.prepare('SELECT v FROM t').get().v;
      db.close();
      console.log(JSON.stringify({ file, value, plainInFile: readFileSync(dbFile).includes('porch-probe-42') }));
    `;
    const r = await run(join(other!.prefix, 'bin', 'node'), ['--import', 'tsx', '--input-type=module', '-e', script], repo);
    expect(r.code, r.out).toBe(0);
    const line = JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { file: string; value: string; plainInFile: boolean };
    expect(line.value).toBe('porch-probe-42');
    expect(line.plainInFile).toBe(false);
    expect(line.file).toBe(join(electronDir(), 'better_sqlite3.node'));
  }, 120_000);

  it('the Node build is untouched and still what plain Node (tests, porchlight serve) loads', async () => {
    expect(sha256(NODE_BUILD)).toBe(nodeBuildBefore);
    const script = `
      import { Database } from './main/core/storage/database.ts';
      const db = Database.open(':memory:');
      console.log(JSON.stringify({ schema: db.schemaVersion }));
    `;
    const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], repo);
    expect(r.code, r.out).toBe(0);
    expect((JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { schema: number }).schema).toBeGreaterThan(0);
  }, 120_000);

  it('a second start builds nothing (no header download, no compile), and both builds still load after switching', async () => {
    const before = requests.length;
    const again = await run(process.execPath, ['--import', 'tsx', 'build/native.ts'], repo, env());
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain('nothing to do');
    expect(requests.length).toBe(before);
    const nodeSide = await run(process.execPath, ['-e', "new (require('better-sqlite3-multiple-ciphers'))(':memory:').close(); console.log('node ok')"], repo);
    expect(nodeSide.out).toContain('node ok');
    const electronSide = await run(
      join(other!.prefix, 'bin', 'node'),
      ['-e', `new (require('better-sqlite3-multiple-ciphers'))(':memory:', { nativeBinding: ${JSON.stringify(join(electronDir(), 'better_sqlite3.node'))} }).close(); console.log('electron-abi ok')`],
      repo,
    );
    expect(electronSide.out).toContain('electron-abi ok');
    expect(sha256(NODE_BUILD)).toBe(nodeBuildBefore);
  }, 120_000);

  it('a changed Electron (another version in node_modules) builds again; a failed build names what is missing and keeps the old one', async () => {
    const pkgFile = join(repo, 'node_modules', 'electron', 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: `${pkg.version}-next` }));
    // the mirror has no headers for that version: node-gyp fails, and the message says what the build needs
    const r = await run(process.execPath, ['--import', 'tsx', 'build/native.ts'], repo, env());
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/building better-sqlite3-multiple-ciphers for Electron .*-next failed/);
    expect(r.out).toMatch(/The Node build for tests and the server is untouched/);
    expect(existsSync(join(electronDir(), 'better_sqlite3.node'))).toBe(true);
    expect(readdirSync(join(repo, 'build', 'native')).filter((d) => d.startsWith('.staging'))).toEqual([]);
    expect(sha256(NODE_BUILD)).toBe(nodeBuildBefore);
    writeFileSync(pkgFile, JSON.stringify(pkg));
  }, 120_000);
});

if (!other) {
  describe('npm start on a fresh checkout', () => {
    it.skip('needs the headers of a second Node with another ABI on this machine (CI has /usr beside .tools/node); none found', () => undefined);
  });
}
