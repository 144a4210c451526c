// The rule editor's schedule grid: 7 days × 24 hours of on/off, to and from the contract's minute ranges.
import { WEEKDAYS, type MinuteRange, type Schedule } from '@common/contract/index.js';

export type HourGrid = boolean[][];

/** An hour is on when its whole 60 minutes are inside one of the day's ranges. */
export function toGrid(days: Schedule['days']): HourGrid {
  return WEEKDAYS.map((d) => Array.from({ length: 24 }, (_, h) => days[d].some(([a, b]) => a <= h * 60 && b >= (h + 1) * 60)));
}

/** Consecutive on-hours become one range per run. */
export function fromGrid(grid: HourGrid): Schedule['days'] {
  const out = {} as Schedule['days'];
  WEEKDAYS.forEach((d, i) => {
    const ranges: MinuteRange[] = [];
    let start: number | null = null;
    for (let h = 0; h <= 24; h++) {
      const on = h < 24 && (grid[i]?.[h] ?? false);
      if (on && start === null) start = h;
      if (!on && start !== null) {
        ranges.push([start * 60, h * 60]);
        start = null;
      }
    }
    out[d] = ranges;
  });
  return out;
}

export function toggle(grid: HourGrid, day: number, hour: number, value?: boolean): HourGrid {
  return grid.map((row, d) => (d === day ? row.map((on, h) => (h === hour ? (value ?? !on) : on)) : row));
}

/** Presets people ask for: always, nights (18:00–07:00), weekday working hours. */
export function preset(name: 'always' | 'nights' | 'workdays'): HourGrid {
  return WEEKDAYS.map((_, d) =>
    Array.from({ length: 24 }, (_, h) => {
      if (name === 'always') return true;
      if (name === 'nights') return h >= 18 || h < 7;
      return d >= 1 && d <= 5 && h >= 8 && h < 18;
    }),
  );
}
