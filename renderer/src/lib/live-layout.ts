// The Live grid's choices for this browser: the layout, user-defined camera groups, the group and the page shown.
export const LAYOUTS = [1, 4, 9, 16] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface LiveGroup {
  id: string;
  name: string;
  cameraIds: string[];
}

export interface LivePrefs {
  layout: Layout;
  /** The group shown (null: every camera). */
  group: string | null;
  /** Zero-based. */
  page: number;
  groups: LiveGroup[];
}

const KEY = 'porchlight.live';
const MAX_GROUPS = 32;
export const DEFAULT_PREFS: LivePrefs = { layout: 4, group: null, page: 0, groups: [] };

/** What this browser remembered; anything unreadable falls back to the defaults, field by field. */
export function parsePrefs(raw: string | null): LivePrefs {
  let v: Partial<Record<keyof LivePrefs, unknown>> = {};
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === 'object') v = parsed as typeof v;
  } catch {
    return { ...DEFAULT_PREFS };
  }
  const layout = LAYOUTS.find((l) => l === v.layout) ?? DEFAULT_PREFS.layout;
  const groups = (Array.isArray(v.groups) ? v.groups : [])
    .filter((g): g is LiveGroup => !!g && typeof g.id === 'string' && typeof g.name === 'string' && Array.isArray(g.cameraIds) && g.cameraIds.every((c: unknown) => typeof c === 'string'))
    .slice(0, MAX_GROUPS);
  const group = typeof v.group === 'string' && groups.some((g) => g.id === v.group) ? v.group : null;
  const page = typeof v.page === 'number' && Number.isInteger(v.page) && v.page >= 0 ? v.page : 0;
  return { layout, group, page, groups };
}

export function loadPrefs(): LivePrefs {
  try {
    return parsePrefs(localStorage.getItem(KEY));
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function savePrefs(p: LivePrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The cameras of the chosen group (in the cameras' own order; ones since deleted left out), or every camera. */
export function camerasOf<T extends { id: string }>(cameras: readonly T[], prefs: LivePrefs): T[] {
  const group = prefs.groups.find((g) => g.id === prefs.group);
  if (!group) return [...cameras];
  const wanted = new Set(group.cameraIds);
  return cameras.filter((c) => wanted.has(c.id));
}

/** One page of the layout: the cameras on it, how many pages there are, and the page (kept within them). */
export function pageOf<T extends { id: string }>(cameras: readonly T[], prefs: LivePrefs): { shown: T[]; pages: number; page: number } {
  const all = camerasOf(cameras, prefs);
  const pages = Math.max(1, Math.ceil(all.length / prefs.layout));
  const page = Math.min(prefs.page, pages - 1);
  return { shown: all.slice(page * prefs.layout, (page + 1) * prefs.layout), pages, page };
}

/** Adds or replaces a group (by id); returns the new prefs showing it. */
export function saveGroup(prefs: LivePrefs, group: LiveGroup): LivePrefs {
  const name = group.name.trim().slice(0, 60);
  if (!name) throw new Error('A group needs a name');
  const clean = { ...group, name, cameraIds: [...new Set(group.cameraIds)] };
  const exists = prefs.groups.some((g) => g.id === group.id);
  if (!exists && prefs.groups.length >= MAX_GROUPS) throw new Error(`Up to ${MAX_GROUPS} groups`);
  const groups = exists ? prefs.groups.map((g) => (g.id === group.id ? clean : g)) : [...prefs.groups, clean];
  return { ...prefs, groups, group: clean.id, page: 0 };
}

export function deleteGroup(prefs: LivePrefs, id: string): LivePrefs {
  return { ...prefs, groups: prefs.groups.filter((g) => g.id !== id), group: prefs.group === id ? null : prefs.group, page: prefs.group === id ? 0 : prefs.page };
}
