// SIGKILL of the engine while it tracks people: after a restart no event is left without an end, each closed at its last sighting.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtspCamera, type RtspCamera } from '../../../test/fixtures/rtsp-camera.js';
import { openEngineDatabase } from '../../../test/helpers/engine-db.js';
import { setupAdmin, startServeProcess, type ServeProcess } from '../../../test/helpers/serve-process.js';
import { makeTempDir } from '../../../test/helpers/tmp.js';
import { sql } from '../storage/sql.js';

let cam: RtspCamera;
const tmp = makeTempDir();
const children: ChildProcess[] = [];

beforeAll(async () => {
  cam = await startRtspCamera({ hevc: false });
}, 30_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  await cam?.stop();
  tmp.cleanup();
});

async function serve(): Promise<ServeProcess> {
  const s = await startServeProcess(tmp.dir);
  children.push(s.child);
  return s;
}

interface Row {
  id: string;
  start: number;
  end: number | null;
  last_seen: number | null;
}

function rows(): Row[] {
  const db = openEngineDatabase(tmp.dir);
  try {
    return db.all<Row>(sql`SELECT id, start, end, last_seen FROM events ORDER BY start`);
  } finally {
    db.close();
  }
}

const exited = (c: ChildProcess): Promise<unknown> => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));

describe('a hard kill with objects tracked', () => {
  it('closes every event the dead engine left open at its last sighting', async () => {
    const first = await serve();
    const cookie = await setupAdmin(first);
    const add = await fetch(`${first.url}/api/rpc/cameras.upsert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'Plaza', streams: [{ name: 'main', url: cam.url('vtest'), roles: ['record', 'detect', 'live'] }], detect: { enabled: true, fps: 5, width: 640, height: 480 } }),
    });
    expect(add.status).toBe(200);
    // people in view, with a heartbeat stored past their start
    let open: Row[] = [];
    for (let i = 0; i < 240 && open.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      open = rows().filter((r) => r.end === null && r.last_seen !== null && r.last_seen > r.start);
    }
    expect(open.length).toBeGreaterThan(0);

    first.child.kill('SIGKILL');
    await exited(first.child);
    const killedAt = Date.now();
    // its ffmpeg notices the reader is gone and hangs up
    await cam.waitForSessions((n) => n === 0, 15_000);
    const leftOpen = rows().filter((r) => r.end === null);
    expect(leftOpen.length).toBeGreaterThan(0);

    const second = await serve();
    const after = new Map(rows().map((r) => [r.id, r]));
    second.child.kill('SIGTERM');
    await exited(second.child);

    for (const r of leftOpen) {
      const now = after.get(r.id)!;
      // closed at the last sighting the dead engine stored, never at the restart time
      expect(now.end).toBe(Math.max(r.start, r.last_seen ?? r.start));
      expect(now.end!).toBeLessThanOrEqual(killedAt);
    }
    // the second engine stopped cleanly: whatever it tracked got its end too
    expect(rows().filter((r) => r.end === null)).toEqual([]);
  }, 180_000);
});
