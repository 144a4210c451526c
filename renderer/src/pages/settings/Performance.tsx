// Settings → Performance: inference workers, threads and execution provider, and the default hardware decoding of cameras.
import type { AllSettings } from '@common/settings/index.js';
import { useState } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useAction, useCall } from '../../lib/api.js';
import { HwaccelOptions } from '../CameraOptions.js';

type Detection = AllSettings['detection'];
type Hw = AllSettings['ffmpeg']['hwaccel'];

export function PerformanceSection() {
  const settings = useCall('settings.get', {});
  const health = useCall('system.health', {});
  const save = useAction('settings.set', ['settings.get']);
  const saveHw = useAction('settings.set', ['settings.get']);
  const [draft, setDraft] = useState<Partial<Pick<Detection, 'workers' | 'threads' | 'executionProvider'>>>({});
  const data = settings.data;
  if (!data) return null;
  const det = { ...data.detection, ...draft };
  const notice = health.data?.detector.message;
  return (
    <section className="card" aria-labelledby="performance-title">
      <h2 id="performance-title">Performance</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ section: 'detection', value: draft });
        }}
      >
        <label>
          Inference workers (0: half the cores)
          <input name="workers" type="number" min={0} max={8} value={det.workers} onChange={(e) => setDraft({ ...draft, workers: Number(e.target.value) })} />
        </label>
        <label>
          Threads per worker
          <input name="threads" type="number" min={1} max={8} value={det.threads} onChange={(e) => setDraft({ ...draft, threads: Number(e.target.value) })} />
        </label>
        <label>
          Run the model on
          <select name="executionProvider" value={det.executionProvider} onChange={(e) => setDraft({ ...draft, executionProvider: e.target.value as Detection['executionProvider'] })}>
            <option value="cpu">CPU</option>
            <option value="cuda">CUDA (NVIDIA, Linux and Windows)</option>
            <option value="coreml">CoreML (macOS)</option>
            <option value="directml">DirectML (Windows)</option>
          </select>
        </label>
        <button type="submit" disabled={save.isPending}>
          Save
        </button>
        <ErrorText error={save.error} />
      </form>
      {notice && <p className="muted small">{notice}</p>}
      <label>
        Hardware decoding for cameras that follow the default
        <select name="hwaccel" value={data.ffmpeg.hwaccel} onChange={(e) => saveHw.mutate({ section: 'ffmpeg', value: { hwaccel: e.target.value as Hw } })}>
          <option value="off">Off (software)</option>
          <HwaccelOptions />
        </select>
      </label>
      <ErrorText error={saveHw.error} />
    </section>
  );
}
