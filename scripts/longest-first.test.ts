// The test sequencer's order: recorded wall times longest first, unknown files as a middling guess, names breaking ties.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../test/helpers/tmp.js';
import { loadDurations, longestFirst } from './longest-first.js';

describe('longest-first test order', () => {
  it('starts the longest recorded files first and places new ones as a 20 s guess', () => {
    const durations = { 'a.test.ts': 5, 'b.test.ts': 260, 'c.test.ts': 40, 'd.test.ts': 5 };
    const order = longestFirst(['a.test.ts', 'new.test.ts', 'd.test.ts', 'c.test.ts', 'b.test.ts'], (f) => f, durations);
    expect(order).toEqual(['b.test.ts', 'c.test.ts', 'new.test.ts', 'a.test.ts', 'd.test.ts']);
  });

  it('reads a recorded file, and treats a missing or broken one as no record', () => {
    const tmp = makeTempDir();
    try {
      const file = join(tmp.dir, 'durations.json');
      expect(loadDurations(file)).toEqual({});
      writeFileSync(file, '{"x.test.ts": 12.5}');
      expect(loadDurations(file)).toEqual({ 'x.test.ts': 12.5 });
      writeFileSync(file, '{not json');
      expect(loadDurations(file)).toEqual({});
    } finally {
      tmp.cleanup();
    }
  });
});
