// Stream roles and camera presets: which stream serves what, and the paths a preset fills in.
import { describe, expect, it } from 'vitest';
import { CAMERA_PRESETS, presetStreams } from './presets.js';
import { defaultRoles, resolveRoles } from './streams.js';
import { CameraStream } from './cameras.js';

describe('resolveRoles', () => {
  it('a main stream alone serves every role', () => {
    expect(resolveRoles([{ name: 'main', roles: ['record', 'live'] }])).toEqual({ record: 'main', detect: 'main', 'live-grid': 'main', 'live-full': 'main' });
  });

  it('with a sub stream: main records and fills the screen, sub detects and feeds the grid', () => {
    const d = defaultRoles(true);
    expect(resolveRoles([{ name: 'main', roles: d.main }, { name: 'sub', roles: d.sub }])).toEqual({ record: 'main', 'live-full': 'main', detect: 'sub', 'live-grid': 'sub' });
  });

  it('old rows that put detect on both streams detect on the sub stream; a role one stream claims goes to it', () => {
    expect(resolveRoles([{ name: 'main', roles: ['record', 'detect', 'live'] }, { name: 'sub', roles: ['detect'] }])).toMatchObject({ detect: 'sub', 'live-grid': 'main' });
    expect(resolveRoles([{ name: 'main', roles: ['record', 'detect', 'live-full'] }, { name: 'sub', roles: ['live-grid'] }])).toMatchObject({ detect: 'main', 'live-grid': 'sub' });
    expect(resolveRoles([{ name: 'main', roles: ['live-full'] }, { name: 'sub', roles: ['record', 'detect', 'live-grid'] }])).toMatchObject({ record: 'sub' });
  });
});

describe('camera presets', () => {
  it('every family fills in valid main and sub URLs from an address and a password', () => {
    expect(CAMERA_PRESETS.map((p) => p.key)).toEqual(['hikvision', 'dahua', 'reolink', 'amcrest', 'axis', 'tapo', 'unifi']);
    for (const p of CAMERA_PRESETS) {
      const streams = presetStreams(p.key, '192.168.1.20', 'p@ss word');
      expect(streams.map((s) => s.name)).toEqual(['main', 'sub']);
      for (const s of streams) expect(CameraStream.safeParse(s).success).toBe(true);
    }
  });

  it('Hikvision: channels 101 and 102 with the password encoded; a given port is kept', () => {
    const [main, sub] = presetStreams('hikvision', '10.0.0.5:8554', 'a/b');
    expect(main?.url).toBe('rtsp://admin:a%2Fb@10.0.0.5:8554/Streaming/Channels/101');
    expect(sub?.url).toBe('rtsp://admin:a%2Fb@10.0.0.5:8554/Streaming/Channels/102');
    expect(main?.roles).toEqual(['record', 'live-full']);
    expect(sub?.roles).toEqual(['detect', 'live-grid']);
  });

  it('UniFi Protect takes its share token as the path over rtsps on 7447, with no user', () => {
    const [main] = presetStreams('unifi', 'nvr.local', 'TOKEN1');
    expect(main?.url).toBe('rtsps://nvr.local:7447/TOKEN1_high');
  });

  it('an unknown preset is an error', () => {
    expect(() => presetStreams('nope', 'x', 'y')).toThrow(/unknown camera preset/);
  });
});
