// Appearance: light, dark or the system's, and the time zone times are shown in, chosen for this device.
import { useMemo, useState } from 'react';
import { chooseTheme, storedTheme, type Theme } from '../../lib/theme.js';
import { chooseZone, deviceZone, storedZone, useViewerZone } from '../../lib/zone.js';

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
      <TimeZoneChoice />
    </div>
  );
}

function TimeZoneChoice() {
  const zone = useViewerZone();
  const chosen = storedZone();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  return (
    <label>
      Time zone on this device
      <select value={chosen ?? ''} onChange={(e) => chooseZone(e.target.value || null)} data-zone={zone}>
        <option value="">{`This device's (${deviceZone()})`}</option>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}
