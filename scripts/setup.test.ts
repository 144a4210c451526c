// setup.sh on the systems the README names, in root filesystems made with debootstrap: Debian 12, Ubuntu 22.04 and
// 24.04. In each, the app's and the tests' packages resolve with `apt-get -s`, the deb's dependencies (from the
// electron-builder config) resolve as apt would resolve the real installer, and the Node check says what to do.
// Making the roots needs root and the distributions' mirrors (the only hosts this test reaches besides loopback).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCommand, type CommandRun } from '../test/helpers/run.js';
import { makeTempDir } from '../test/helpers/tmp.js';

const ROOT = join(import.meta.dirname, '..');

interface Release {
  name: string;
  family: 'debian' | 'ubuntu';
  version: string;
  mirror: string;
  components: string;
}

const RELEASES: Release[] = [
  { name: 'bookworm', family: 'debian', version: '12', mirror: 'http://deb.debian.org/debian', components: 'main' },
  { name: 'jammy', family: 'ubuntu', version: '22.04', mirror: 'http://archive.ubuntu.com/ubuntu', components: 'main,universe' },
  { name: 'noble', family: 'ubuntu', version: '24.04', mirror: 'http://archive.ubuntu.com/ubuntu', components: 'main,universe' },
];

const run = (cmd: string, args: string[]): Promise<CommandRun> => runCommand(cmd, args, { env: { DEBIAN_FRONTEND: 'noninteractive' } });

const isRoot = process.getuid?.() === 0;
const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap && command -v dpkg-deb'], { stdio: 'ignore' }).status === 0;
const why = !isRoot ? 'debootstrap and chroot need root' : !hasDebootstrap ? 'debootstrap is not installed (bash scripts/setup.sh --tests installs it)' : '';

/** debootstrap's own script for the release, or the newest Ubuntu one it has (its scripts are the same since gutsy). */
function bootstrapScript(release: Release): string | undefined {
  const own = `/usr/share/debootstrap/scripts/${release.name}`;
  return existsSync(own) ? undefined : '/usr/share/debootstrap/scripts/gutsy';
}

