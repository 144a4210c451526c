// Credentials never reach a log line, whatever shape they arrive in.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../common/redact.js';
import { createLogger, setLogDestination } from './index.js';

function capture(fn: () => void): string {
  const lines: string[] = [];
  setLogDestination({ write: (l: string) => lines.push(l) });
  try {
    fn();
  } finally {
    setLogDestination({ write: () => true });
  }
  return lines.join('');
}

describe('logging', () => {
  const url = 'rtsp://admin:hunter2@192.0.2.10:554/stream1?password=topsecret';

  it('scrubs user:pass@ and secret parameters from messages, fields, nested objects and errors', () => {
    const log = createLogger('ingest');
    const out = capture(() => {
      log.warn(`connecting to ${url}`);
      log.warn({ camera: 'front', url, nested: { list: [url] } }, 'retrying');
      log.error({ err: new Error(`ffmpeg failed: ${url}: 401 Unauthorized`) }, 'camera failed');
      log.warn('format %s', url);
    });
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('topsecret');
    // the user name stays (it says which account failed), the password goes
    expect(out).toMatch(/rtsp:\/\/[^:/@]+:\*\*\*@192\.0\.2\.10:554\/stream1/);
    expect(out).toContain('"module":"ingest"');
    expect(out.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('redacts every scheme and keeps URLs without credentials intact', () => {
    expect(redactSecrets('see http://u:p@h/x and rtsps://only-user@h:1/y')).toBe('see http://u:***@h/x and rtsps://***@h:1/y');
    expect(redactSecrets('rtsp://cam.local/stream')).toBe('rtsp://cam.local/stream');
  });

  it('redacts hostile and huge texts in one pass (the test timeout is the hang guard)', () => {
    const inputs = ['A'.repeat(1_000_000), 'x://'.repeat(200_000), 'rtsp://a:b@'.repeat(50_000), `${'a'.repeat(31)}://`.repeat(30_000), '?password='.repeat(100_000)];
    for (const text of inputs) {
      const out = redactSecrets(text);
      expect(out.length).toBeGreaterThan(0);
      expect(out).not.toMatch(/a:b@/);
    }
  });
});
