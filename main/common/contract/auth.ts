// Accounts and login for the server host (the desktop user is always the local admin).
import { z } from 'zod';

export const Username = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
export const Password = z.string().min(10, 'at least 10 characters').max(256);
export const UserRole = z.enum(['admin', 'viewer']);

export const Credentials = z.object({ username: Username, password: z.string().min(1).max(256) }).strict();
export const SetupInput = z.object({ username: Username, password: Password }).strict();

export const User = z.object({ id: z.number().int(), username: z.string(), role: UserRole, createdAt: z.number().int() });
export type User = z.infer<typeof User>;

export const AuthStatus = z.object({
  /** No account exists yet: the server asks for the first admin. */
  needsSetup: z.boolean(),
  user: z.object({ username: z.string(), role: UserRole }).nullable(),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

export const AUTH_ROUTES = {
  status: '/api/auth/status',
  setup: '/api/auth/setup',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
} as const;
