// Pure parts of the ingest: fMP4 splitting and codec strings, segment list lines, paths, backoff, ffmpeg arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vtestClip } from '../../../test/fixtures/rtsp-camera.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { buildIngestArgs, defaultBackoffMs } from './args.js';
import { Fmp4Splitter } from './fmp4.js';
import { parseListLine, segmentTemplate, startFromPath } from './segments.js';
import { folderSink } from '../media/index.js';

describe('Fmp4Splitter', () => {
  it.skipIf(!existsSync(vtestClip()))('splits ffmpeg fMP4 into init + one fragment per frame, in any chunking', () => {
    const { ffmpeg } = locateFfmpeg();
    const r = spawnSync(ffmpeg, ['-v', 'error', '-i', vtestClip(), '-frames:v', '40', '-c', 'copy', '-f', 'mp4', '-movflags', 'frag_every_frame+empty_moov+default_base_moof', 'pipe:1'], { maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    const data = r.stdout;
    for (const chunkSize of [data.length, 4096, 7]) {
      const inits: string[] = [];
      const frags: boolean[] = [];
      const s = new Fmp4Splitter({ onInit: (_i, codec) => inits.push(codec), onFragment: (_f, key) => frags.push(key) });
      for (let o = 0; o < data.length; o += chunkSize) s.push(data.subarray(o, o + chunkSize));
      // opencv vtest: High profile (0x64), level 3.1 (0x1F), as ffprobe reports it.
      expect(inits).toEqual(['avc1.64001F']);
      expect(frags.length).toBe(40);
      expect(frags[0]).toBe(true);
      // -g 20 at 10 fps: a keyframe every 20 frames.
      expect(frags.filter(Boolean).length).toBe(2);
    }
  });
});

describe('segment helpers', () => {
  it('parses csv list lines', () => {
    expect(parseListLine('06-15-32.mp4,0.000000,10.933333')).toEqual({ name: '06-15-32.mp4', startS: 0, endS: 10.933333 });
    expect(parseListLine('"a,b.mp4",1.5,2')).toEqual({ name: 'a,b.mp4', startS: 1.5, endS: 2 });
    expect(parseListLine('garbage')).toBeUndefined();
  });
  it('reads the UTC start from a path and escapes % in the folder', () => {
    expect(startFromPath('/r/cam/2026-03-01/23-59-58.mp4')).toBe(Date.UTC(2026, 2, 1, 23, 59, 58));
    expect(startFromPath('/r/cam/x.mp4')).toBeUndefined();
    expect(segmentTemplate('/data/100%/cam')).toBe('/data/100%%/cam/%Y-%m-%d/%H-%M-%S.mp4');
  });
  it('steps the backoff 1 s, 5 s, 10 s, 60 s', () => {
    expect([0, 4, 5, 9, 10, 19, 20, 100].map(defaultBackoffMs)).toEqual([1000, 1000, 5000, 5000, 10_000, 10_000, 60_000, 60_000]);
  });
});

describe('buildIngestArgs', () => {
  const base = { cameraId: 'c', url: 'rtsp://u:p@127.0.0.1:554/s; rm -rf /', recording: folderSink('/r/c'), record: true, detect: { enabled: true, width: 640, height: 360, fps: 5 }, live: true };
  it('keeps the URL one argument after -i and uses TCP for RTSP', () => {
    const a = buildIngestArgs(base, { socketArgs: ['-timeout', '10000000'], liveOn: true });
    expect(a[a.indexOf('-i') + 1]).toBe(base.url);
    expect(a).toContain('-rtsp_transport');
    expect(a.filter((x) => x === '-map').length).toBe(3);
    expect(a).toContain('pipe:1');
    expect(a).toContain('pipe:4');
  });
  it('adds a copy null output first when only detect is on, so progress counts input frames', () => {
    const a = buildIngestArgs({ ...base, record: false, live: false }, { socketArgs: [], liveOn: false });
    const i = a.indexOf('-i');
    expect(a.slice(i + 2, i + 10)).toEqual(['-map', '0:v:0', '-c:v', 'copy', '-f', 'null', '-', '-map']);
  });
});
