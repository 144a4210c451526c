// The vault on the command line: where the server's master key comes from, and `porchlight vault status|rotate`.
import type { Command } from 'commander';
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
}
