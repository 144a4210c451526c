// The vault over the API: its state for the banner, unlocking (a passphrase, or the key file put back) and rotation.
import { ApiFailure } from '../../common/contract/index.js';
import type { Vault, VaultMigration } from '../vault/index.js';
import type { Implementation } from './router.js';

type VaultMethods = Pick<Implementation, 'vault.status' | 'vault.unlock' | 'vault.rotate' | 'vault.migration.status' | 'vault.migration.start' | 'vault.migration.confirm' | 'vault.migration.rollback'>;

export function vaultApi(deps: { vault?: Vault; migration?: VaultMigration; onUnlocked?: () => void }): VaultMethods {
  const off = { state: 'off' as const, source: null, message: null };
  const job = (): VaultMigration => {
    if (!deps.migration) throw new ApiFailure('unavailable', 'This host cannot migrate its media into the vault');
    return deps.migration;
  };
  return {
    'vault.migration.status': () => job().status(),
    'vault.migration.start': () => job().start(),
    'vault.migration.confirm': () => job().confirm(),
    'vault.migration.rollback': () => job().rollback(),
    'vault.status': () => deps.vault?.status() ?? off,
    'vault.unlock': async ({ passphrase }) => {
      const v = deps.vault;
      if (!v?.enabled) return off;
      if (await v.tryUnlock(passphrase)) deps.onUnlocked?.();
      return v.status();
    },
    'vault.rotate': async ({ passphrase }) => {
      const v = deps.vault;
      if (!v?.enabled) throw new ApiFailure('invalid_input', 'Media is not encrypted: there is no master key to rotate');
      if (v.status().state !== 'unlocked') throw new ApiFailure('unavailable', 'The vault is locked: unlock it before rotating its key');
      if (v.source.kind === 'passphrase' && !passphrase) throw new ApiFailure('invalid_input', 'A passphrase vault rotates to a new passphrase: give it');
      return { rewrapped: await v.rotateMaster(passphrase) };
    },
  };
}
