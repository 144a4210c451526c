// Export of a selected range: a job with a progress bar, cancel, gaps reported in words, then a download.
import type { ExportJob, ExportProgress } from '@common/contract/index.js';
import { useCallback, useState } from 'react';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import { mediaUrl } from '../lib/media.js';
import type { Interval } from '../lib/timeline.js';
import { ErrorText } from './ErrorText.js';
import { RedactOptions, type RedactChoice } from './RedactOptions.js';

export function ExportPanel({ cameraIds, range, onClear }: { cameraIds: string[]; range: Interval; onClear: () => void }) {
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
    <div className="card export-panel" aria-label="Export">
      <div className="row">
        <strong>Export</strong>
        <span>
          {when(range.start)} – {clock(range.end)} ({minutes} min)
        </span>
        <label className="checkbox">
          <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} /> Exact cut: starts and ends on the very frame (re-encodes only a second or two at each end)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={allowGaps} onChange={(e) => setAllowGaps(e.target.checked)} /> Allow missing parts
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
          Export clip
        </button>
        <button type="button" onClick={onClear}>
          Clear selection
        </button>
      </div>
      <RedactOptions cameraIds={cameraIds} range={range} value={redact} onChange={setRedact} />
      <ErrorText error={create.error ?? cancel.error} />
      {jobId && status && (
        <div className="row">
          <progress max={1} value={progress} aria-label="Export progress" data-testid="export-progress" />
          <span role="status">{describe(status, progress)}</span>
          {(status === 'running' || status === 'queued') && (
            <button type="button" onClick={() => cancel.mutate({ id: jobId })}>
              Cancel
            </button>
          )}
          {status === 'done' && data?.url && (
            <a className="button primary" href={mediaUrl(`exports/${data.url}`)} download data-testid="export-download">
              Download
            </a>
          )}
        </div>
      )}
      {data?.status === 'failed' && <p className="error">{data.error}</p>}
      {data?.status === 'done' && data.sha256 && <p className="muted small">SHA-256 {data.sha256} · a manifest was saved beside the file.</p>}
    </div>
  );
}

function isDone(j: ExportJob | undefined): boolean {
  return j !== undefined && (j.status === 'done' || j.status === 'failed' || j.status === 'cancelled');
}

function describe(status: string, progress: number): string {
  switch (status) {
    case 'queued':
      return 'Waiting for the export before it…';
    case 'running':
      return `Exporting… ${Math.round(progress * 100)}%`;
    case 'done':
      return 'Ready';
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'Failed';
  }
}
