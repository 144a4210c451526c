// Light, dark or the system's: a choice per device (this browser or this desktop window), falling back to the
// installation's default from Settings. Applied as data-theme on <html>; the stylesheet does the rest.
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'porchlight.theme';

export function storedTheme(): Theme | undefined {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' || v === 'system' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function chooseTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyTheme(theme);
}
