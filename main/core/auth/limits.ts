// Failure counters with exponential lockout, kept in memory: sign-in attempts per client network and for unknown user names.

export interface LockoutPolicy {
  /** Failed attempts in a row before the key is locked. */
  maxFailures: number;
  /** How long the first lock lasts; it doubles for every further burst of failures, up to maxLockMs. */
  lockMs: number;
  maxLockMs: number;
}

/** When a count of failures locks, and for how long: the same rule for accounts, unknown names and networks. */
export function lockUntil(failures: number, policy: LockoutPolicy, now: number): number {
  if (failures < policy.maxFailures || failures % policy.maxFailures !== 0) return 0;
  const bursts = failures / policy.maxFailures;
  return now + Math.min(policy.maxLockMs, policy.lockMs * 2 ** (bursts - 1));
}

interface Entry {
  failures: number;
  lockedUntil: number;
  touched: number;
}

/**
 * Counts an attempt before it is evaluated (so parallel attempts cannot all slip past the limit) and forgives it
 * when it succeeds. Bounded: the least recently touched keys are forgotten first.
 */
export class FailureCounter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly maxKeys = 10_000,
    /** Failures older than this are forgotten when the key is quiet. */
    private readonly forgetMs = 24 * 3600_000,
  ) {}

  /** Takes one attempt: `{ok: false, retryAfterMs}` while locked (nothing counted), otherwise counted. */
  take(key: string, now = Date.now()): { ok: true; lockedNow: boolean } | { ok: false; retryAfterMs: number } {
    let e = this.entries.get(key);
    if (e && e.lockedUntil <= now && now - e.touched > this.forgetMs) e = undefined;
    if (e && e.lockedUntil > now) return { ok: false, retryAfterMs: e.lockedUntil - now };
    const failures = (e?.failures ?? 0) + 1;
    const lockedUntil = lockUntil(failures, this.policy, now);
    this.entries.delete(key);
    this.entries.set(key, { failures, lockedUntil, touched: now });
    if (this.entries.size > this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return { ok: true, lockedNow: lockedUntil > 0 };
  }

  /** The attempt taken for this key succeeded: its failures are cleared. */
  forgive(key: string): void {
    this.entries.delete(key);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }
}

/** Expands an IPv6 address to its eight groups; undefined when it is not one. */
function ipv6Groups(ip: string): string[] | undefined {
  const [head = '', tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  return groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')) : undefined;
}

/** The client a request counts against: an IPv4 address, or the /64 an IPv6 address is in (one household or host). */
export function clientNetwork(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4?.[1]) return v4[1];
  const groups = ipv6Groups(ip.split('%')[0] ?? '');
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}
