// Remembers the window's size and position between runs, kept on a visible display.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(10_000),
  height: z.number().int().min(300).max(10_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 800, maximized: false };

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function loadWindowState(file: string, displays: Rect[]): WindowState {
  let state: WindowState;
  try {
    state = WindowState.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return DEFAULT_WINDOW;
  }
  // A monitor that was unplugged must not leave the window off-screen.
  if (state.x !== undefined && state.y !== undefined) {
    const { x, y } = state;
    const visible = displays.some((d) => x >= d.x - 50 && y >= d.y - 50 && x < d.x + d.width - 100 && y < d.y + d.height - 100);
    if (!visible) return { width: state.width, height: state.height, maximized: state.maximized };
  }
  return state;
}

export function saveWindowState(file: string, bounds: Rect, maximized: boolean): void {
  const state: WindowState = { ...bounds, maximized };
  writeFileSync(file, JSON.stringify(state));
}
