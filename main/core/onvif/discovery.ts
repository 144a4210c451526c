// WS-Discovery: send a Probe (multicast, or unicast to given addresses) and collect the cameras that answer.
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { createLogger } from '../log/index.js';
import { OnvifError } from './errors.js';
import { asArray, child, parseXml, text } from './xml.js';

const log = createLogger('onvif');

export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
export const WS_DISCOVERY_PORT = 3702;
/** A discovery answer is one datagram; anything larger is ignored. */
const MAX_DATAGRAM = 64 * 1024;
/** Enough for any home network; a flood of answers stops being collected here. */
const MAX_DEVICES = 256;

export interface DiscoveredDevice {
  /** The device service address (the first http(s) XAddr, IPv4 preferred). */
  xaddr: string;
  /** Every XAddr the device listed. */
  xaddrs: string[];
  /** The endpoint reference, stable across reboots (`urn:uuid:…`). */
  urn: string;
  name?: string;
  hardware?: string;
  /** The address the answer came from. */
  address: string;
}

export interface DiscoverOptions {
  /** How long to listen for answers. */
  timeoutMs: number;
  /** Unicast addresses (`host` or `host:port`); default: the WS-Discovery multicast group. */
  targets?: string[];
  /** Port for targets given without one (default 3702). */
  port?: number;
  /** Local address to bind; defaults to 127.0.0.1 when every target is loopback, else all interfaces. */
  bindAddress?: string;
}

export function probeMessage(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<s:Header><a:MessageID>${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
  );
}

function parseTarget(target: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(target) ?? /^([^:]+)(?::(\d+))?$/.exec(target);
  const host = m?.[1];
  const port = m?.[2] ? Number(m[2]) : defaultPort;
  if (!host || !isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OnvifError('onvif_unreachable', `${target} is not an IP address to search`);
  }
  return { host, port };
}

/** Scope values such as `onvif://www.onvif.org/name/Front%20door`. */
function scope(scopes: string, key: string): string | undefined {
  for (const s of scopes.split(/\s+/)) {
    const prefix = `onvif://www.onvif.org/${key}/`;
    if (s.toLowerCase().startsWith(prefix)) {
      const raw = s.slice(prefix.length);
      try {
        return decodeURIComponent(raw).slice(0, 200);
      } catch {
        return raw.slice(0, 200);
      }
    }
  }
  return undefined;
}

/** The ProbeMatches of one answer to our probe; anything else (another probe, a stray packet) gives []. */
export function parseProbeMatches(xml: string, messageId: string, address: string): DiscoveredDevice[] {
  let doc;
  try {
    doc = parseXml(xml, 'A device');
  } catch {
    return [];
  }
  const relatesTo = text(child(doc, 'Envelope', 'Header', 'RelatesTo'));
  if (relatesTo !== undefined && relatesTo.trim() !== messageId) return [];
  const out: DiscoveredDevice[] = [];
  for (const m of asArray(child(doc, 'Envelope', 'Body', 'ProbeMatches', 'ProbeMatch'))) {
    const xaddrs = (text(child(m, 'XAddrs')) ?? '')
      .split(/\s+/)
      .filter((x) => x.length <= 2048 && URL.canParse(x) && ['http:', 'https:'].includes(new URL(x).protocol))
      .slice(0, 8);
    const xaddr = xaddrs.find((x) => isIP(new URL(x).hostname) === 4) ?? xaddrs[0];
    if (!xaddr) continue;
    const urn = (text(child(m, 'EndpointReference', 'Address')) ?? xaddr).trim().slice(0, 200);
    const scopes = text(child(m, 'Scopes')) ?? '';
    const device: DiscoveredDevice = { xaddr, xaddrs, urn, address };
    const name = scope(scopes, 'name');
    const hardware = scope(scopes, 'hardware');
    if (name) device.name = name;
    if (hardware) device.hardware = hardware;
    out.push(device);
  }
  return out;
}

/**
 * Sends a Probe and collects ProbeMatches until `timeoutMs` has passed.
 * The probe is sent twice (UDP may drop one); answers are de-duplicated by endpoint.
 */
export async function discover(opts: DiscoverOptions): Promise<DiscoveredDevice[]> {
  const timeoutMs = Math.max(50, Math.min(opts.timeoutMs, 60_000));
  const defaultPort = opts.port ?? WS_DISCOVERY_PORT;
  const targets = opts.targets?.length ? opts.targets.map((t) => parseTarget(t, defaultPort)) : [{ host: WS_DISCOVERY_ADDRESS, port: defaultPort }];
  const ipv6 = targets.every((t) => isIP(t.host) === 6);
  if (!ipv6 && targets.some((t) => isIP(t.host) === 6)) throw new OnvifError('onvif_unreachable', 'Search either IPv4 or IPv6 addresses, not both at once');
  const loopback = targets.every((t) => t.host.startsWith('127.') || t.host === '::1');
  const bindAddress = opts.bindAddress ?? (loopback ? (ipv6 ? '::1' : '127.0.0.1') : undefined);

  const messageId = `urn:uuid:${randomUUID()}`;
  const message = Buffer.from(probeMessage(messageId));
  const found = new Map<string, DiscoveredDevice>();
  const socket = dgram.createSocket({ type: ipv6 ? 'udp6' : 'udp4', reuseAddr: false });

  return new Promise<DiscoveredDevice[]>((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      socket.close();
      if (err) reject(err);
      else resolve([...found.values()]);
    };
    const send = (): void => {
      for (const t of targets) {
        socket.send(message, t.port, t.host, (err) => {
          // one unreachable target must not end the search for the others
          if (err) log.debug({ target: t.host, err: err.message }, 'discovery probe not sent');
        });
      }
    };
    socket.on('error', (err) => finish(new OnvifError('onvif_unreachable', `Could not search the network for cameras: ${err.message}`)));
    socket.on('message', (buf, rinfo) => {
      if (buf.length > MAX_DATAGRAM || found.size >= MAX_DEVICES) return;
      for (const d of parseProbeMatches(buf.toString('utf8'), messageId, rinfo.address)) {
        if (!found.has(d.urn)) found.set(d.urn, d);
      }
    });
    socket.bind({ port: 0, address: bindAddress }, () => {
      if (done) return;
      if (!opts.targets?.length) socket.setMulticastTTL(1);
      send();
      timers.push(setTimeout(send, Math.min(500, timeoutMs / 3)));
      timers.push(setTimeout(() => finish(), timeoutMs));
    });
  });
}
