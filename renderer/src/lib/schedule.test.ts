// The schedule grid round-trips to minute ranges, including a night across midnight.
import { describe, expect, it } from 'vitest';
import { fromGrid, preset, toGrid, toggle } from './schedule.js';

describe('schedule grid', () => {
  it('turns runs of hours into ranges and back', () => {
    const days = fromGrid(preset('nights'));
    expect(days.mon).toEqual([
      [0, 420],
      [1080, 1440],
    ]);
    expect(toGrid(days)).toEqual(preset('nights'));
  });

  it('workdays leave the weekend empty', () => {
    const days = fromGrid(preset('workdays'));
    expect(days.sat).toEqual([]);
    expect(days.wed).toEqual([[480, 1080]]);
  });

  it('toggles one hour', () => {
    const g = toggle(preset('always'), 2, 13);
    expect(fromGrid(g).tue).toEqual([
      [0, 780],
      [840, 1440],
    ]);
    expect(toggle(g, 2, 13, true)).toEqual(preset('always'));
  });
});
