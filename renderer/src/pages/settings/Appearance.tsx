// Appearance: light, dark or the system's, chosen for this device.
import { useState } from 'react';
import { chooseTheme, storedTheme, type Theme } from '../../lib/theme.js';

const CHOICES: Array<{ value: Theme; label: string }> = [
  { value: 'system', label: 'Like the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function AppearanceSection({ fallback }: { fallback: Theme }) {
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? fallback);
  return (
    <div className="card section" aria-labelledby="appearance-title">
      <h2 id="appearance-title">Appearance</h2>
      <fieldset className="row">
        <legend>Theme on this device</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="check">
            <input
              type="radio"
              name="theme"
              value={c.value}
              checked={theme === c.value}
              onChange={() => {
                setTheme(c.value);
                chooseTheme(c.value);
              }}
            />
            {c.label}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