/** An empty package whose Depends are the installer's: apt resolves it exactly as it would the real .deb. */
function depsPackage(dir: string): string {
  const config = YAML.parse(readFileSync(join(ROOT, 'build', 'electron-builder.yml'), 'utf8')) as { deb: { depends: string[] } };
  const pkg = join(dir, 'porchlight-deps');
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(pkg, 'DEBIAN', 'control'),
    ['Package: porchlight-deps', 'Version: 0.0.1', 'Architecture: all', 'Maintainer: tests <tests@localhost>', `Depends: ${config.deb.depends.join(', ')}`, 'Description: the dependencies of the Porchlight deb', ''].join('\n'),
  );
  const out = join(dir, 'porchlight-deps.deb');
  const r = spawnSync('dpkg-deb', ['--build', pkg, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dpkg-deb failed: ${r.stderr}`);
  return out;
}

describe.skipIf(!!why)('setup.sh in Debian and Ubuntu root filesystems (debootstrap)', () => {
  const tmp = makeTempDir('porchlight-roots-');
  const made = new Map<string, CommandRun>();
  const rootOf = (r: Release): string => join(tmp.dir, r.name);
  const inRoot = (r: Release, ...args: string[]): Promise<CommandRun> => run('chroot', [rootOf(r), ...args]);

  beforeAll(async () => {
    const deb = depsPackage(tmp.dir);
    // the three roots download at once: the time is the mirrors', not this machine's
    await Promise.all(
      RELEASES.map(async (r) => {
        const script = bootstrapScript(r);
        const result = await run('debootstrap', ['--variant=minbase', `--components=${r.components}`, r.name, rootOf(r), r.mirror, ...(script ? [script] : [])]);
        made.set(r.name, result);
        if (result.code !== 0) return;
        mkdirSync(join(rootOf(r), 'opt', 'porchlight', 'scripts'), { recursive: true });
        copyFileSync(join(ROOT, 'scripts', 'setup.sh'), join(rootOf(r), 'opt', 'porchlight', 'scripts', 'setup.sh'));
        copyFileSync(join(ROOT, 'package.json'), join(rootOf(r), 'opt', 'porchlight', 'package.json'));
        copyFileSync(deb, join(rootOf(r), 'tmp', 'porchlight-deps.deb'));
      }),
    );
  }, 15 * 60_000);

  afterAll(() => tmp.cleanup());

  describe.each(RELEASES)('$family $version ($name)', (release) => {
    const ready = (): void => {
      const m = made.get(release.name);
      expect(m?.code, `debootstrap ${release.name}: ${m?.out.slice(-2000)}`).toBe(0);
    };

    it('resolves what the app needs, and says which Node to get', async () => {
      ready();
      const r = await inRoot(release, '/bin/bash', '/opt/porchlight/scripts/setup.sh', '--simulate');
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`system packages for ${release.family} ${release.version}`);
      expect(r.out).toMatch(/apt-get -s: \d+ packages would be installed/);
      expect(r.out).toMatch(/Node none found; Porchlight needs Node 24\.\d+/);
      expect(r.out).not.toContain('chromium');
    }, 5 * 60_000);

    it('resolves what the tests need, with Chromium from where this release has it', async () => {
      ready();
      const r = await inRoot(release, '/bin/bash', '/opt/porchlight/scripts/setup.sh', '--tests', '--simulate');
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/apt-get -s: \d+ packages would be installed/);
      const plan = readFileSync(join(rootOf(release), 'tmp', 'porchlight-setup-simulate.txt'), 'utf8');
      for (const p of ['ffmpeg', 'gir1.2-gst-rtsp-server-1.0', 'mosquitto', 'debootstrap']) expect(plan).toMatch(new RegExp(`^Inst ${p.replaceAll('.', '\\.')} `, 'm'));
      if (release.family === 'debian') expect(plan).toMatch(/^Inst chromium /m);
      else {
        // Ubuntu's apt chromium is a snap shim: the tests take Playwright's Chromium instead
        expect(plan).not.toMatch(/^Inst chromium /m);
        expect(r.out).toContain("Playwright's build");
      }
    }, 5 * 60_000);

    it("installs the deb's dependencies (electron-builder's defaults, ALSA, GBM, ffmpeg)", async () => {
      ready();
      const r = await inRoot(release, 'apt-get', '-s', 'install', '-y', '--no-install-recommends', '/tmp/porchlight-deps.deb');
      expect(r.code, r.out).toBe(0);
      for (const p of ['ffmpeg', 'libnotify4', 'xdg-utils', 'libgbm1']) expect(r.out).toMatch(new RegExp(`^Inst ${p} `, 'm'));
      expect(r.out).toMatch(/^Inst libsecret-1-0 /m);
      expect(r.out).toMatch(/^Inst libasound2(t64)? /m);
    }, 5 * 60_000);
  });

  it("Ubuntu without 'universe': stops before installing anything and says how to enable it", async () => {
    const noble = RELEASES.find((r) => r.name === 'noble')!;
    expect(made.get('noble')?.code).toBe(0);
    const sources = join(rootOf(noble), 'etc', 'apt', 'sources.list');
    const before = readFileSync(sources, 'utf8');
    writeFileSync(sources, before.replace(' universe', ''));
    try {
      const r = await inRoot(noble, '/bin/bash', '/opt/porchlight/scripts/setup.sh', '--simulate');
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/no installable version of:.*ffmpeg/);
      expect(r.out).toContain('add-apt-repository universe');
    } finally {
      writeFileSync(sources, before);
    }
  }, 5 * 60_000);
});

if (why) {
  describe('setup.sh in Debian and Ubuntu root filesystems (debootstrap)', () => {
    it.skip(`cannot run here: ${why}`, () => undefined);
  });
}
