// The one Content-Security-Policy of the UI, wherever it is served: the app:// handler, the HTTP server, the page's <meta>.

/** Only our own origin: scripts, styles, media and connections; nothing inline but styles. */
const DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'self' blob:"],
];

/** Directives a browser ignores (and warns about) when the policy comes in a <meta> element. */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

function policy(directives: ReadonlyArray<readonly [string, string]>): string {
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** The policy as a response header. */
export const CONTENT_SECURITY_POLICY = policy(DIRECTIVES);

/** The same policy for `<meta http-equiv>`: the fallback if a response ever lacks the header. */
export const META_CONTENT_SECURITY_POLICY = policy(DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)));

/** index.html with the meta policy as the first element of <head>, so it covers everything after it. */
export function withCspMeta(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`;
  if (!/<head[^>]*>/i.test(html)) throw new Error('index.html has no <head>: the CSP meta cannot be placed');
  return html.replace(/<head([^>]*)>/i, (head) => `${head}\n    ${meta}`);
}
