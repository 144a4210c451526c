// bench/live: frame-to-screen latency of the live view, read back from timestamps drawn into the source frames.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { startEngine } from '../../main/core/app.js';
import { locateFfmpeg } from '../../main/core/ffmpeg/locate.js';
import { createServer } from '../../main/server/server.js';
import { freePort, startRtspCamera } from '../../test/fixtures/rtsp-camera.js';
import { MODELS_DIR } from '../../test/helpers/test-data.js';
import { round, summarize } from '../_lib/stats.js';

const W = 640;
const H = 360;
const FPS = 15;
const BITS = 32;
const BAND = 40;

/** A gray frame whose top band spells the wall clock (ms mod 2^32) as 32 black/white blocks. */
function stampedFrame(now: number): Buffer {
  const frame = Buffer.alloc(W * H, 96);
  const stamp = now % 2 ** 32;
  const block = W / BITS;
  for (let bit = 0; bit < BITS; bit++) {
    const on = Math.floor(stamp / 2 ** (BITS - 1 - bit)) % 2 === 1;
    for (let y = 0; y < BAND; y++) frame.fill(on ? 255 : 0, y * W + bit * block, y * W + (bit + 1) * block);
  }
  // something moving below the band, like a real scene
  const x = Math.floor((now / 10) % (W - 40));
  for (let y = 200; y < 240; y++) frame.fill(200, y * W + x, y * W + x + 40);
  return frame;
}

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export default async function run(args: string[]): Promise<Record<string, unknown>> {
  const seconds = arg(args, '--seconds', 20);
  const tmp = mkdtempSync(join(tmpdir(), 'porchlight-bench-live-'));
  const sdp = join(tmp, 'stamp.sdp');
  const udp = await freePort();
  const { ffmpeg } = locateFfmpeg();
  // the source: frames drawn here, encoded with a 1 s keyframe interval, sent as RTP over loopback
  const encoder = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${W}x${H}`, '-r', String(FPS), '-i', 'pipe:0',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(FPS), '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
      // global headers put SPS/PPS in the SDP (sprop-parameter-sets), which the relay mount needs
      '-flags', '+global_header',
      '-f', 'rtp', '-sdp_file', sdp, `rtp://127.0.0.1:${udp}?pkt_size=1200`],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const ticker = setInterval(() => encoder.stdin.write(stampedFrame(Date.now())), 1000 / FPS);
  let sprop = '';
  for (let i = 0; i < 100 && !sprop; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      sprop = /sprop-parameter-sets=([^;\s]+)/.exec(readFileSync(sdp, 'utf8'))?.[1] ?? '';
    } catch {
      // not written yet
    }
  }
  if (!sprop) throw new Error('the timestamp encoder did not start');
  const camera = await startRtspCamera({ vtest: false, hevc: false, relays: { stamp: { port: udp, sprop } } });
  const engine = await startEngine({ dataDir: join(tmp, 'data'), host: 'server', startCameras: true, modelsDir: MODELS_DIR });
  const server = await createServer({ engine, host: '127.0.0.1', port: 0, staticDir: join(process.cwd(), 'dist/renderer') });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    const admin = await engine.accounts.setup('admin', 'bench password 123');
    const session = engine.accounts.createSession(admin.id, '127.0.0.1', 'bench');
    const cam = engine.cameras.upsert({ name: 'Stamp', recordMode: 'continuous', streams: [{ name: 'main', url: camera.url('stamp'), roles: ['record', 'live'] }], detect: { enabled: false } });
    engine.bus.publish('camera.changed', { id: cam.id, deleted: false });
    await camera.waitForSessions((n) => n === 1, 15_000);
    // let the ingest reach a steady state (first keyframe cached) before the viewer arrives
    await new Promise((r) => setTimeout(r, 3000));

    const context = await browser.newContext();
    await context.addCookies([{ name: 'porchlight_session', value: session.token, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    // tsx compiles this file with esbuild's keep-names helper, which the page function below refers to
    await page.addInitScript('globalThis.__name = (f) => f;');
    const navStart = Date.now();
    await page.goto(`${server.url}/#/live/${cam.id}`);
    const result = await page.evaluate(
      async ({ ms, bits, band, width }) => {
        const video = await new Promise<HTMLVideoElement>((resolve) => {
          const find = () => {
            const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
            if (v) resolve(v);
            else setTimeout(find, 20);
          };
          find();
        });
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = band;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const latencies: number[] = [];
        let firstFrameAt = 0;
        await new Promise<void>((resolve) => {
          const end = performance.now() + ms;
          const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
            const shownAt = performance.timeOrigin + meta.expectedDisplayTime;
            if (!firstFrameAt) firstFrameAt = Date.now();
            ctx.drawImage(video, 0, 0, video.videoWidth, band * (video.videoHeight / 360), 0, 0, width, band);
            const px = ctx.getImageData(0, 0, width, band).data;
            let stamp = 0;
            for (let b = 0; b < bits; b++) {
              const x = Math.floor((b + 0.5) * (width / bits));
              const v = px[((band >> 1) * width + x) * 4] ?? 0;
              stamp = stamp * 2 + (v > 128 ? 1 : 0);
            }
            const lat = (((Math.round(shownAt) % 2 ** 32) - stamp) + 2 ** 32) % 2 ** 32;
            if (lat < 10_000) latencies.push(lat);
            if (performance.now() < end) video.requestVideoFrameCallback(onFrame);
            else resolve();
          };
          video.requestVideoFrameCallback(onFrame);
        });
        return { latencies, firstFrameAt };
      },
      { ms: seconds * 1000, bits: BITS, band: BAND, width: W },
    );
    const s = summarize(result.latencies);
    const firstFrameS = (result.firstFrameAt - navStart) / 1000;
    console.log(`live: ${result.latencies.length} frames read back over ${seconds} s; latency p50 ${round(s.p50, 0)} ms, p95 ${round(s.p95, 0)} ms; first frame ${round(firstFrameS, 2)} s after opening the page`);
    return {
      frames: result.latencies.length,
      p50_ms: round(s.p50, 0),
      p95_ms: round(s.p95, 0),
      p99_ms: round(s.p99, 0),
      first_frame_s: round(firstFrameS, 2),
      keyframe_interval_s: 1,
      target_p50_ms: 500,
      target_p95_ms: 800,
      target_first_frame_s: 2.5,
      pass: s.p50 <= 500 && s.p95 <= 800 && firstFrameS <= 2.5,
    };
  } finally {
    await browser.close();
    await server.close();
    await engine.stop();
    await camera.stop();
    clearInterval(ticker);
    encoder.stdin.end();
    encoder.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}
