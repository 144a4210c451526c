// Camera URL helpers shared by engine and UI: hide a password, put a kept one back.

const MASK = '***';

/** rtsp://user:pass@host/x → rtsp://user:***@host/x (the renderer never sees a camera password). */
export function maskPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  if (!u.password) return url;
  u.password = MASK;
  return u.toString();
}

/** When a client sends back a masked URL for the same user and host, keep the stored password. */
export function restorePassword(incoming: string, stored: string | undefined): string {
  if (!stored || !URL.canParse(incoming) || !URL.canParse(stored)) return incoming;
  const u = new URL(incoming);
  const s = new URL(stored);
  if (decodeURIComponent(u.password) !== MASK) return incoming;
  if (u.username !== s.username || u.host !== s.host) return incoming;
  u.password = s.password;
  return u.toString();
}

export function hasCredentials(url: string): boolean {
  return URL.canParse(url) && new URL(url).username !== '';
}
