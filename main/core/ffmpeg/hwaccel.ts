// Hardware decoding: which -hwaccel methods this ffmpeg lists, whether one really decodes here (a test decode, once), and the choice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../log/index.js';
import { runFfmpeg } from './process.js';

const log = createLogger('ffmpeg');

/** Tried in this order by `auto`: the common Linux GPUs first, then the other platforms' own. */
export const HW_METHODS = ['vaapi', 'qsv', 'cuda', 'videotoolbox', 'd3d11va'] as const;
export type HwMethod = (typeof HW_METHODS)[number];

export interface HwChoice {
  /** The method ffmpeg is given; undefined decodes in software. */
  method: HwMethod | undefined;
  /** Plain words for the UI and the log when the wish could not be met (or what auto found); null when all is as asked. */
  message: string | null;
}

const listed = new Map<string, Promise<Set<string>>>();
const tested = new Map<string, Promise<string | null>>();

/** `ffmpeg -hwaccels`, once per binary. */
export function listHwaccels(ffmpeg: string): Promise<Set<string>> {
  let p = listed.get(ffmpeg);
  if (!p) {
    p = runFfmpeg(ffmpeg, ['-hide_banner', '-hwaccels'], { timeoutMs: 10_000 }).then((r) => {
      const lines = r.stdout.toString().split('\n').map((l) => l.trim());
      return new Set(lines.slice(lines.findIndex((l) => /^Hardware acceleration methods/i.test(l)) + 1).filter(Boolean));
    });
    listed.set(ffmpeg, p);
  }
  return p;
}

/** Decodes a few frames of a tiny H.264 clip with the method: null when it works, else ffmpeg's last words. Once per binary and method. */
export function testHwaccel(ffmpeg: string, method: string): Promise<string | null> {
  const key = `${ffmpeg}|${method}`;
  let p = tested.get(key);
  if (!p) {
    p = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'porchlight-hw-'));
      try {
        const clip = join(dir, 'test.mp4');
        const made = await runFfmpeg(ffmpeg, ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-frames:v', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip], { timeoutMs: 20_000 });
        if (made.exit.code !== 0) return `the test clip could not be made (${made.stderr.at(-1) ?? 'ffmpeg failed'})`;
        const r = await runFfmpeg(ffmpeg, ['-hide_banner', '-v', 'error', '-hwaccel', method, '-i', clip, '-f', 'null', '-'], { timeoutMs: 20_000 });
        if (r.timedOut) return 'the test decode did not finish in 20 s';
        return r.exit.code === 0 ? null : (r.stderr.filter((l) => l.trim()).at(-1) ?? `ffmpeg exited with ${r.exit.code}`).slice(0, 200);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    tested.set(key, p);
  }
  return p;
}

/** The decoding a camera gets for its wish (`off`, `auto` or a method); never throws, a failed wish decodes in software. */
export async function chooseHwaccel(ffmpeg: string, wish: string): Promise<HwChoice> {
  if (wish === 'off' || wish === 'default') return { method: undefined, message: null };
  let available: Set<string>;
  try {
    available = await listHwaccels(ffmpeg);
  } catch (err) {
    log.warn({ err }, 'ffmpeg -hwaccels failed');
    available = new Set();
  }
  if (wish === 'auto') {
    const tried: string[] = [];
    for (const m of HW_METHODS) {
      if (!available.has(m)) continue;
      const failure = await testHwaccel(ffmpeg, m);
      if (failure === null) return { method: m, message: `Hardware decoding: ${m}` };
      tried.push(m);
    }
    const message = tried.length
      ? `No hardware decoder works on this machine (tried ${tried.join(', ')}): decoding in software`
      : 'This ffmpeg offers no hardware decoder: decoding in software';
    return { method: undefined, message };
  }
  if (!(HW_METHODS as readonly string[]).includes(wish) || !available.has(wish)) {
    return { method: undefined, message: `Hardware decoding "${wish}" is not available in this ffmpeg (it offers ${[...available].join(', ') || 'none'}): decoding in software` };
  }
  const failure = await testHwaccel(ffmpeg, wish);
  if (failure !== null) return { method: undefined, message: `Hardware decoding "${wish}" does not work on this machine (${failure}): decoding in software` };
  return { method: wish as HwMethod, message: null };
}
