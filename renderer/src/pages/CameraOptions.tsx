// The camera form's finer parts: stream paths from a camera make, sound, how the stream is read, and what detection keeps.
import { CAMERA_PRESETS, presetStreams, type CameraInputOptions, type CameraObjectSettings } from '@common/contract/index.js';
import { useState } from 'react';

/** Labels a camera can track (COCO names the default model knows); the first nine are tracked by default. */
export const TRACKABLE = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird', 'horse', 'sheep', 'cow', 'bear', 'backpack', 'umbrella', 'suitcase'];
const DEFAULT_TRACKED = TRACKABLE.slice(0, 9);

/** Fills both stream addresses from a make, an address and a password (UniFi: the share token). */
export function PresetFill({ onFill }: { onFill: (main: string, sub: string | null, preset: string) => void }) {
  const [preset, setPreset] = useState('');
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const chosen = CAMERA_PRESETS.find((p) => p.key === preset);
  return (
    <fieldset className="row" aria-label="Fill in from the camera make">
      <legend>Fill in the stream addresses from the camera make (optional)</legend>
      <label>
        Make
        <select name="preset" value={preset} onChange={(e) => setPreset(e.target.value)}>
          <option value="">Other / type the addresses</option>
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
            Address
            <input name="presetAddress" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="192.168.1.20" />
          </label>
          <label>
            {chosen.key === 'unifi' ? 'Share token' : `Password (user ${chosen.user})`}
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
            Fill in
          </button>
        </>
      )}
    </fieldset>
  );
}

/** The hardware decoding choices after "off" (the default one and the camera one share them). */
export function HwaccelOptions() {
  return (
    <>
      <option value="auto">Automatic (tries this machine’s decoders, falls back to software)</option>
      {['vaapi', 'qsv', 'cuda', 'videotoolbox', 'd3d11va'].map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
    </>
  );
}

/** Transport, clock and hardware decoding. */
export function InputFields({ value, onChange }: { value: CameraInputOptions; onChange: (v: CameraInputOptions) => void }) {
  return (
    <fieldset className="row">
      <legend>Reading the stream</legend>
      <label>
        Transport
        <select name="transport" value={value.transport} onChange={(e) => onChange({ ...value, transport: e.target.value as CameraInputOptions['transport'] })}>
          <option value="tcp">RTSP over TCP (recommended)</option>
          <option value="udp">RTSP over UDP</option>
        </select>
      </label>
      <label>
        Timestamps
        <select name="clock" value={value.clock} onChange={(e) => onChange({ ...value, clock: e.target.value as CameraInputOptions['clock'] })}>
          <option value="auto">This computer’s clock (recommended)</option>
          <option value="camera">The camera’s clock</option>
          <option value="wallclock">Always this computer’s clock</option>
        </select>
      </label>
      <label>
        Hardware decoding
        <select name="hwaccel" value={value.hwaccel} onChange={(e) => onChange({ ...value, hwaccel: e.target.value as CameraInputOptions['hwaccel'] })}>
          <option value="default">As in Settings</option>
          <option value="off">Off (software)</option>
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
    <fieldset aria-label="Detection settings">
      <legend>What detection keeps</legend>
      <div className="row" role="group" aria-label="Labels tracked">
        {TRACKABLE.map((l) => (
          <label key={l} className="checkbox">
            <input type="checkbox" checked={labels.includes(l)} onChange={(e) => toggle(l, e.target.checked)} /> {l}
          </label>
        ))}
      </div>
      <div className="row">
        <label>
          Minimum score (0–1; empty: 0.5)
          <input name="minScore" type="number" step={0.05} min={0} max={1} value={value.minScore ?? ''} onChange={(e) => onChange({ ...value, minScore: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          Median score for an event (0–1; empty: 0.6)
          <input name="threshold" type="number" step={0.05} min={0} max={1} value={value.threshold ?? ''} onChange={(e) => onChange({ ...value, threshold: num(e.target.value, 0, 1) })} />
        </label>
        <label>
          Motion sensitivity ({value.motionSensitivity})
          <input name="motionSensitivity" type="range" min={1} max={10} value={value.motionSensitivity} onChange={(e) => onChange({ ...value, motionSensitivity: Number(e.target.value) })} />
        </label>
      </div>
      <table className="small">
        <caption className="muted">Box size per label, in % of the picture (empty: 0.05 % to 80 %)</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Smallest</th>
            <th scope="col">Largest</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              <td>
                <input aria-label={`Smallest ${l}`} type="number" min={0} max={100} step={0.1} value={pct(value.areas[l]?.min)} onChange={(e) => setArea(l, 'min', e.target.value)} />
              </td>
              <td>
                <input aria-label={`Largest ${l}`} type="number" min={0} max={100} step={1} value={pct(value.areas[l]?.max)} onChange={(e) => setArea(l, 'max', e.target.value)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
