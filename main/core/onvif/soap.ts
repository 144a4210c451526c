// SOAP over HTTP for ONVIF: hard timeouts, a size cap, WS-UsernameToken and HTTP Digest auth, faults as OnvifErrors.
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { createLogger } from '../log/index.js';
import { OnvifError } from './errors.js';
import { MAX_XML_BYTES, asArray, child, escapeXml, parseXml, text, type XmlNode } from './xml.js';

const log = createLogger('onvif');

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  schema: 'http://www.onvif.org/ver10/schema',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} second${s === 1 ? '' : 's'}`;
}

function networkError(err: NodeJS.ErrnoException, host: string): OnvifError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new OnvifError('onvif_unreachable', `Nothing answered at ${host}: check the address and port, and that the camera is switched on`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OnvifError('onvif_unreachable', `The address ${host} could not be found on your network`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new OnvifError('onvif_unreachable', `The device at ${host} closed the connection without answering`);
    default:
      return new OnvifError('onvif_unreachable', `Could not reach the camera at ${host}: check that it is switched on and on the same network`);
  }
}

/**
 * One POST with a deadline covering connect, headers and body, and a byte cap enforced while streaming,
 * so a device that stalls or sends without end costs at most `timeoutMs` and `maxBytes`.
 */
export function httpPost(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, maxBytes = MAX_XML_BYTES): Promise<HttpReply> {
  const host = url.host;
  return new Promise<HttpReply>((resolve, reject) => {
    let settled = false;
    const finish = (err: OnvifError | undefined, reply?: HttpReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else if (reply) {
        resolve(reply);
      }
    };
    const tooLarge = (): OnvifError => new OnvifError('onvif_bad_response', `The camera at ${host} sent a reply that is too large`);
    const options: https.RequestOptions = {
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
      // one connection per call: nothing lingers after close, and a stuck device cannot hold a pooled socket
      agent: false,
      // cameras serve self-signed certificates; the credentials are digests, never sent in clear
      rejectUnauthorized: false,
    };
    const req = url.protocol === 'https:' ? https.request(options) : http.request(options);
    const timer = setTimeout(() => finish(new OnvifError('onvif_timeout', `The camera at ${host} did not answer within ${seconds(timeoutMs)}`)), timeoutMs);
    req.on('error', (err) => finish(networkError(err, host)));
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        finish(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => finish(networkError(err, host)));
      res.on('aborted', () => finish(new OnvifError('onvif_bad_response', `The camera at ${host} stopped in the middle of its reply`)));
    });
    req.end(body);
  });
}

/** Creation times are in the device's clock, so a camera with a wrong clock still accepts our token. */
export function usernameToken(username: string, password: string, deviceNow: number): string {
  const nonce = randomBytes(16);
  const created = new Date(deviceNow).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
  return (
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

export function envelope(bodyXml: string, headerXml = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:tds="${NS.device}" xmlns:trt="${NS.media}" xmlns:tptz="${NS.ptz}" xmlns:tt="${NS.schema}">` +
    (headerXml ? `<s:Header>${headerXml}</s:Header>` : '') +
    `<s:Body>${bodyXml}</s:Body></s:Envelope>`
  );
}

interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm?: string;
  nc: number;
}

function parseDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (!header || !/^\s*Digest\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g)) params[(m[1] ?? '').toLowerCase()] = m[2] ?? m[3] ?? '';
  if (params.realm === undefined || !params.nonce) return undefined;
  const algorithm = params.algorithm;
  if (algorithm && !/^MD5$/i.test(algorithm)) return undefined;
  const qop = params.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
  return { realm: params.realm, nonce: params.nonce, qop, opaque: params.opaque, algorithm, nc: 0 };
}

