// The ffmpeg command per connection: transport, clock, hardware decoding, sound and detect size.
import { describe, expect, it } from 'vitest';
import { buildIngestArgs, recordableAudio, usesWallclock } from './args.js';
import { detectSize } from './probe-input.js';
import type { IngestConfig } from './types.js';
import { folderSink } from '../media/index.js';

const base: IngestConfig = { cameraId: 'c', url: 'rtsp://127.0.0.1:8554/x', recording: folderSink('/rec/c'), record: true, detect: { enabled: true, width: 640, height: 360, fps: 5 }, live: true };
const around = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('buildIngestArgs', () => {
  it('RTSP over TCP on wall-clock timestamps by default; UDP and the camera clock when asked', () => {
    const args = buildIngestArgs(base, { socketArgs: [], liveOn: false });
    expect(around(args, '-rtsp_transport')).toBe('tcp');
    expect(around(args, '-use_wallclock_as_timestamps')).toBe('1');
    const udp = buildIngestArgs({ ...base, transport: 'udp', clock: 'camera' }, { socketArgs: [], liveOn: false });
    expect(around(udp, '-rtsp_transport')).toBe('udp');
    expect(udp).not.toContain('-use_wallclock_as_timestamps');
    expect(usesWallclock({ ...base, clock: 'camera' }, true)).toBe(true);
    expect(usesWallclock({ ...base, url: '/clip.mp4', loopFile: true })).toBe(false);
  });

  it('AAC sound is copied into segments and live; G.711 is transcoded to AAC', () => {
    const aac = buildIngestArgs(base, { socketArgs: [], liveOn: true, resolved: { detect: { width: 640, height: 360 }, audio: 'aac', wallclock: true } });
    expect(aac.join(' ')).toContain('-map 0:v:0 -map 0:a:0 -c:a copy -c:v copy -f segment');
    expect(aac.join(' ')).toContain('-map 0:v:0 -map 0:a:0 -c:a copy -c:v copy -f mp4');
    const g711 = buildIngestArgs(base, { socketArgs: [], liveOn: false, resolved: { detect: { width: 640, height: 360 }, audio: 'pcm_mulaw', wallclock: true } });
    expect(g711.join(' ')).toContain('-map 0:a:0 -c:a aac -b:a 64k');
    const none = buildIngestArgs(base, { socketArgs: [], liveOn: false });
    expect(none).not.toContain('0:a:0');
    // a sound format not known to convert everywhere is left out rather than risk the recording
    expect(['aac', 'pcm_mulaw', 'pcm_alaw', 'opus'].every(recordableAudio)).toBe(true);
    expect(recordableAudio('some_vendor_codec')).toBe(false);
  });

  it('hardware decoding goes before the input, only when frames are decoded', () => {
    expect(around(buildIngestArgs({ ...base, hwaccel: 'vaapi' }, { socketArgs: [], liveOn: false }), '-hwaccel')).toBe('vaapi');
    expect(buildIngestArgs({ ...base, hwaccel: 'vaapi', detect: { ...base.detect, enabled: false } }, { socketArgs: [], liveOn: false })).not.toContain('-hwaccel');
  });

  it('detect frames are scaled to the resolved size', () => {
    const args = buildIngestArgs(base, { socketArgs: [], liveOn: false, resolved: { detect: { width: 640, height: 480 }, wallclock: true } });
    expect(around(args, '-vf')).toBe('fps=5,scale=640:480');
  });
});

describe('detectSize', () => {
  it('keeps the stream shape, even sizes, never upscales', () => {
    expect(detectSize(640, { width: 1280, height: 720 })).toEqual({ width: 640, height: 360 });
    expect(detectSize(640, { width: 768, height: 576 })).toEqual({ width: 640, height: 480 });
    expect(detectSize(640, { width: 2560, height: 1920 })).toEqual({ width: 640, height: 480 });
    expect(detectSize(640, { width: 352, height: 288 })).toEqual({ width: 352, height: 288 });
    expect(detectSize(640, { width: 1080, height: 1920 })).toEqual({ width: 640, height: 1138 });
  });
});
