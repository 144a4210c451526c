// Appearance: light, dark or the system's, the language, and the time zone times are shown in, chosen for this device.
import { useMemo, useState } from 'react';
import { browserLocale, chooseLocale, LOCALES, storedLocale, useTranslation, type LocaleChoice } from '../../i18n/index.js';
import { chooseTheme, storedTheme, type Theme } from '../../lib/theme.js';
import { chooseZone, deviceZone, storedZone, useViewerZone } from '../../lib/zone.js';

const THEMES = [
  { value: 'system', label: 'appearance.themeSystem' },
  { value: 'light', label: 'appearance.themeLight' },
  { value: 'dark', label: 'appearance.themeDark' },
] as const satisfies ReadonlyArray<{ value: Theme; label: string }>;

export function AppearanceSection({ fallback }: { fallback: Theme }) {
  const { t } = useTranslation();
  const [theme, setTheme] = useState<Theme>(() => storedTheme() ?? fallback);
  const [locale, setLocale] = useState<LocaleChoice>(storedLocale);
  return (
    <div className="card section" aria-labelledby="appearance-title">
      <h2 id="appearance-title">{t('appearance.title')}</h2>
      <fieldset className="row">
        <legend>{t('appearance.theme')}</legend>
        {THEMES.map((c) => (
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
            {t(c.label)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('appearance.language')}
        <select
          name="locale"
          value={locale}
          onChange={(e) => {
            const choice = e.target.value as LocaleChoice;
            setLocale(choice);
            chooseLocale(choice);
          }}
        >
          <option value="system">{t('appearance.languageSystem', { language: LOCALES[browserLocale()] })}</option>
          {Object.entries(LOCALES).map(([value, name]) => (
            <option key={value} value={value} lang={value}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <TimeZoneChoice />
    </div>
  );
}

function TimeZoneChoice() {
  const { t } = useTranslation();
  const zone = useViewerZone();
  const chosen = storedZone();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  return (
    <label>
      {t('appearance.zone')}
      <select name="zone" value={chosen ?? ''} onChange={(e) => chooseZone(e.target.value || null)} data-zone={zone}>
        <option value="">{t('appearance.zoneDevice', { zone: deviceZone() })}</option>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}
