// Export of a selected range: a job with a progress bar, cancel, gaps reported in words, then a download.
import type { ExportJob, ExportProgress } from '@common/contract/index.js';
import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import { mediaUrl } from '../lib/media.js';
import type { Interval } from '../lib/timeline.js';
import { ErrorText } from './ErrorText.js';
import { RedactOptions, type RedactChoice } from './RedactOptions.js';

export function ExportPanel({ cameraIds, range, onClear }: { cameraIds: string[]; range: Interval; onClear: () => void }) {
  const { t } = useTranslation();
  const [jobId, setJobId] = useState<string | null>(null);
  const [allowGaps, setAllowGaps] = useState(false);
  const [exact, setExact] = useState(false);
  const [redact, setRedact] = useState<RedactChoice | null>(null);
  const [live, setLive] = useState<ExportProgress | null>(null);
  const create = useAction('exports.create');
  const cancel = useAction('exports.cancel');
  const job = useCall('exports.get', { id: jobId ?? 'none' }, { enabled: jobId !== null, refetchInterval: (q) => (isDone(q.state.data) ? false : 2000) });
  const onProgress = useCallback((p: ExportProgress) => {
    if (p.id === jobId) {
      setLive(p);
      if (p.status !== 'running' && p.status !== 'queued') void job.refetch();
    }
  }, [jobId, job]);
  useTopic('export.progress', onProgress);

  const data = job.data;
  const progress = data && isDone(data) ? data.progress : (live?.progress ?? data?.progress ?? 0);
  const status = data && isDone(data) ? data.status : (live?.status ?? data?.status);
  const minutes = Math.round((range.end - range.start) / 6000) / 10;

  return (
    <div className="card export-panel" aria-label={t('exportPanel.title')}>
      <div className="row">
        <strong>{t('exportPanel.title')}</strong>
        <span>{t('exportPanel.range', { start: when(range.start), end: clock(range.end), minutes })}</span>
        <label className="checkbox">
          <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} /> {t('exportPanel.exact')}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={allowGaps} onChange={(e) => setAllowGaps(e.target.checked)} /> {t('exportPanel.allowGaps')}
        </label>
        <button
          type="button"
          className="primary"
          disabled={create.isPending || status === 'running' || status === 'queued'}
          onClick={() =>
            create.mutate(
              { cameras: cameraIds, start: Math.round(range.start), end: Math.round(range.end), exact, allowGaps, ...(redact ? { redact } : {}) },
              { onSuccess: (j) => (setJobId(j.id), setLive(null)) },
            )
          }
        >
          {t('exportPanel.exportClip')}
        </button>
        <button type="button" onClick={onClear}>
          {t('exportPanel.clear')}
        </button>
      </div>
      <RedactOptions cameraIds={cameraIds} range={range} value={redact} onChange={setRedact} />
      <ErrorText error={create.error ?? cancel.error} />
      {jobId && status && (
        <div className="row">
          <progress max={1} value={progress} aria-label={t('exportPanel.progress')} data-testid="export-progress" />
          <span role="status">{describe(status, progress, t)}</span>
          {(status === 'running' || status === 'queued') && (
            <button type="button" onClick={() => cancel.mutate({ id: jobId })}>
              {t('common.cancel')}
            </button>
          )}
          {status === 'done' && data?.url && (
            <a className="button primary" href={mediaUrl(`exports/${data.url}`)} download data-testid="export-download">
              {t('exportPanel.download')}
            </a>
          )}
        </div>
      )}
      {data?.status === 'failed' && <p className="error">{data.error}</p>}
      {data?.status === 'done' && data.sha256 && <p className="muted small">{t('exportPanel.checksum', { sha256: data.sha256 })}</p>}
    </div>
  );
}

function isDone(j: ExportJob | undefined): boolean {
  return j !== undefined && (j.status === 'done' || j.status === 'failed' || j.status === 'cancelled');
}

function describe(status: string, progress: number, t: TFunction): string {
  switch (status) {
    case 'queued':
      return t('exportPanel.queued');
    case 'running':
      return t('exportPanel.running', { percent: Math.round(progress * 100) });
    case 'done':
      return t('exportPanel.done');
    case 'cancelled':
      return t('exportPanel.cancelled');
    default:
      return t('exportPanel.failed');
  }
}
