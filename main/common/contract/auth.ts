// Accounts and login for the server host (the desktop user is always the local admin).
import { z } from 'zod';
import { CameraScope, DEFAULT_VIEWER_PERMISSIONS, Permission } from './access.js';

export const Username = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
export const Password = z.string().min(10, 'at least 10 characters').max(256);
export const UserRole = z.enum(['admin', 'viewer']);

export const Credentials = z.object({ username: Username, password: z.string().min(1).max(256) }).strict();
/** The first admin needs the one-time code the server printed on its console: reaching the page first is not enough. */
export const SetupCode = z.string().trim().min(1, 'the setup code the server printed when it started').max(64);
export const SetupInput = z.object({ username: Username, password: Password, setupCode: SetupCode }).strict();

/** What a viewer may do and on which cameras; an admin's are always every permission on every camera. */
export const UserAccess = z
  .object({
    permissions: z.array(Permission).max(Permission.options.length).transform((p) => [...new Set(p)]),
    cameras: CameraScope,
  })
  .strict();
export type UserAccess = z.infer<typeof UserAccess>;

/** A new account: without permissions or cameras a viewer gets the defaults (DEFAULT_VIEWER_PERMISSIONS, every camera). */
export const NewUser = z
  .object({
    username: Username,
    password: Password,
    role: UserRole,
    permissions: UserAccess.shape.permissions.default([...DEFAULT_VIEWER_PERMISSIONS]),
    cameras: CameraScope.default(null),
  })
  .strict();

export const User = z.object({
  id: z.number().int(),
  username: z.string(),
  role: UserRole,
  createdAt: z.number().int(),
  permissions: z.array(Permission),
  cameras: CameraScope,
});
export type User = z.infer<typeof User>;

export const AuthStatus = z.object({
  /** No account exists yet: the server asks for the first admin. */
  needsSetup: z.boolean(),
  user: z.object({ username: z.string(), role: UserRole, permissions: z.array(Permission), cameras: CameraScope }).nullable(),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

export const AUTH_ROUTES = {
  status: '/api/auth/status',
  setup: '/api/auth/setup',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
} as const;
