// The vault on the command line: where the server's master key comes from, and `porchlight vault status|rotate|migrate`.
import type { Command } from 'commander';
import type { VaultMigrationStatus } from '../common/contract/index.js';
import { startEngine } from '../core/app.js';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../core/paths.js';
import { keyFileSource, passphraseSource, Vault, type MasterSource } from '../core/vault/index.js';
import { openDataDir, requireDataDir } from './data-dir.js';

export interface VaultFlags {
  vaultKey?: string;
  encryption: boolean;
}

/** The passphrase, when the vault is one: from the environment only, never a flag (flags show in `ps`). */
const PASSPHRASE_ENV = 'PORCHLIGHT_VAULT_PASSPHRASE';

export function addVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-key <file>', 'the vault\'s master key file (0600; default <data>/vault.key; keep it off the recordings\' disk)')
    .option('--no-encryption', 'store the media of a new install plain (an encrypted install stays encrypted)');
}

/** The master key source the flags and environment name: a passphrase in $PORCHLIGHT_VAULT_PASSPHRASE, else a key file. */
export function vaultSource(dataDir: string, flags: VaultFlags): MasterSource {
  const passphrase = process.env[PASSPHRASE_ENV];
  if (passphrase !== undefined) return passphraseSource(passphrase);
  return keyFileSource(resolve(flags.vaultKey ?? join(dataDir, 'vault.key')));
}

export function registerVaultCommand(program: Command): void {
  const vault = program.command('vault').description('Encryption at rest: the vault\'s state and its master key');
  addVaultOptions(vault.command('status').description('Whether media is encrypted, and whether the master key is there').option('-d, --data <dir>', 'data directory', defaultDataDir())).action(
    async (opts: VaultFlags & { data: string }) => {
      const dataDir = resolve(opts.data);
      requireDataDir(dataDir);
      const d = openDataDir(dataDir);
      let status;
      try {
        status = await new Vault(d.db, { encryption: 'off', source: vaultSource(dataDir, opts) }).open();
      } finally {
        d.close();
      }
      process.stdout.write(`${status.state}${status.message ? `: ${status.message}` : ''}\n`);
      if (status.state === 'locked') process.exitCode = 1;
    },
  );
  addVaultOptions(
    vault
      .command('rotate')
      .description(`A new master key re-wraps every camera's data key (footage is not re-encrypted); a passphrase vault takes the new one from $${PASSPHRASE_ENV}_NEW. Stop the server first, or use the vault.rotate API method while it runs.`)
      .option('-d, --data <dir>', 'data directory', defaultDataDir()),
  ).action(async (opts: VaultFlags & { data: string }) => {
    const dataDir = resolve(opts.data);
    requireDataDir(dataDir);
    const d = openDataDir(dataDir);
    try {
      const v = new Vault(d.db, { encryption: 'off', source: vaultSource(dataDir, opts) });
      const status = await v.open();
      if (status.state !== 'unlocked') throw new Error(status.state === 'off' ? 'media in this data directory is not encrypted' : (status.message ?? 'the vault is locked'));
      const next = v.source.kind === 'passphrase' ? process.env[`${PASSPHRASE_ENV}_NEW`] : undefined;
      if (v.source.kind === 'passphrase' && !next) throw new Error(`set $${PASSPHRASE_ENV}_NEW to the new passphrase`);
      const n = await v.rotateMaster(next);
      process.stdout.write(`vault master key rotated: ${n} camera keys re-wrapped, footage untouched\n`);
    } finally {
      d.close();
    }
  });

  addVaultOptions(
    vault
      .command('migrate')
      .description('Encrypts a plain install\'s database, recordings, snapshots and thumbnails (resumes an interrupted run); the plain originals stay until --confirm, and --rollback puts them back. Stop the server first, or use Settings while it runs.')
      .option('-d, --data <dir>', 'data directory', defaultDataDir())
      .option('--status', 'only say where the migration stands')
      .option('--confirm', 'remove the plain originals (no rollback afterwards)')
      .option('--rollback', 'put the plain install back exactly as it was'),
  ).action(async (opts: VaultFlags & { data: string; status?: boolean; confirm?: boolean; rollback?: boolean }) => {
    const dataDir = resolve(opts.data);
    requireDataDir(dataDir);
    if ([opts.status, opts.confirm, opts.rollback].filter(Boolean).length > 1) throw new Error('give one of --status, --confirm and --rollback');
    const engine = await startEngine({ dataDir, host: 'server', startCameras: false, vault: { encryption: 'off', source: vaultSource(dataDir, opts) } });
    try {
      const job = engine.vaultMigration;
      if (opts.status) {
        process.stdout.write(`${describeMigration(job.status())}\n`);
        return;
      }
      const tty = process.stdout.isTTY;
      const unsubscribe = engine.bus.subscribe('vault.migration.progress', (s) => process.stdout.write(`${tty ? '\r' : ''}${describeMigration(s)}${tty ? '' : '\n'}`));
      try {
        let s = opts.confirm ? await job.confirm() : opts.rollback ? await job.rollback() : await job.start();
        // bounded by the work itself: the job ends (done, paused or rolled back) and says so
        while (s.state === 'running' || s.state === 'rolling_back') {
          await new Promise((r) => setTimeout(r, 200));
          s = job.status();
        }
        process.stdout.write(`${tty ? '\n' : ''}${describeMigration(s)}\n`);
        if (s.state === 'paused') process.exitCode = 1;
      } finally {
        unsubscribe();
      }
    } finally {
      await engine.stop();
    }
  });
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

/** One progress line: what the migration does, files and bytes. */
export function describeMigration(s: VaultMigrationStatus): string {
  const counts = `${s.items.done}/${s.items.total} files, ${mb(s.bytes.done)}/${mb(s.bytes.total)}`;
  switch (s.state) {
    case 'none':
      return s.plainInstall ? 'plain: media and database are not encrypted (porchlight vault migrate encrypts them)' : 'no migration: media is encrypted';
    case 'running':
      return `migrating (${s.phase}): ${counts}`;
    case 'paused':
      return `paused: ${counts}: ${s.reason ?? ''}`;
    case 'done':
      return `done: ${counts} encrypted; the plain originals are kept until \`porchlight vault migrate --confirm\` (or --rollback)`;
    case 'confirmed':
      return `confirmed: ${counts} encrypted, the plain originals removed`;
    case 'rolling_back':
      return `rolling back: ${s.items.done} files still encrypted`;
  }
}
