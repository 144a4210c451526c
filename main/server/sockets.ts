// Every open WebSocket with the session it was opened under: revoking a session or a user closes its sockets at once.
import type { Accounts, Revocation } from '../core/auth/users.js';

interface OpenSocket {
  userId: number;
  tokenHash: string;
  close(code: number, reason: string): void;
}

/** How often open sockets re-check that their session is still valid (idle and absolute expiry). */
const RECHECK_MS = 30_000;

export class SocketRegistry {
  private readonly open = new Set<OpenSocket>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly accounts: Accounts) {
    this.unsubscribe = accounts.onRevoke((r) => this.revoke(r));
    this.timer = setInterval(() => this.recheck(), RECHECK_MS);
    this.timer.unref();
  }

  /** Registers a socket; the returned function removes it (call it from the socket's close handler). */
  add(userId: number, tokenHash: string, close: (code: number, reason: string) => void): () => void {
    const entry: OpenSocket = { userId, tokenHash, close };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  get size(): number {
    return this.open.size;
  }

  private revoke(r: Revocation): void {
    for (const s of [...this.open]) {
      if ('tokenHash' in r ? s.tokenHash === r.tokenHash : s.userId === r.userId) this.closeOne(s, 'session ended');
    }
  }

  private recheck(now = Date.now()): void {
    for (const s of [...this.open]) {
      const user = this.accounts.sessionByHash(s.tokenHash, now);
      if (!user || user.id !== s.userId) this.closeOne(s, 'session expired');
    }
  }

  private closeOne(s: OpenSocket, reason: string): void {
    this.open.delete(s);
    try {
      // 4401: the application's "unauthorized" (4000-4999 are for applications)
      s.close(4401, reason);
    } catch {
      // already closed
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const s of [...this.open]) this.closeOne(s, 'server stopping');
  }
}
