// The tray: overall state at a glance (all cameras fine / some offline / recording paused) and a small menu.
import type * as Electron from 'electron';
import type { CameraState } from '../common/contract/index.js';

export interface TrayStatus {
  level: 'ok' | 'warning' | 'paused';
  text: string;
}

export function trayStatus(states: readonly CameraState[], recordingPaused: boolean): TrayStatus {
  if (recordingPaused) return { level: 'paused', text: 'Recording paused' };
  const active = states.filter((s) => s.state !== 'disabled');
  const down = active.filter((s) => s.state === 'offline' || s.state === 'error');
  if (active.length === 0) return { level: 'ok', text: 'No cameras yet' };
  if (down.length === 0) return { level: 'ok', text: `All ${active.length} camera${active.length === 1 ? '' : 's'} recording` };
  return { level: 'warning', text: `${down.length} of ${active.length} camera${active.length === 1 ? '' : 's'} offline` };
}

export interface TrayActions {
  /** Opens the window, on a page when one is given (a hash route such as `/review`). */
  open(route?: string): void;
  setPaused(paused: boolean): void;
  quit(): void;
}

/** What waits to be reviewed (the same count as the navigation badge and the window title), as the tray says it. */
export function unreviewedText(count: number): string {
  return count === 0 ? 'Nothing to review' : `${count} to review`;
}

/** The tooltip: the recording state, then what waits to be reviewed when anything does. */
export function trayTooltip(status: TrayStatus, unreviewed: number): string {
  return `Porchlight: ${status.text}${unreviewed > 0 ? ` · ${unreviewedText(unreviewed)}` : ''}`;
}

export function trayMenu(status: TrayStatus, paused: boolean, actions: TrayActions, unreviewed = 0): Electron.MenuItemConstructorOptions[] {
  return [
    { label: status.text, enabled: false },
    { label: unreviewedText(unreviewed), enabled: unreviewed > 0, click: () => actions.open('/review') },
    { type: 'separator' },
    { label: 'Open Porchlight', click: () => actions.open() },
    { label: paused ? 'Resume recording' : 'Pause recording', click: () => actions.setPaused(!paused) },
    { type: 'separator' },
    { label: 'Quit Porchlight', click: () => actions.quit() },
  ];
}

/** The 32 px tray icon (the porch light), inline so the packaged app needs no loose asset. */
export const TRAY_ICON_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAACXBIWXMAAAsTAAALEwEAmpwYAAABvElEQVRYhd1Xu07DMBT13squXeyYOVORuvQHyqs/AOnCa4cVKAsMUAT8BjBTiYGBj+DxE4DEAhRYa3SipCptqiTIaSQsHSlKHJ9zz722fAkZGAXHUYzLYyrUA+XyiwllbABrUaHuGZdtcJCowYRsUq66tkjHiwGH9EbImVC9rMkH0OuLKDiOmkTkEU58FItaEuR80uR9cHlEqFCPeQlAYRLK1WduArjqktzsD0D+8pPW2jQbrmmtz5jdtYr/jHeZCyiVlU/60qmb79v5X8A7iMGcTASUyspcHtRGiIdxsV9LJYIknYjI48hD7KxW7ArQWkfaPg7PnbpxtGNPgNdwE5OHWF5w7QnY20hufwikzJqAVor8h8CO+D8p0CmL8OnKchEyoXxLkwrYXrG8DVlwEOGQiSM/z+ogYoEIOIF9HmU7Is/sKGYDQH69RdcXA+A5ac6tCGAWQdJMPtuqmrebubH5x7fTzWp2Al6vZ2OLEHNSCaApbsSILs6BkxQO4GaMS+lDrpdSxmU7tyLk8jC/xkSo92JxeipszbwcWrOl4f7QQ1FMIvIR8nCgV0O7RLm6s9mwYC2siZz3bQ/GD1++uzDhjN2MAAAAAElFTkSuQmCC';
