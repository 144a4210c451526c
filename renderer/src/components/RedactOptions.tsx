// The redaction option of an export: blur or fill every person in the range except those of the events ticked here.
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { useCall } from '../lib/api.js';
import { clock } from '../lib/format.js';
import type { Interval } from '../lib/timeline.js';
import { ErrorText } from './ErrorText.js';

export interface RedactChoice {
  keepEvents: string[];
  method: 'blur' | 'fill';
}

export function RedactOptions({ cameraIds, range, value, onChange }: { cameraIds: string[]; range: Interval; value: RedactChoice | null; onChange: (v: RedactChoice | null) => void }) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const events = useCall(
    'events.query',
    { cameras: cameraIds, labels: ['person'], after: Math.round(range.start) - 60_000, before: Math.round(range.end), limit: 100 },
    { enabled: value !== null },
  );
  const inRange = (events.data?.items ?? []).filter((e) => (e.end ?? e.start) >= range.start);
  const toggle = (id: string, on: boolean) => value && onChange({ ...value, keepEvents: on ? [...value.keepEvents, id] : value.keepEvents.filter((x) => x !== id) });
  return (
    <fieldset className="redact-options">
      <label className="checkbox">
        <input type="checkbox" checked={value !== null} onChange={(e) => onChange(e.target.checked ? { keepEvents: [], method: 'blur' } : null)} /> {t('redactOptions.hidePeople')}
      </label>
      {value && (
        <>
          <label>
            {t('redactOptions.how')}
            <select name="redact-method" value={value.method} onChange={(e) => onChange({ ...value, method: e.target.value as RedactChoice['method'] })}>
              <option value="blur">{t('redactOptions.blur')}</option>
              <option value="fill">{t('redactOptions.fill')}</option>
            </select>
          </label>
          <ErrorText error={events.error} />
          {inRange.length === 0 && events.isSuccess && <p className="muted small">{t('redactOptions.none')}</p>}
          {inRange.map((e) => (
            <label key={e.id} className="checkbox">
              <input type="checkbox" checked={value.keepEvents.includes(e.id)} onChange={(ev) => toggle(e.id, ev.target.checked)} />{' '}
              {e.end
                ? t('redactOptions.keepFor', { label: labelName(e.label), time: clock(e.start), seconds: Math.round((e.end - e.start) / 1000) })
                : t('redactOptions.keep', { label: labelName(e.label), time: clock(e.start) })}
            </label>
          ))}
        </>
      )}
    </fieldset>
  );
}
