#!/usr/bin/env node
// The `porchlight` command: run the headless server, and tools that use the same engine.
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEngine } from '../core/app.js';
import { createLogger } from '../core/log/index.js';
import { defaultDataDir } from '../core/paths.js';
import { APP_ROOT, VERSION } from '../core/version.js';
import { AuditLog } from '../core/audit/index.js';
import { analyzeFile, formatTable } from '../core/detect/analyze.js';
import { createDetector } from '../core/detect/detector.js';
import { evaluate, formatEval } from '../core/detect/eval.js';
import { DetectError } from '../core/detect/frame.js';
import { formatFingerprint, parsePublicKey, readPublicKey, verifyExport } from '../core/export/index.js';
import { FfmpegSettings } from '../common/settings/index.js';
import { describeIssues } from '../common/zod-errors.js';
import { AUDIT_HEAD_FILE } from '../core/app.js';
import { registerDbCommand } from './cli-db.js';
import { registerUsersCommand } from './cli-users.js';
import { addVaultOptions, registerVaultCommand, vaultSource, type VaultFlags } from './cli-vault.js';
import { requireDataDir, withDataDir } from './data-dir.js';
import { createServer } from './server.js';
import { isLoopback, loadTls, selfSignedTls, type TlsMaterial } from './tls.js';

const log = createLogger('cli');

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one)');
  return n;
}

const program = new Command()
  .name('porchlight')
  .description('Porchlight: a private video recorder for your own cameras. Nothing leaves this machine.')
  .version(VERSION);

addVaultOptions(program
  .command('serve'))
  .description('Run the engine without a desktop window and serve the Porchlight UI to a browser')
  .option('-d, --data <dir>', 'data directory: database, recordings, snapshots, exports, models', defaultDataDir())
  .option('-H, --host <address>', 'address to listen on; keep 127.0.0.1 unless other devices must connect', '127.0.0.1')
  .option('-p, --port <number>', 'port to listen on (0 picks a free one)', parsePort, 8765)
  .option('--ui <dir>', 'folder of the built UI to serve', resolve(APP_ROOT, 'dist/renderer'))
  .option('--tls-cert <file>', 'PEM certificate for HTTPS (needed, with --tls-key, for any address but loopback)')
  .option('--tls-key <file>', 'PEM private key for --tls-cert')
  .option('--tls', 'serve HTTPS even on loopback (a self-signed certificate unless --tls-cert is given)')
  .option('--no-cameras', 'do not connect to cameras (API and UI only)')
  .option('--allowed-host <name>', 'a name or address browsers use to reach this server (repeatable; loopback and this machine\'s own are always allowed)', collect, [])
  .option('--ffmpeg <path>', 'the ffmpeg program to run (it cannot be changed over the network)')
  .option('--ffprobe <path>', 'the ffprobe program to run (it cannot be changed over the network)')
  .action(async (opts: ServeOptions) => {
    const dataDir = resolve(opts.data);
    requireDataDir(dataDir, { create: true });
    if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
    let tls: TlsMaterial | undefined;
    if (opts.tlsCert && opts.tlsKey) tls = loadTls(opts.tlsCert, opts.tlsKey);
    else if (opts.tls || !isLoopback(opts.host)) tls = await selfSignedTls(dataDir, opts.host);
    const ffmpegPaths = ffmpegFlags(opts);
    const engine = await startEngine({
      dataDir,
      host: 'server',
      startCameras: opts.cameras,
      // on for a new install; a locked vault (key file missing) starts anyway and says so: recording waits for the key
      vault: { encryption: opts.encryption ? 'auto' : 'off', source: vaultSource(dataDir, opts) },
      ...(ffmpegPaths ? { ffmpeg: ffmpegPaths } : {}),
    });
    const vaultState = engine.vault.status();
    if (vaultState.state === 'locked') process.stdout.write(`${vaultState.message}\n`);
    let server;
    try {
      server = await createServer({ engine, host: opts.host, port: opts.port, staticDir: opts.ui, tls, allowedHosts: opts.allowedHost });
    } catch (err) {
      await engine.stop();
      throw err;
    }

    if (tls?.selfSigned) process.stdout.write(`Self-signed certificate, SHA-256 fingerprint: ${tls.fingerprint256}\nCheck that your browser shows this fingerprint before you accept the certificate.\n`);
    if (server.setupCode) {
      process.stdout.write(`First start: open ${server.url} to create the admin account with this one-time code.\nSetup code: ${server.setupCode}\n(Only someone who can read this console can create the first admin.)\n`);
    }
    // one line on stdout that people and tests can wait for (after the setup code, so it is there when this is)
    process.stdout.write(`Porchlight ${VERSION} listening on ${server.url} (data: ${dataDir})\n`);
    let stopping = false;
    const shutdown = (reason: string, code: number): void => {
      if (stopping) return;
      stopping = true;
      log.info({ reason }, 'shutting down');
      // a stop that hangs must not keep a service manager from restarting us
      setTimeout(() => process.exit(code || 1), 20_000).unref();
      void (async () => {
        await server.close().catch((err: unknown) => log.error({ err }, 'server close failed'));
        await engine.stop();
        process.exit(code);
      })();
    };
    process.on('SIGINT', () => shutdown('SIGINT', 0));
    process.on('SIGTERM', () => shutdown('SIGTERM', 0));
    process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection (kept running)'));
    process.on('uncaughtException', (err, origin) => {
      // the state of the process is unknown: finalise what is being written and exit; the service manager restarts us
      log.fatal({ err, origin }, 'unexpected error: stopping so that the service restarts cleanly');
      shutdown('uncaught exception', 1);
    });
  });

