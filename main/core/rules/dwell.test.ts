// Zone dwell with the real pipeline on the pedestrian clip: "inside N s" fires only for people who stay, never for a pass through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDto } from '../../common/contract/events.js';
import { Rule } from '../../common/contract/rules.js';
import { MODELS_DIR, video } from '../../../test/helpers/test-data.js';
import { createDetector, type Detector } from '../detect/detector.js';
import { decodeVideo } from '../detect/media.js';
import { FramePipeline, type ObjectEvent } from '../detect/pipeline.js';
import { evaluate, MemoryCooldowns, ZoneTracker } from './evaluate.js';

let detector: Detector;
beforeAll(async () => {
  detector = await createDetector({ modelsDir: MODELS_DIR });
});
afterAll(async () => {
  await detector.close();
});

const DWELL_S = 3;
// a thin line across the plaza: people walking up or down the frame pass through it in a moment
const LINE = { name: 'line', polygon: [[0, 0.5], [1, 0.5], [1, 0.53], [0, 0.53]] as [number, number][], labels: [] };
// a broad band where slow walkers spend seconds
const AREA = { name: 'area', polygon: [[0, 0.45], [1, 0.45], [1, 0.62], [0, 0.62]] as [number, number][], labels: [] };

function dto(e: ObjectEvent, ended: boolean, entered: (z: string[]) => string[], current: (e: ObjectEvent) => string[]): EventDto {
  return {
    id: e.objectId,
    cameraId: 'plaza',
    label: e.label,
    // the epoch is far away from file time: the default schedule allows every minute anyway
    start: Math.round(e.start),
    end: ended ? Math.round(e.end ?? e.lastSeen) : null,
    topScore: e.topScore,
    box: [0, 0, 1, 1],
    zones: entered(e.enteredZones),
    currentZones: current(e),
    hasSnapshot: false,
    falsePositive: false,
    keep: false,
  };
}

/** Runs the clip and judges every open event at every frame (as the engine's recheck would), with a zone view. */
async function run(zone: string, current: (e: ObjectEvent) => string[]): Promise<{ fired: Set<string>; updates: Map<string, { t: number; zones: string[] }[]>; entered: Set<string> }> {
  const rule = Rule.parse({ id: 'dwell', name: 'In the band', cooldownSeconds: 0, zones: { names: [zone], mode: 'inside', minSeconds: DWELL_S } });
  const zones = new ZoneTracker();
  const cooldowns = new MemoryCooldowns();
  const latest = new Map<string, EventDto>();
  const fired = new Set<string>();
  const updates = new Map<string, { t: number; zones: string[] }[]>();
  const entered = new Set<string>();
  let now = 0;
  const judge = (e: EventDto): void => {
    if (fired.has(e.id)) return;
    zones.observe(e, now);
    if (evaluate(rule, e, { now, homeMode: 'away', zones, cooldowns, replay: true }).fire) fired.add(e.id);
  };
  const seen = (e: ObjectEvent, ended: boolean): void => {
    const d = dto(e, ended, (z) => z, current);
    if (e.label !== 'person') return;
    if (d.zones.includes(zone)) entered.add(d.id);
    const list = updates.get(d.id) ?? [];
    list.push({ t: now, zones: e.zones });
    updates.set(d.id, list);
    judge(d);
    if (ended) latest.delete(d.id);
    else latest.set(d.id, d);
  };
  const pipeline = new FramePipeline({
    cameraId: 'plaza',
    detector,
    settings: { fps: 5, zones: [LINE, AREA] },
    callbacks: { onStart: (e) => seen(e, false), onUpdate: (e) => seen(e, false), onEnd: (e) => seen(e, true) },
  });
  for await (const frame of decodeVideo(video('opencv_vtest_20s.mp4'), { fps: 5 })) {
    now = frame.time;
    await pipeline.process(frame);
    for (const e of latest.values()) judge(e);
  }
  await pipeline.flush();
  return { fired, updates, entered };
}

/** Longest stretch an object's updates said it was in the band (from the entry to the update that left). */
function longestStay(zone: string, list: { t: number; zones: string[] }[], end: number): number {
  let best = 0;
  let since: number | undefined;
  for (const u of list) {
    if (u.zones.includes(zone)) since ??= u.t;
    else if (since !== undefined) {
      best = Math.max(best, u.t - since);
      since = undefined;
    }
  }
  return since !== undefined ? Math.max(best, end - since) : best;
}

describe('zone dwell on the real pipeline', () => {
  it('fires for people who stay in a zone, not for those who pass through it', async () => {
    const need = DWELL_S * 1000 - 250;
    // the broad band: slow walkers stay, and fire only if the pipeline saw them in it long enough in one go
    const area = await run('area', (e) => e.zones);
    const areaEnd = Math.max(...[...area.updates.values()].flatMap((l) => l.map((u) => u.t)));
    expect(area.fired.size).toBeGreaterThan(0);
    for (const id of area.fired) expect(longestStay('area', area.updates.get(id)!, areaEnd)).toBeGreaterThanOrEqual(need);

    // the thin line: people cross it and walk on, and none of them fires
    const line = await run('line', (e) => e.zones);
    const lineEnd = Math.max(...[...line.updates.values()].flatMap((l) => l.map((u) => u.t)));
    const passedThrough = [...line.entered].filter((id) => longestStay('line', line.updates.get(id)!, lineEnd) < need);
    expect(passedThrough.length).toBeGreaterThan(0);
    for (const id of passedThrough) expect(line.fired.has(id)).toBe(false);

    // judged on the zones ever entered (the old behaviour), passers-by would have fired
    const old = await run('line', (e) => e.enteredZones);
    expect(passedThrough.some((id) => old.fired.has(id))).toBe(true);
  }, 120_000);
});
