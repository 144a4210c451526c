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

const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;

export const vaultMethodSpecs = {
  'vault.status': method({ input: z.object({}).strict(), output: VaultStatus, role: 'viewer', viewer: { needs: null, cameras: 'none' } }),
  /** The passphrase of a passphrase vault; a key-file vault retries its file (put back) when called without one. */
  'vault.unlock': method({ input: z.object({ passphrase: z.string().min(1).max(1024).optional() }).strict(), output: VaultStatus, role: 'admin', audit: true }),
  /** A new master key (or passphrase) re-wraps every camera's data key; footage is not re-encrypted. */
  'vault.rotate': method({ input: z.object({ passphrase: z.string().min(8).max(1024).optional() }).strict(), output: z.object({ rewrapped: z.number().int() }), role: 'admin', audit: true }),
};
