// A real engine and server on loopback with an admin and a viewer signed in.
import { createServer, type RunningServer, type ServerOptions } from '../../main/server/server.js';
import { withEngine } from './engine.js';

export interface TestServer {
  h: Awaited<ReturnType<typeof withEngine>>;
  server: RunningServer;
  adminCookie: string;
  viewerCookie: string;
  rpc: (method: string, body: unknown, cookie?: string, headers?: Record<string, string>) => Promise<{ status: number; json: RpcReply }>;
  close: () => Promise<void>;
}

export interface RpcReply {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

export const ADMIN_PASSWORD = 'correct horse battery';
export const VIEWER_PASSWORD = 'viewer password 1';

export function cookieFrom(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

export async function startTestServer(opts: { staticDir?: string; server?: Partial<ServerOptions>; engine?: Parameters<typeof withEngine>[0] } = {}): Promise<TestServer> {
  const h = await withEngine(opts.engine);
  // tests sign in many times from one address: the per-network limit is raised so they test what they mean to
  const server = await createServer({ engine: h.engine, host: '127.0.0.1', port: 0, staticDir: opts.staticDir, networkLimit: { maxFailures: 10_000, lockMs: 60_000, maxLockMs: 60_000 }, loginsPerMinute: 10_000, ...opts.server });
  const post = (path: string, body: unknown, cookie = '', headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const setup = await post('/api/auth/setup', { username: 'admin', password: ADMIN_PASSWORD, setupCode: server.setupCode });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  const adminCookie = cookieFrom(setup);
  await h.engine.accounts.create('viewer', VIEWER_PASSWORD, 'viewer');
  const login = await post('/api/auth/login', { username: 'viewer', password: VIEWER_PASSWORD });
  const viewerCookie = cookieFrom(login);
  return {
    h,
    server,
    adminCookie,
    viewerCookie,
    rpc: async (method, body, cookie = adminCookie, headers = {}) => {
      const res = await post(`/api/rpc/${method}`, body, cookie, headers);
      return { status: res.status, json: (await res.json()) as RpcReply };
    },
    close: async () => {
      await server.close();
      await h.close();
    },
  };
}