function digestHeader(c: DigestChallenge, username: string, password: string, uri: string): string {
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${username}:${c.realm}:${password}`);
  const ha2 = md5(`POST:${uri}`);
  c.nc += 1;
  const nc = c.nc.toString(16).padStart(8, '0');
  const cnonce = randomBytes(8).toString('hex');
  const response = c.qop ? md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:${c.qop}:${ha2}`) : md5(`${ha1}:${c.nonce}:${ha2}`);
  const q = (s: string): string => s.replace(/["\\]/g, '');
  let h = `Digest username="${q(username)}", realm="${q(c.realm)}", nonce="${q(c.nonce)}", uri="${q(uri)}", response="${response}"`;
  if (c.qop) h += `, qop=${c.qop}, nc=${nc}, cnonce="${cnonce}"`;
  if (c.opaque !== undefined) h += `, opaque="${q(c.opaque)}"`;
  if (c.algorithm) h += `, algorithm=${c.algorithm}`;
  return h;
}

const AUTH_FAULTS = ['notauthorized', 'failedauthentication', 'invalidsecuritytoken', 'failedcheck', 'unauthorized'];
const UNSUPPORTED_FAULTS = ['actionnotsupported', 'notsupported', 'invalidaction'];

/** The SOAP 1.2 (or 1.1) fault in a reply body, as local code names and a reason. */
export function readFault(doc: XmlNode): { codes: string[]; reason: string } | undefined {
  const fault = child(doc, 'Envelope', 'Body', 'Fault');
  if (fault === undefined) return undefined;
  const codes: string[] = [];
  let code = child(fault, 'Code');
  for (let depth = 0; code !== undefined && depth < 8; depth++) {
    const v = text(child(code, 'Value'));
    if (v) codes.push(v.slice(v.indexOf(':') + 1));
    code = child(code, 'Subcode');
  }
  const legacy = text(child(fault, 'faultcode'));
  if (legacy) codes.push(legacy.slice(legacy.indexOf(':') + 1));
  const reasonNode = asArray(child(fault, 'Reason', 'Text'))[0] ?? child(fault, 'faultstring');
  // control characters from a device must not reach a log line or the UI
  const reason = [...(text(reasonNode) ?? '')].map((ch) => (ch.charCodeAt(0) < 0x20 ? ' ' : ch)).join('').replace(/\s+/g, ' ').trim().slice(0, 200);
  return { codes, reason };
}

function faultError(fault: { codes: string[]; reason: string }, host: string, action: string): OnvifError {
  const lower = fault.codes.map((c) => c.toLowerCase());
  if (lower.some((c) => AUTH_FAULTS.includes(c))) {
    return new OnvifError('onvif_auth_failed', `The camera at ${host} did not accept the user name or password`);
  }
  if (lower.some((c) => UNSUPPORTED_FAULTS.includes(c))) {
    return new OnvifError('onvif_not_supported', `The camera at ${host} does not support ${action}`);
  }
  const why = fault.reason || fault.codes.at(-1) || 'no reason given';
  return new OnvifError('onvif_rejected', `The camera at ${host} refused ${action}: ${why}`);
}

export interface SoapOptions {
  username: string;
  password: string;
  /** Deadline for each request. */
  timeoutMs: number;
}

/** Calls ONVIF operations on one device; remembers its clock offset and any HTTP Digest challenge. */
export class SoapClient {
  /** Device clock minus local clock, set from GetSystemDateAndTime. */
  clockOffsetMs = 0;
  private digest: DigestChallenge | undefined;

  constructor(private readonly opts: SoapOptions) {}

  /** Sends one operation and returns the parsed `Body`; `auth: false` for the few calls ONVIF allows anonymously. */
  async call(url: URL, action: string, bodyXml: string, { auth = true }: { auth?: boolean } = {}): Promise<XmlNode> {
    const started = Date.now();
    const host = url.host;
    const name = action.slice(action.lastIndexOf('/') + 1);
    const withToken = auth && this.opts.username !== '';
    const xml = envelope(bodyXml, withToken ? usernameToken(this.opts.username, this.opts.password, Date.now() + this.clockOffsetMs) : '');
    const uri = `${url.pathname}${url.search}`;
    const headers = (): Record<string, string> => {
      const h: Record<string, string> = { 'content-type': `application/soap+xml; charset=utf-8; action="${action}"` };
      if (this.digest && auth) h.authorization = digestHeader(this.digest, this.opts.username, this.opts.password, uri);
      return h;
    };
    let reply: HttpReply;
    try {
      reply = await httpPost(url, xml, headers(), this.opts.timeoutMs);
      // some cameras want HTTP Digest instead of (or as well as) WS-Security: answer one challenge
      if (reply.status === 401 && auth && this.opts.username !== '') {
        const challenge = parseDigestChallenge(reply.headers['www-authenticate']);
        const fresh = challenge && (!this.digest || challenge.nonce !== this.digest.nonce);
        if (fresh) {
          this.digest = challenge;
          reply = await httpPost(url, xml, headers(), this.opts.timeoutMs);
        }
      }
    } catch (err) {
      log.debug({ host, action: name, code: (err as OnvifError).code, ms: Date.now() - started }, 'onvif call failed');
      throw err;
    }
    const ms = Date.now() - started;
    if (ms > 2000) log.info({ host, action: name, ms }, 'slow onvif call');
    else log.debug({ host, action: name, ms, status: reply.status }, 'onvif call');
    return this.readReply(reply, host, name);
  }

  private readReply(reply: HttpReply, host: string, action: string): XmlNode {
    const looksXml = /^\s*</.test(reply.body);
    if (reply.status === 401 && !looksXml) {
      throw new OnvifError('onvif_auth_failed', `The camera at ${host} did not accept the user name or password`);
    }
    if (!looksXml) {
      if (reply.status === 404 || reply.status === 405) {
        throw new OnvifError('onvif_not_supported', `The device at ${host} does not offer ONVIF at this address`);
      }
      throw new OnvifError('onvif_bad_response', `The camera at ${host} sent a reply that is not ONVIF (HTTP ${reply.status})`);
    }
    const doc = parseXml(reply.body, `The camera at ${host}`);
    const fault = readFault(doc);
    if (fault) throw faultError(fault, host, action);
    if (reply.status === 401) throw new OnvifError('onvif_auth_failed', `The camera at ${host} did not accept the user name or password`);
    const body = child(doc, 'Envelope', 'Body');
    if (reply.status < 200 || reply.status >= 300 || body === null || typeof body !== 'object') {
      throw new OnvifError('onvif_bad_response', `The camera at ${host} sent an unexpected reply to ${action} (HTTP ${reply.status})`);
    }
    return body as XmlNode;
  }
}