program
  .command('analyze')
  .description('Run the detection pipeline on an image or video file and print what it finds (nothing leaves this machine)')
  .argument('<file>', 'an image (detections) or a video (events)')
  .option('--json', 'print JSON: {"detections": [...]} for an image, {"events": [...]} for a video')
  .option('-m, --model <name>', 'model from the manifest (default: the default model)')
  .option('--models-dir <dir>', 'folder holding model files (default: $PORCHLIGHT_MODELS_DIR, then <data>/models)')
  .option('-d, --data <dir>', 'data directory whose models/ folder is searched', defaultDataDir())
  .option('--fps <n>', 'frames per second analysed in a video (default: the camera default)', (v) => Number(v))
  .action(async (file: string, opts: { json?: boolean; model?: string; modelsDir?: string; data: string; fps?: number }) => {
    try {
      const result = await analyzeFile(resolve(file), {
        model: opts.model,
        modelsDir: opts.modelsDir ?? process.env.PORCHLIGHT_MODELS_DIR,
        dataDir: resolve(opts.data),
        fps: opts.fps,
      });
      if (!opts.json) process.stdout.write(`${formatTable(result)}\n`);
      else if (result.kind === 'image') process.stdout.write(`${JSON.stringify({ detections: result.detections })}\n`);
      else process.stdout.write(`${JSON.stringify({ events: result.events.map(({ label, start, end, topScore, box }) => ({ label, start, end, topScore, box })) })}\n`);
    } catch (err) {
      if (err instanceof DetectError) {
        process.stderr.write(`porchlight analyze: ${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  });

program
  .command('eval')
  .description('Score the detection pipeline against ground truth: a folder of images with YOLO labels, or a video with a JSON of visits')
  .argument('<path>', 'a folder (images/…/x.jpg + labels/…/x.txt) or a video file')
  .option('--visits <file>', 'for a video: {"visits": [{"label", "start", "end", "box"?, "maxEvents"?}]} (default: VIDEO.visits.json beside it)')
  .option('--json', 'print the whole result as one JSON object')
  .option('-m, --model <name>', 'model from the manifest (default: the default model)')
  .option('--min-score <n>', 'per-detection score cut-off for images (default 0.3, where models are compared)', (v) => Number(v))
  .option('--models-dir <dir>', 'folder holding model files (default: $PORCHLIGHT_MODELS_DIR, then <data>/models)')
  .option('-d, --data <dir>', 'data directory whose models/ folder is searched', defaultDataDir())
  .action(async (target: string, opts: { visits?: string; json?: boolean; model?: string; minScore?: number; modelsDir?: string; data: string }) => {
    let detector;
    try {
      detector = await createDetector({ model: opts.model, modelsDir: opts.modelsDir ?? process.env.PORCHLIGHT_MODELS_DIR, dataDir: resolve(opts.data) });
      const result = await evaluate(resolve(target), { detector, minScore: opts.minScore, visits: opts.visits ? resolve(opts.visits) : undefined });
      process.stdout.write(`${opts.json ? JSON.stringify(result) : formatEval(result)}\n`);
    } catch (err) {
      process.stderr.write(`porchlight eval: ${(err as Error).message}\n`);
      process.exitCode = 1;
    } finally {
      await detector?.close();
    }
  });

program
  .command('export-verify')
  .description("Check an exported clip (or zip) against its signed manifest: exit code 0 when the signature and every file's sha256 check out, 1 otherwise")
  .argument('<manifest>', 'the .manifest.json written next to the export')
  .option('-k, --public-key <file>', "the recorder's public key (PEM, from Settings or `porchlight export-key`): the manifest must be signed by it")
  .option('--allow-unsigned', 'accept a manifest without a signature (exports made before signing) when its files match')
  .action(async (manifest: string, opts: { publicKey?: string; allowUnsigned?: boolean }) => {
    let trustedKey;
    if (opts.publicKey) {
      try {
        trustedKey = parsePublicKey(readFileSync(resolve(opts.publicKey), 'utf8'));
      } catch (err) {
        process.stderr.write(`porchlight export-verify: ${opts.publicKey}: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
    }
    const result = await verifyExport(resolve(manifest), { trustedKey, requireSignature: !opts.allowUnsigned });
    const sig = result.signature;
    if (sig) {
      const by = sig.fingerprint ? ` key ${formatFingerprint(sig.fingerprint)}` : '';
      const line = { valid: `ok       signature by${by}${trustedKey ? ' (the given public key)' : ''}`, invalid: `BAD      signature: ${sig.problem}`, unsigned: 'UNSIGNED the manifest carries no signature', other_key: `BAD      signature: ${sig.problem}` }[sig.status];
      process.stdout.write(`${line}\n`);
    }
    for (const f of result.files) process.stdout.write(`${f.ok ? 'ok      ' : 'CHANGED '} ${f.path}\n`);
    if (result.ok) {
      const signed = sig?.status === 'valid';
      process.stdout.write(`VERIFIED: ${signed ? 'the signature is valid and ' : ''}every file matches its manifest${signed && !trustedKey ? "; compare the key's fingerprint with the one in the recorder's Settings" : ''}\n`);
    } else {
      process.stdout.write(`NOT VERIFIED${result.problem ? `: ${result.problem}` : ''}\n`);
      process.exitCode = 1;
    }
  });

program
  .command('export-key')
  .description('Print the public key export manifests are signed with (PEM) and its fingerprint, to hand out with exports')
  .option('-d, --data <dir>', 'data directory', defaultDataDir())
  .action((opts: { data: string }) => {
    const dataDir = resolve(opts.data);
    let info;
    try {
      // the database is encrypted: opened with its key, as every tool opens it
      info = withDataDir(dataDir, (db) => readPublicKey(db));
    } catch (err) {
      process.stderr.write(`porchlight export-key: ${(err as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    if (!info) {
      process.stderr.write('porchlight export-key: this data directory has no signing key yet (it is made when the engine first starts)\n');
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${info.publicKeyPem.trimEnd()}\nFingerprint (SHA-256): ${formatFingerprint(info.fingerprint)}\n`);
  });

program
  .command('audit-verify')
  .description('Check that no audit log entry was edited, inserted or removed: exit 0 intact, 1 tampered, 2 unreadable')
  .option('-d, --data <dir>', 'data directory', defaultDataDir())
  .action((opts: { data: string }) => {
    const dataDir = resolve(opts.data);
    let result;
    try {
      result = withDataDir(dataDir, (db, secrets) => new AuditLog(db, secrets.deriveKey('audit log'), join(dataDir, AUDIT_HEAD_FILE)).verify());
    } catch (err) {
      process.stderr.write(`porchlight audit-verify: cannot read the audit log: ${(err as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    if (result.ok) process.stdout.write(`audit log intact: ${result.entries} entries\n`);
    else {
      process.stdout.write(`audit log TAMPERED: ${result.problem}\n`);
      process.exitCode = 1;
    }
  });

registerUsersCommand(program);
registerDbCommand(program);
registerVaultCommand(program);

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ServeOptions extends VaultFlags {
  data: string;
  host: string;
  port: number;
  ui: string;
  cameras: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tls?: boolean;
  allowedHost: string[];
  ffmpeg?: string;
  ffprobe?: string;
}

/** --ffmpeg and --ffprobe: both or neither, absolute local paths. */
function ffmpegFlags(opts: ServeOptions): { ffmpegPath: string; ffprobePath: string } | undefined {
  if (!opts.ffmpeg && !opts.ffprobe) return undefined;
  if (!opts.ffmpeg || !opts.ffprobe) throw new Error('--ffmpeg and --ffprobe go together');
  const parsed = FfmpegSettings.safeParse({ ffmpegPath: resolve(opts.ffmpeg), ffprobePath: resolve(opts.ffprobe) });
  if (!parsed.success) throw new Error(`--ffmpeg/--ffprobe: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`porchlight: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
