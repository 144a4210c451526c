// The vault: encryption at rest for media (the chunked file format, the key hierarchy, locked and unlocked).
export { Vault, VaultLockedError, type VaultOptions, type VaultState, type VaultStatus } from './vault.js';
export { keychainSource, keyFileSource, passphraseSource, type MasterSource } from './master.js';
export { CHUNK, HEADER, TAG, VaultFormatError, isVaultHeader } from './format.js';
export { VaultMigration, type VaultMigrationOptions } from './migrate.js';
