// Scrubs credentials from text before it reaches a log line, an error message or the renderer.

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@'"]*@/gi;
const SECRET_PARAMS = /([?&;](?:password|passwd|pwd|pass|token|secret|auth|key)=)[^&\s'"]*/gi;

/** Replaces `user:pass@` in any URL and secret query parameters with `***`. */
export function redactSecrets(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(SECRET_PARAMS, '$1***');
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
