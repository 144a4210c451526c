// Scrubs credentials from text before it reaches a log line, an error message or the renderer: by URL structure, and by value.

export const MASK = '***';

/** Query parameters that carry a credential in camera URLs (`?user=admin&password=...`, `&pwd=`, tokens). */
const SECRET_PARAM = /^(password|passwd|pwd|pass|passphrase|token|access_token|secret|auth|key|apikey|api_key|sig|signature)$/i;

/** Secrets the engine holds (camera and sink passwords), also masked wherever they appear, in any spelling. */
const known = new Set<string>();
const MAX_KNOWN = 2000;

/** Spellings a secret takes in text: as is, and percent-encoded the ways URLs and forms write it. */
function spellings(secret: string): string[] {
  const out = new Set([secret]);
  try {
    out.add(encodeURIComponent(secret));
    out.add(encodeURIComponent(secret).replace(/%20/g, '+'));
    out.add(encodeURI(secret));
    out.add(new URL(`http://h/?x=${encodeURIComponent(secret)}`).searchParams.toString().slice(2));
    const u = new URL('http://h/');
    u.password = secret;
    out.add(u.password);
  } catch {
    // a lone surrogate cannot be encoded: the raw spelling is enough
  }
  return [...out].filter((s) => s.length > 0);
}

/** Registers a secret to be masked by value (short ones too: over-masking a log line is the safe mistake). */
export function rememberSecret(secret: string | null | undefined): void {
  if (!secret || secret === MASK || secret.length < 3) return;
  if (known.size >= MAX_KNOWN) known.clear();
  for (const s of spellings(secret)) known.add(s);
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;

/** Where each `scheme://` starts and its authority begins; one pass, linear in the text (no backtracking regex). */
function schemeStarts(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    let s = at;
    // a scheme is at most 32 characters and starts with a letter
    while (s > 0 && at - s < 32 && SCHEME_CHAR.test(text[s - 1]!)) s--;
    while (s < at && !/[a-z]/i.test(text[s]!)) s++;
    if (s < at) out.push([s, at + 3]);
  }
  return out;
}

/** The credential parts of a URL string, whether or not a URL parser accepts it (passwords with spaces, quotes, @ or %). */
function maskUrlText(text: string): string {
  const starts = schemeStarts(text);
  if (starts.length === 0) return maskQueryText(text);
  let out = '';
  let i = 0;
  starts.forEach(([start, authStart], k) => {
    if (start < i) return;
    // the URL runs to the next scheme or the end of its line
    const end = k + 1 < starts.length ? starts[k + 1]![0] : text.length;
    let region = text.slice(authStart, end);
    const lineEnd = region.search(/[\r\n]/);
    if (lineEnd >= 0) region = region.slice(0, lineEnd);
    const firstAt = region.indexOf('@');
    const firstSlash = region.indexOf('/');
    // user information exists when an @ comes before the path, or a user:pass part holds a raw slash
    const hasUserinfo = firstAt >= 0 && (firstSlash < 0 || firstAt < firstSlash || region.slice(0, firstSlash).includes(':'));
    out += text.slice(i, authStart);
    i = authStart;
    if (!hasUserinfo) return;
    // it ends at the last @ before the path that follows the first @ (passwords may hold @ themselves)
    const pathAfter = region.indexOf('/', firstAt);
    const at = region.lastIndexOf('@', pathAfter < 0 ? region.length : pathAfter);
    const userinfo = region.slice(0, at);
    const colon = userinfo.indexOf(':');
    out += colon >= 0 ? `${userinfo.slice(0, colon)}:${MASK}@` : `${MASK}@`;
    i = authStart + at + 1;
  });
  out += text.slice(i);
  return maskQueryText(out);
}

/** `password=...` style parameters: the value runs to the next & # or quote, or the end of the line. */
function maskQueryText(text: string): string {
  return text.replace(/([?&;])([a-z_]+)=([^&#\r\n"']*)/gi, (whole, sep: string, name: string) => (SECRET_PARAM.test(name) ? `${sep}${name}=${MASK}` : whole));
}

/** Masks user information in URLs, secret query parameters, and every secret the engine holds, in any text. */
export function redactSecrets(text: string): string {
  let out = maskUrlText(text);
  for (const s of known) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Deeply redacts every string in a plain value (objects and arrays are copied, not mutated). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(redactSecrets(value.message));
    copy.name = value.name;
    if (value.stack) copy.stack = redactSecrets(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

export const isSecretParam = (name: string): boolean => SECRET_PARAM.test(name);
