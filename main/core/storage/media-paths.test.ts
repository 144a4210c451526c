// Migration 15 on a real schema-14 data folder: absolute segment paths become relative and the store plays them again.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { ffprobeJson } from '../ffmpeg/ffprobe.js';
import { MediaStore } from '../media/index.js';
import { SegmentIndex } from '../recordings/index.js';
import { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { relativeSegmentPath } from './migrations/0015-media-vault.js';
import { sql } from './sql.js';

const tmp = makeTempDir();
// a data folder whose own path holds "recordings" and a camera's name: only the last such pair is the root
const dataDir = join(tmp.dir, 'recordings', 'front', 'data');
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const names = ['2026-01-05/10-00-00.mp4', '2026-01-05/10-00-10.mp4'];

beforeAll(() => {
  const clip = join(tmp.dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  // what a schema-14 Porchlight left: files under <data>/recordings/<camera>/<day>/ and rows naming them absolutely
  const v14 = Database.open(join(dataDir, 'porchlight.db'), { migrations: MIGRATIONS.slice(0, 14) });
  expect(v14.schemaVersion).toBe(14);
  v14.run(sql`INSERT INTO cameras (id, name, created_at, updated_at) VALUES ('front', 'Front', 1, 1)`);
  names.forEach((n, i) => {
    const abs = join(dataDir, 'recordings', 'front', n);
    mkdirSync(dirname(abs), { recursive: true });
    copyFileSync(clip, abs);
    v14.run(sql`INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES ('front', ${T0 + i * 10_000}, ${T0 + i * 10_000 + 2000}, 2000, ${abs}, 100)`);
  });
  // a row already relative (written by a newer build before a downgrade) is left alone
  v14.run(sql`INSERT INTO segments (camera_id, start, end, duration_ms, path, bytes) VALUES ('front', ${T0 + 60_000}, ${T0 + 62_000}, 2000, 'front/2026-01-05/10-01-00.mp4', 100)`);
  v14.close();
});
afterAll(() => tmp.cleanup());

describe('migration 15: media paths relative to the storage root', () => {
  it('converts absolute segment paths, keeps relative ones, and the store reads the files through them', async () => {
    const db = Database.open(join(dataDir, 'porchlight.db'));
    expect(db.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
    const paths = db.all<{ path: string }>(sql`SELECT path FROM segments ORDER BY start`).map((r) => r.path);
    expect(paths).toEqual([...names.map((n) => `front/${n}`), 'front/2026-01-05/10-01-00.mp4']);
    const media = new MediaStore(dataDir);
    const index = new SegmentIndex(db, media);
    const segs = index.segments('front', T0, T0 + 20_000);
    expect(segs.map((s) => s.url)).toEqual(names.map((n) => `front/${n}`));
    for (const s of segs) {
      const input = media.ffmpegInput('recordings', s.url);
      expect(input).not.toBeNull();
      const probe = await ffprobeJson(input!.url);
      expect(probe.ok).toBe(true);
    }
    // the files are where they were: the migration changes rows, never media
    for (const n of names) expect(existsSync(join(dataDir, 'recordings', 'front', n))).toBe(true);
    db.close();
  });

  it('finds the root by the last recordings/<camera> pair, and leaves a path outside any recordings folder', () => {
    expect(relativeSegmentPath('/srv/recordings/front/data/recordings/front/2026-01-05/10-00-00.mp4', 'front')).toBe('front/2026-01-05/10-00-00.mp4');
    expect(relativeSegmentPath('C:\\Users\\me\\Porchlight\\recordings\\cam1\\2026-01-05\\10-00-00.mp4', 'cam1')).toBe('cam1/2026-01-05/10-00-00.mp4');
    expect(relativeSegmentPath('/mnt/elsewhere/front/2026-01-05/10-00-00.mp4', 'front')).toBeNull();
  });
});
