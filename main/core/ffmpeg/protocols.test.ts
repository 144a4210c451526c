// A camera input may open only its own scheme's transports: the real ffprobe refuses a crafted input that chains protocols.
import { describe, expect, it } from 'vitest';
import { buildIngestArgs } from '../ingest/args.js';
import { ffprobeJson } from './ffprobe.js';
import { protocolWhitelist } from './protocols.js';
import { folderSink } from '../media/index.js';

describe('protocol whitelist', () => {
  it('lists only the transports a scheme needs', () => {
    expect(protocolWhitelist('rtsp://cam/x')).toBe('rtsp,rtp,srtp,udp,tcp');
    expect(protocolWhitelist('RTSPS://cam/x')).toContain('tls');
    expect(protocolWhitelist('http://cam/x')).not.toContain('file');
    expect(protocolWhitelist('/var/lib/porchlight/demo.mp4')).toBe('file');
    expect(protocolWhitelist('gopher://cam/x')).toBe('none');
  });

  it('goes before the input of every camera connection', () => {
    const args = buildIngestArgs(
      { cameraId: 'c', url: 'rtsp://cam/x', recording: folderSink('/tmp/r'), record: true, detect: { enabled: false, width: 640, height: 360, fps: 5 }, live: false },
      { socketArgs: [], liveOn: false },
    );
    const at = args.indexOf('-protocol_whitelist');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(args[at + 1]).toBe('rtsp,rtp,srtp,udp,tcp');
    expect(at).toBeLessThan(args.indexOf('-i'));
  });

  it('keeps a crafted input from chaining protocols (concat: would read any file)', async () => {
    const r = await ffprobeJson('concat:/etc/hostname|/etc/hostname', { timeoutMs: 10_000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.stderr.join('\n')).toMatch(/'concat' not on whitelist/i);
  });
});
