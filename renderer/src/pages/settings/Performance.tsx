// Settings → Performance: inference workers, threads and execution provider, and the default hardware decoding of cameras.
import type { AllSettings } from '@common/settings/index.js';
import { useState } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useAction, useCall } from '../../lib/api.js';
import { HwaccelOptions } from '../CameraOptions.js';

type Detection = AllSettings['detection'];
type Hw = AllSettings['ffmpeg']['hwaccel'];

export function PerformanceSection() {
  const { t } = useTranslation();
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
      <h2 id="performance-title">{t('performance.title')}</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ section: 'detection', value: draft });
        }}
      >
        <label>
          {t('performance.workers')}
          <input name="workers" type="number" min={0} max={8} value={det.workers} onChange={(e) => setDraft({ ...draft, workers: Number(e.target.value) })} />
        </label>
        <label>
          {t('performance.threads')}
          <input name="threads" type="number" min={1} max={8} value={det.threads} onChange={(e) => setDraft({ ...draft, threads: Number(e.target.value) })} />
        </label>
        <label>
          {t('performance.runOn')}
          <select name="executionProvider" value={det.executionProvider} onChange={(e) => setDraft({ ...draft, executionProvider: e.target.value as Detection['executionProvider'] })}>
            <option value="cpu">{t('performance.cpu')}</option>
            <option value="cuda">{t('performance.cuda')}</option>
            <option value="coreml">{t('performance.coreml')}</option>
            <option value="directml">{t('performance.directml')}</option>
          </select>
        </label>
        <button type="submit" disabled={save.isPending}>
          {t('common.save')}
        </button>
        <ErrorText error={save.error} />
      </form>
      {notice && <p className="muted small">{notice}</p>}
      <label>
        {t('performance.hwaccel')}
        <select name="hwaccel" value={data.ffmpeg.hwaccel} onChange={(e) => saveHw.mutate({ section: 'ffmpeg', value: { hwaccel: e.target.value as Hw } })}>
          <option value="off">{t('performance.hwaccelOff')}</option>
          <HwaccelOptions />
        </select>
      </label>
      <ErrorText error={saveHw.error} />
    </section>
  );
}
