// Sink rows: validated on the way in and out; the secret (webhook secret, MQTT password) kept in its own column.
import { randomBytes } from 'node:crypto';
import { ApiFailure } from '../../common/contract/index.js';
import { SECRET_MASK, SinkConfig, SinkInput, type SinkView } from '../../common/contract/rules.js';
import { createLogger } from '../log/index.js';
import { rememberSecret } from '../../common/redact.js';
import { hostOf } from '../../common/urls.js';
import type { SecretBox } from '../secrets/index.js';
import type { Database } from '../storage/database.js';
import { sql } from '../storage/sql.js';

const log = createLogger('notify');

/** Ids the built-in sinks own. */
export const BUILTIN_SINKS = ['toast', 'desktop'] as const;

interface SinkRow {
  id: string;
  kind: string;
  name: string;
  enabled: number;
  config: string;
  secret: string | null;
}

function secretOf(c: SinkConfig): string | null {
  return c.kind === 'webhook' ? c.secret : (c.password ?? null);
}

function withoutSecret(c: SinkConfig): Record<string, unknown> {
  const { secret: _s, password: _p, ...rest } = c as SinkConfig & { secret?: string; password?: string };
  return rest;
}

/** A kept secret is only ever sent to the host it was entered for: a new host needs it typed again. */
function requireSameHost(url: string, storedUrl: string, what: string): void {
  if (hostOf(url) !== hostOf(storedUrl)) {
    throw new ApiFailure('invalid_input', `${what}: the address changed, so type the ${what} again (a kept ${what} is only sent where it was entered for)`);
  }
}

/** Secrets never leave the engine: outputs carry the mask. */
export function viewOf(c: SinkConfig): SinkView {
  if (c.kind === 'webhook') return { ...c, secret: SECRET_MASK };
  const { password, ...rest } = c;
  return password ? { ...rest, password: SECRET_MASK } : rest;
}

export class SinkRepository {
  constructor(
    private readonly db: Database,
    private readonly secrets?: SecretBox,
  ) {}

  list(): SinkConfig[] {
    const rows = this.db.all<SinkRow>(sql`SELECT * FROM notify_sinks ORDER BY created_at, id`);
    const out: SinkConfig[] = [];
    for (const r of rows) {
      const c = this.fromRow(r);
      if (c) out.push(c);
    }
    return out;
  }

  get(id: string): SinkConfig | undefined {
    const row = this.db.get<SinkRow>(sql`SELECT * FROM notify_sinks WHERE id = ${id}`);
    return row ? this.fromRow(row) : undefined;
  }

  private seal(secret: string | null): string | null {
    return secret !== null && this.secrets ? this.secrets.seal(secret) : secret;
  }

  private fromRow(r: SinkRow): SinkConfig | undefined {
    const raw = { ...(JSON.parse(r.config) as object), id: r.id, kind: r.kind, name: r.name, enabled: r.enabled === 1 };
    const secret = r.secret !== null && this.secrets ? this.secrets.open(r.secret) : r.secret;
    rememberSecret(secret);
    const withSecret = r.kind === 'webhook' ? { ...raw, secret: secret ?? '' } : secret !== null ? { ...raw, password: secret } : raw;
    const parsed = SinkConfig.safeParse(withSecret);
    if (!parsed.success) {
      log.warn({ sink: r.id }, 'stored sink invalid, skipped');
      return undefined;
    }
    return parsed.data;
  }

  /** Creates or replaces a sink; an omitted or masked secret keeps the stored one. */
  upsert(input: SinkInput): SinkConfig {
    const p = SinkInput.parse(input);
    if (p.id && (BUILTIN_SINKS as readonly string[]).includes(p.id)) throw new ApiFailure('conflict', `${p.id} is a built-in sink`);
    const id = p.id ?? `${p.kind}-${randomBytes(4).toString('hex')}`;
    const stored = this.get(id);
    if (stored && stored.kind !== p.kind) throw new ApiFailure('conflict', `Sink ${id} is a ${stored.kind} sink`);
    let config: SinkConfig;
    if (p.kind === 'webhook') {
      const keep = p.secret === undefined || p.secret === SECRET_MASK;
      if (keep && stored?.kind === 'webhook') requireSameHost(p.url, stored.url, 'secret');
      const secret = keep ? (stored?.kind === 'webhook' ? stored.secret : undefined) : p.secret;
      if (!secret) throw new ApiFailure('invalid_input', 'secret: a new webhook needs a shared secret of at least 16 characters');
      config = { ...p, id, secret };
    } else {
      const keep = p.password === undefined || p.password === SECRET_MASK;
      if (keep && stored?.kind === 'mqtt' && stored.password) requireSameHost(p.url, stored.url, 'password');
      const password = keep ? (stored?.kind === 'mqtt' ? stored.password : undefined) : p.password;
      const { password: _p, ...rest } = p;
      config = password ? { ...rest, id, password } : { ...rest, id };
    }
    const now = Date.now();
    const rest = withoutSecret(config);
    delete rest.id;
    delete rest.kind;
    delete rest.name;
    delete rest.enabled;
    this.db.run(sql`
      INSERT INTO notify_sinks (id, kind, name, enabled, config, secret, created_at, updated_at)
      VALUES (${id}, ${config.kind}, ${config.name}, ${config.enabled}, ${JSON.stringify(rest)}, ${this.seal(secretOf(config))}, ${now}, ${now})
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, config = excluded.config,
        secret = excluded.secret, updated_at = excluded.updated_at`);
    return config;
  }

  delete(id: string): boolean {
    return this.db.run(sql`DELETE FROM notify_sinks WHERE id = ${id}`).changes > 0;
  }
}
