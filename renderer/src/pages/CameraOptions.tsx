// The camera form's finer parts: stream paths from a camera make, sound, how the stream is read, and what detection keeps.
import { CAMERA_PRESETS, presetStreams, type CameraInputOptions, type CameraObjectSettings } from '@common/contract/index.js';
import { useState } from 'react';
import { useTranslation } from '../i18n/index.js';

/** Labels a camera can track (COCO names the default model knows); the first nine are tracked by default. */
export const TRACKABLE = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird', 'horse', 'sheep', 'cow', 'bear', 'backpack', 'umbrella', 'suitcase'];
const DEFAULT_TRACKED = TRACKABLE.slice(0, 9);

/** Fills both stream addresses from a make, an address and a password (UniFi: the share token). */
export function PresetFill({ onFill }: { onFill: (main: string, sub: string | null, preset: string) => void }) {
  const { t } = useTranslation();
  const [preset, setPreset] = useState('');
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const chosen = CAMERA_PRESETS.find((p) => p.key === preset);
  return (
    <fieldset className="row" aria-label={t('cameraOptions.fillFromMake')}>
      <legend>{t('cameraOptions.fillLegend')}</legend>
      <label>
        {t('cameraOptions.make')}
        <select name="preset" value={preset} onChange={(e) => setPreset(e.target.value)}>
          <option value="">{t('cameraOptions.makeOther')}</option>
          {CAMERA_PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {chosen && (
        <>
          <label>
            {t('cameraOptions.address')}
            <input name="presetAddress" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="192.168.1.20" />
          </label>
          <label>
            {chosen.key === 'unifi' ? t('cameraOptions.shareToken') : t('cameraOptions.passwordOfUser', { user: chosen.user })}
            <input name="presetPassword" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <button
            type="button"
            disabled={!address.trim()}
            onClick={() => {
              const [main, sub] = presetStreams(chosen.key, address, password);
              if (main) onFill(main.url, sub?.url ?? null, chosen.key);
            }}
          >
            {t('cameraOptions.fillIn')}
          </button>
        </>
      )}
    </fieldset>
  );
}

/** ffmpeg's names for the hardware decoders (shown as they are: they are what the documentation calls them). */
const DECODERS = ['vaapi', 'qsv', 'cuda', 'videotoolbox', 'd3d11va'];

/** The hardware decoding choices after "off" (the default one and the camera one share them). */
export function HwaccelOptions() {
  const { t } = useTranslation();
  return (
    <>
      <option value="auto">{t('cameraOptions.hwaccelAuto')}</option>
      {DECODERS.map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
    </>
  );
}

/** Transport, clock and hardware decoding. */
export function InputFields({ value, onChange }: { value: CameraInputOptions; onChange: (v: CameraInputOptions) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="row">
      <legend>{t('cameraOptions.reading')}</legend>
      <label>
        {t('cameraOptions.transport')}
        <select name="transport" value={value.transport} onChange={(e) => onChange({ ...value, transport: e.target.value as CameraInputOptions['transport'] })}>
          <option value="tcp">{t('cameraOptions.tcp')}</option>
          <option value="udp">{t('cameraOptions.udp')}</option>
        </select>
      </label>
      <label>
        {t('cameraOptions.timestamps')}
        <select name="clock" value={value.clock} onChange={(e) => onChange({ ...value, clock: e.target.value as CameraInputOptions['clock'] })}>
          <option value="auto">{t('cameraOptions.clockAuto')}</option>
          <option value="camera">{t('cameraOptions.clockCamera')}</option>
          <option value="wallclock">{t('cameraOptions.clockWallclock')}</option>
        </select>
      </label>
      <label>
        {t('cameraOptions.hwaccel')}
        <select name="hwaccel" value={value.hwaccel} onChange={(e) => onChange({ ...value, hwaccel: e.target.value as CameraInputOptions['hwaccel'] })}>
          <option value="default">{t('cameraOptions.hwaccelDefault')}</option>
          <option value="off">{t('cameraOptions.hwaccelOff')}</option>
          <HwaccelOptions />
        </select>
      </label>
    </fieldset>
  );
}

const num = (text: string, min: number, max: number): number | null => {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : null;
};

/** Labels tracked, scores, the smallest and largest box per label (in % of the picture) and motion sensitivity. */
export function DetectionFields({ value, onChange }: { value: CameraObjectSettings; onChange: (v: CameraObjectSettings) => void }) {
  const { t } = useTranslation();
  const labels = value.labels ?? DEFAULT_TRACKED;
  const toggle = (label: string, on: boolean) => {
    const next = on ? [...labels, label] : labels.filter((l) => l !== label);
    if (next.length > 0) onChange({ ...value, labels: next });
  };
  const setArea = (label: string, key: 'min' | 'max', text: string) => {
    const v = num(text, 0, 100);
    const area = { ...value.areas[label] };
    if (v === null) delete area[key];
    else area[key] = v / 100;
    const areas = { ...value.areas, [label]: area };
    if (area.min === undefined && area.max === undefined) delete areas[label];
    onChange({ ...value, areas });
  };
  const pct = (v: number | undefined): string => (v === undefined ? '' : String(Math.round(v * 10_000) / 100));
  return (
    <fieldset aria-label={t('cameraOptions.detection')}>
      <legend>{t('cameraOptions.detectionLegend')}</legend>
      <div className="row" role="group" aria-label={t('cameraOptions.labelsTracked')}>
        {TRACKABLE.map((l) => (
          <label key={l} className="checkbox">
            <input type="checkbox" checked={labels.includes(l)} onChange={(e) => toggle(l, e.target.checked)} /> {l}
          </label>
        ))}
      </div>
      <div className="row">
        <label>
          {t('cameraOptions.minScore')}
          <input name="minScore" type="number" step={0.05} min={0} max={1} value={value.minScore ?? ''} onChange={(e) => onChange({ ...value, minScore: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          {t('cameraOptions.threshold')}
          <input name="threshold" type="number" step={0.05} min={0} max={1} value={value.threshold ?? ''} onChange={(e) => onChange({ ...value, threshold: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          {t('cameraOptions.motionSensitivity', { value: value.motionSensitivity })}
          <input name="motionSensitivity" type="range" min={1} max={10} value={value.motionSensitivity} onChange={(e) => onChange({ ...value, motionSensitivity: Number(e.target.value) })} />
        </label>
      </div>
      <table className="small">
        <caption className="muted">{t('cameraOptions.boxSizes')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cameraOptions.colLabel')}</th>
            <th scope="col">{t('cameraOptions.colSmallest')}</th>
            <th scope="col">{t('cameraOptions.colLargest')}</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              <td>
                <input aria-label={t('cameraOptions.smallestOf', { label: l })} type="number" min={0} max={100} step={0.1} value={pct(value.areas[l]?.min)} onChange={(e) => setArea(l, 'min', e.target.value)} />
              </td>
              <td>
                <input aria-label={t('cameraOptions.largestOf', { label: l })} type="number" min={0} max={100} step={1} value={pct(value.areas[l]?.max)} onChange={(e) => setArea(l, 'max', e.target.value)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
