// The vault's methods: whether media is encrypted, the locked state with its reason, unlocking and key rotation.
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

export const VaultStatus = z.object({
  /** off: media is stored plain; locked: the master key is missing, so nothing is recorded, written or deleted. */
  state: z.enum(['off', 'unlocked', 'locked']),
  source: z.enum(['keyfile', 'passphrase', 'keychain']).nullable(),
  message: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

/**
 * Moving a plain install into the vault while it runs: none (never started), running, paused (a full disk, a locked
 * vault: nothing lost, it carries on with start), done (encrypted; the plain originals kept until confirmed),
 * confirmed (originals removed, no way back), rolling_back.
 */
export const VaultMigrationStatus = z.object({
  state: z.enum(['none', 'running', 'paused', 'done', 'confirmed', 'rolling_back']),
  phase: z.enum(['database', 'media', 'finished']).nullable(),
  items: z.object({ done: z.number().int(), total: z.number().int() }),
  bytes: z.object({ done: z.number(), total: z.number() }),
  /** Why it is paused (or what the last attempt hit), in words for the owner. */
  reason: z.string().nullable(),
  /** Media is stored plain and no migration runs: the "Encrypt existing recordings" offer. */
  plainInstall: z.boolean(),
  /** The plain originals are still there: rollback puts them back. */
  canRollback: z.boolean(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  confirmedAt: z.number().int().nullable(),
});
export type VaultMigrationStatus = z.infer<typeof VaultMigrationStatus>;

/** Spread into `topics` (topics.ts): the migration's progress, a few times a second while it runs. */
export const vaultTopics = {
  'vault.migration.progress': VaultMigrationStatus,
};

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

export const vaultMethodSpecs = {
  'vault.status': method({ input: z.object({}).strict(), output: VaultStatus, role: 'viewer', viewer: { needs: null, cameras: 'none' } }),
  /** The passphrase of a passphrase vault; a key-file vault retries its file (put back) when called without one. */
  'vault.unlock': method({ input: z.object({ passphrase: z.string().min(1).max(1024).optional() }).strict(), output: VaultStatus, role: 'admin', audit: true }),
  /** A new master key (or passphrase) re-wraps every camera's data key; footage is not re-encrypted. */
  'vault.rotate': method({ input: z.object({ passphrase: z.string().min(8).max(1024).optional() }).strict(), output: z.object({ rewrapped: z.number().int() }), role: 'admin', audit: true }),
  'vault.migration.status': method({ input: z.object({}).strict(), output: VaultMigrationStatus, role: 'admin' }),
  /** Starts (or resumes) encrypting a plain install's database and media in the background; refused when the disk cannot hold the copies. */
  'vault.migration.start': method({ input: z.object({}).strict(), output: VaultMigrationStatus, role: 'admin', audit: true }),
  /** Removes the plain originals once the encrypted media has been seen to work; no rollback after this. */
  'vault.migration.confirm': method({ input: z.object({}).strict(), output: VaultMigrationStatus, role: 'admin', audit: true }),
  /** Puts the plain install back exactly as it was (refused once confirmed). */
  'vault.migration.rollback': method({ input: z.object({}).strict(), output: VaultMigrationStatus, role: 'admin', audit: true }),
};
