// Traversal in every spelling is refused; real files inside the root resolve.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { parseRange, resolveInside } from './safe-path.js';

let tmp: ReturnType<typeof makeTempDir>;
let root: string;
beforeAll(() => {
  tmp = makeTempDir();
  root = join(tmp.dir, 'root');
  mkdirSync(join(root, 'cam', '2026-11-29'), { recursive: true });
  writeFileSync(join(root, 'cam', '2026-11-29', '10-00-00.mp4'), 'video');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'secret');
  symlinkSync(join(tmp.dir, 'secret.txt'), join(root, 'cam', 'escape.mp4'));
  symlinkSync(tmp.dir, join(root, 'dirlink'));
});
afterAll(() => tmp.cleanup());

describe('resolveInside', () => {
  it('resolves a file inside the root', () => {
    expect(resolveInside(root, 'cam/2026-11-29/10-00-00.mp4')).toBe(join(root, 'cam', '2026-11-29', '10-00-00.mp4'));
    expect(resolveInside(root, '/cam/2026-11-29/10-00-00.mp4')).not.toBeNull();
  });

  it.each([
    '../secret.txt',
    'cam/../../secret.txt',
    '%2e%2e/secret.txt',
    '%2e%2e%2fsecret.txt',
    '..%2f..%2fsecret.txt',
    '%252e%252e/secret.txt',
    '..\\secret.txt',
    '/etc/passwd',
    '%2fetc%2fpasswd',
    'C:/Windows/win.ini',
    'cam/escape.mp4',
    'dirlink/secret.txt',
    'cam/2026-11-29/10-00-00.mp4%00.jpg',
    '%E0%A4%A',
    '',
    '.',
    'cam/missing.mp4',
  ])('refuses %s', (p) => {
    expect(resolveInside(root, p)).toBeNull();
  });
});

describe('parseRange', () => {
  it('parses the forms browsers send', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
  });

  it.each(['bytes=100-', 'bytes=5-1', 'bytes=-0', 'bytes=-', 'items=0-1', 'bytes=0-1,5-6'])('rejects %s', (h) => {
    expect(parseRange(h, 100)).toBe('invalid');
  });
});
