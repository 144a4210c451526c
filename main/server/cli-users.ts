// `porchlight users`: the owner at the machine lists accounts, creates one, sets what a viewer may do and see, resets a password or unlocks an account.
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { CameraId, DEFAULT_VIEWER_PERMISSIONS, Password, Permission, PERMISSIONS, UserRole, Username, type CameraScope, type User } from '../common/contract/index.js';
import { describeIssues } from '../common/zod-errors.js';
import { AuditLog } from '../core/audit/index.js';
import { Accounts } from '../core/auth/users.js';
import { defaultDataDir } from '../core/paths.js';
import { AUDIT_HEAD_FILE } from '../core/app.js';
import { openDataDir, withDataDir } from './data-dir.js';

/** The password from stdin: one line, so a script can pipe it and it never appears in the process list. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('New password (at least 10 characters): ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new Error('no password was given on standard input');
}

function parseOr<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${describeIssues(r.error)}`);
  return r.data;
}

/** Runs an account change on the data directory, audited as done by the owner at this machine. */
async function runAsync(dataDir: string, action: string, target: string, fn: (accounts: Accounts) => Promise<string> | string): Promise<void> {
  const dir = resolve(dataDir);
  const d = openDataDir(dir);
  try {
    const accounts = new Accounts(d.db);
    const audit = new AuditLog(d.db, d.secrets.deriveKey('audit log'), join(dir, AUDIT_HEAD_FILE));
    const message = await fn(accounts);
    audit.record({ actor: 'owner (command line)', action, target, origin: 'cli', ok: true });
    process.stdout.write(`${message}\n`);
  } finally {
    d.close();
  }
}

/** `--permissions live,recordings` (or `none`): what a viewer may do. */
function parsePermissions(text: string): Permission[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((p) => parseOr(Permission, p.trim(), `permission (one of ${PERMISSIONS.join(', ')}, or none)`));
}

/** `--cameras all` or `--cameras front,garage`: the cameras a viewer sees. */
function parseCameras(text: string): CameraScope {
  if (text.trim() === 'all') return null;
  return text.split(',').map((c) => parseOr(CameraId, c.trim(), 'camera id (or all)'));
}

const grantText = (u: User): string => `${u.permissions.join(',') || 'none'}\t${u.cameras === null ? 'all cameras' : u.cameras.join(',') || 'no camera'}`;

/** One line per user: id, name, role, permissions, cameras. */
function describe(u: User): string {
  return `${u.id}\t${u.username}\t${u.role}\t${grantText(u)}`;
}

function requireUser(accounts: Accounts, name: string): NonNullable<ReturnType<Accounts['byName']>> {
  const u = accounts.byName(name);
  if (!u) throw new Error(`there is no user ${JSON.stringify(name)}`);
  return u;
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('Manage accounts on this machine: list, create, access (a viewer\'s permissions and cameras), reset-password, unlock');
  const dataOption = ['-d, --data <dir>', 'data directory', defaultDataDir()] as const;

  users
    .command('list')
    .option(...dataOption)
    .action((opts: { data: string }) => {
      withDataDir(resolve(opts.data), (db) => {
        const accounts = new Accounts(db);
        for (const u of accounts.list()) process.stdout.write(`${describe(u)}\n`);
      });
    });

  users
    .command('create')
    .description('create an account; the password is read from standard input')
    .argument('<username>')
    .option('-r, --role <role>', 'admin or viewer', 'admin')
    .option('-p, --permissions <list>', `a viewer's permissions: ${PERMISSIONS.join(',')} or none`, DEFAULT_VIEWER_PERMISSIONS.join(','))
    .option('-c, --cameras <list>', "the cameras a viewer sees: all, or camera ids separated by commas", 'all')
    .option(...dataOption)
    .action(async (name: string, opts: { role: string; permissions: string; cameras: string; data: string }) => {
      const username = parseOr(Username, name, 'user name');
      const role = parseOr(UserRole, opts.role, 'role');
      const access = { permissions: parsePermissions(opts.permissions), cameras: parseCameras(opts.cameras) };
      const password = parseOr(Password, await readPassword(), 'password');
      await runAsync(opts.data, 'users.create', username, async (accounts) => {
        const u = await accounts.create(username, password, role, access);
        return `created ${u.role} ${u.username}\t${grantText(u)}`;
      });
    });

  users
    .command('access')
    .description("set what a viewer may do and which cameras they see; what is not given stays as it is")
    .argument('<username>')
    .option('-p, --permissions <list>', `${PERMISSIONS.join(',')} or none`)
    .option('-c, --cameras <list>', 'all, or camera ids separated by commas')
    .option(...dataOption)
    .action(async (name: string, opts: { permissions?: string; cameras?: string; data: string }) => {
      if (opts.permissions === undefined && opts.cameras === undefined) throw new Error('give --permissions, --cameras or both');
      const permissions = opts.permissions === undefined ? undefined : parsePermissions(opts.permissions);
      const cameras = opts.cameras === undefined ? undefined : parseCameras(opts.cameras);
      await runAsync(opts.data, 'users.setAccess', name, (accounts) => {
        const u = requireUser(accounts, name);
        const changed = accounts.setAccess(u.id, { permissions: permissions ?? u.permissions, cameras: cameras === undefined ? u.cameras : cameras });
        return describe(changed);
      });
    });

  users
    .command('reset-password')
    .description('set a new password (read from standard input); the account is unlocked and its sessions end')
    .argument('<username>')
    .option(...dataOption)
    .action(async (name: string, opts: { data: string }) => {
      const password = parseOr(Password, await readPassword(), 'password');
      await runAsync(opts.data, 'users.setPassword', name, async (accounts) => {
        const u = requireUser(accounts, name);
        await accounts.setPassword(u.id, password);
        accounts.unlock(u.id);
        return `new password set for ${u.username}`;
      });
    });

  users
    .command('unlock')
    .description('clear the sign-in lockout of an account')
    .argument('<username>')
    .option(...dataOption)
    .action(async (name: string, opts: { data: string }) => {
      await runAsync(opts.data, 'users.unlock', name, (accounts) => {
        const u = requireUser(accounts, name);
        accounts.unlock(u.id);
        return `${u.username} can sign in again`;
      });
    });
}
