// Which Host and Origin headers this server answers: DNS rebinding and cross-site pages get nothing.
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { isLoopback } from './tls.js';

export interface HostPolicy {
  /** The names and addresses accepted in Host (lower case, no port, IPv6 without brackets). */
  readonly names: ReadonlySet<string>;
  hostAllowed(hostHeader: string | undefined): boolean;
  /** An Origin is accepted when it names this server's scheme and the host and port the request was sent to, and that host is allowed. */
  originAllowed(origin: string, hostHeader: string | undefined): boolean;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Splits a Host header into its name and port; undefined when it is not a plain host[:port]. */
export function parseHost(header: string | undefined): { name: string; port: string } | undefined {
  if (!header || header.length > 300) return undefined;
  const m = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (m[1] && isIP(name) !== 6) return undefined;
  return { name, port: m[3] ?? '' };
}

/**
 * On a loopback bind only loopback names; otherwise the bind address, this machine's names and addresses when bound
 * to every interface, and the names the owner configured (--allowed-host).
 */
export function hostPolicy(bind: string, extra: readonly string[] = [], scheme: 'http:' | 'https:' = 'http:'): HostPolicy {
  const names = new Set<string>(LOOPBACK_NAMES);
  for (const e of extra) {
    const parsed = parseHost(e);
    if (parsed) names.add(parsed.name);
  }
  if (!isLoopback(bind)) {
    const wildcard = bind === '0.0.0.0' || bind === '::' || bind === '';
    if (!wildcard) names.add(bind.toLowerCase());
    else {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase().split('%')[0] ?? '');
    }
    const host = hostname().toLowerCase();
    names.add(host);
    if (!host.includes('.')) names.add(`${host}.local`);
  }
  names.delete('');
  const hostAllowed = (header: string | undefined): boolean => {
    const parsed = parseHost(header);
    return parsed !== undefined && names.has(parsed.name);
  };
  return {
    names,
    hostAllowed,
    originAllowed(origin, hostHeader) {
      if (!URL.canParse(origin)) return false;
      const u = new URL(origin);
      if (u.protocol !== scheme) return false;
      const request = parseHost(hostHeader);
      const from = parseHost(u.host);
      if (!request || !from) return false;
      const defaultPort = u.protocol === 'https:' ? '443' : '80';
      return from.name === request.name && (from.port || defaultPort) === (request.port || defaultPort) && names.has(from.name);
    },
  };
}
