// The Live grid's remembered choices: groups, pages beyond the layout, and bad stored data falling back to defaults.
import { describe, expect, it } from 'vitest';
import { camerasOf, DEFAULT_PREFS, deleteGroup, pageOf, parsePrefs, saveGroup } from './live-layout.js';

const cams = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, name: `Cam ${i}` }));

describe('live layout', () => {
  it('pages through cameras beyond the layout, keeping the page within the pages there are', () => {
    const p = { ...DEFAULT_PREFS, layout: 4 as const };
    expect(pageOf(cams, p)).toMatchObject({ pages: 3, page: 0 });
    expect(pageOf(cams, { ...p, page: 2 }).shown.map((c) => c.id)).toEqual(['c8', 'c9']);
    expect(pageOf(cams, { ...p, page: 7 }).page).toBe(2);
    expect(pageOf([], p)).toEqual({ shown: [], pages: 1, page: 0 });
  });

  it('shows a group in the cameras order, without cameras deleted since; deleting the group shows all again', () => {
    let p = saveGroup(DEFAULT_PREFS, { id: 'g1', name: '  Garden ', cameraIds: ['c7', 'c2', 'gone', 'c2'] });
    expect(p.group).toBe('g1');
    expect(p.groups[0]).toEqual({ id: 'g1', name: 'Garden', cameraIds: ['c7', 'c2', 'gone'] });
    expect(camerasOf(cams, p).map((c) => c.id)).toEqual(['c2', 'c7']);
    p = saveGroup(p, { id: 'g1', name: 'Garden', cameraIds: ['c1'] });
    expect(p.groups).toHaveLength(1);
    expect(camerasOf(cams, p).map((c) => c.id)).toEqual(['c1']);
    expect(() => saveGroup(p, { id: 'g2', name: ' ', cameraIds: [] })).toThrow(/name/);
    p = deleteGroup(p, 'g1');
    expect(p.group).toBeNull();
    expect(camerasOf(cams, p)).toHaveLength(10);
  });

  it('reads back what it stored, and anything else as the defaults', () => {
    const stored = saveGroup({ ...DEFAULT_PREFS, layout: 9 }, { id: 'g', name: 'Front', cameraIds: ['c1'] });
    expect(parsePrefs(JSON.stringify({ ...stored, page: 1 }))).toEqual({ ...stored, page: 1 });
    expect(parsePrefs('not json')).toEqual(DEFAULT_PREFS);
    expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
    // a layout not offered, a group that no longer exists, a negative page, a malformed group
    expect(parsePrefs(JSON.stringify({ layout: 7, group: 'x', page: -1, groups: [{ id: 1 }] }))).toEqual(DEFAULT_PREFS);
  });
});
