// Camera URL helpers shared by engine and UI: hide every credential, put kept ones back only for the same device.
import { ApiFailure } from './contract/errors.js';
import { isSecretParam, MASK, redactSecrets } from './redact.js';

export { MASK };

/** True when a value a client sent back is the mask standing for the stored secret. */
const isMask = (v: string): boolean => v === MASK || safeDecode(v) === MASK;

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** rtsp://user:pass@host/x?password=p → rtsp://user:***@host/x?password=*** (the renderer never sees a credential). */
export function maskPassword(url: string): string {
  if (!URL.canParse(url)) return redactSecrets(url);
  const u = new URL(url);
  const secretParams = [...u.searchParams.keys()].filter(isSecretParam);
  // a URL without credentials is returned exactly as the owner typed it
  if (!u.password && secretParams.length === 0) return redactSecrets(url);
  if (u.password) u.password = MASK;
  for (const name of secretParams) u.searchParams.set(name, MASK);
  // the parser may keep odd spellings it does not understand: the text redaction is the second net
  return redactSecrets(u.toString());
}

/** Every credential in a URL: its password and secret query parameters. */
export function credentialsOf(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const u = new URL(url);
  const out: string[] = [];
  if (u.password) out.push(safeDecode(u.password));
  for (const [name, value] of u.searchParams) if (isSecretParam(name) && value) out.push(value);
  return out;
}

/** A masked secret sent for another address: the caller must type it again (an input error, as the API reports it). */
export class CredentialsNeeded extends ApiFailure {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/**
 * When a client sends back a masked URL, put the stored credentials back: only for the same user at the same host and
 * port, so a changed address cannot be used to send a kept password somewhere else (it must be typed again).
 */
export function restorePassword(incoming: string, stored: string | undefined): string {
  if (!URL.canParse(incoming)) return incoming;
  const u = new URL(incoming);
  const maskedPassword = u.password !== '' && isMask(u.password);
  const maskedParams = [...u.searchParams].filter(([name, value]) => isSecretParam(name) && isMask(value)).map(([name]) => name);
  if (!maskedPassword && maskedParams.length === 0) return incoming;
  const s = stored && URL.canParse(stored) ? new URL(stored) : undefined;
  if (!s || u.host !== s.host || u.protocol !== s.protocol || (maskedPassword && u.username !== s.username)) {
    throw new CredentialsNeeded('The address changed: type the password again (a kept password is only sent to the device it belongs to)');
  }
  if (maskedPassword) u.password = s.password;
  for (const name of maskedParams) {
    const kept = s.searchParams.get(name);
    if (kept === null) throw new CredentialsNeeded(`Type the ${name} again: none is stored for it`);
    u.searchParams.set(name, kept);
  }
  return u.toString();
}

/** URLs carrying any credential are stored sealed. */
export function hasCredentials(url: string): boolean {
  return URL.canParse(url) && (new URL(url).username !== '' || credentialsOf(url).length > 0);
}

/** The host:port of an address (a URL or bare host[:port]), lower case; '' when it has none. */
export function hostOf(address: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`;
  return URL.canParse(withScheme) ? new URL(withScheme).host.toLowerCase() : '';
}
