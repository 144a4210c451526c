// Exports: every clip exported, with its state, size and checksum; download, verify against its manifest, delete.
import type { ExportJob, ExportVerifyResult } from '@common/contract/index.js';
import { useMemo, useState } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useCall, useThrottledRefresh, useTopic } from '../lib/api.js';
import { clock, formatBytes, when } from '../lib/format.js';
import { mediaUrl } from '../lib/media.js';

const STATUS_TEXT: Record<ExportJob['status'], string> = { queued: 'Waiting', running: 'Exporting', done: 'Ready', failed: 'Failed', cancelled: 'Cancelled' };

export function ExportsPage() {
  const jobs = useCall('exports.list', {});
  const cameras = useCall('cameras.list', {});
  const names = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c.name])), [cameras.data]);
  // progress comes many times a second while an export runs
  const refresh = useThrottledRefresh('exports.list', 1000);
  useTopic('export.progress', refresh);
  const remove = useAction('exports.delete', ['exports.list']);
  const cancel = useAction('exports.cancel', ['exports.list']);
  const verify = useAction('exports.verify');
  const [checked, setChecked] = useState<Record<string, ExportVerifyResult>>({});

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Exports</h1>
      <p className="small muted">Clips made for the police, an insurer or a neighbour. Each comes with a manifest of SHA-256 checksums; Verify re-reads the files against it.</p>
      <ErrorText error={jobs.error ?? remove.error ?? cancel.error ?? verify.error} />
      {jobs.isSuccess && jobs.data.length === 0 && <div className="empty-state">No exports yet. Export a clip from an event or from the timeline.</div>}
      {jobs.data && jobs.data.length > 0 && (
        <table className="table" aria-label="Exports">
          <thead>
            <tr>
              <th scope="col">Cameras</th>
              <th scope="col">From</th>
              <th scope="col">Length</th>
              <th scope="col">State</th>
              <th scope="col">Size</th>
              <th scope="col">Made</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.map((j) => {
              const result = checked[j.id];
              return (
                <tr key={j.id} data-testid="export-row" data-status={j.status}>
                  <td>{j.cameras.map((c) => names.get(c) ?? c).join(', ')}</td>
                  <td>{when(j.start)}</td>
                  <td>{Math.round((j.end - j.start) / 1000)} s</td>
                  <td>
                    {STATUS_TEXT[j.status]}
                    {j.status === 'running' && <progress max={1} value={j.progress} aria-label={`Export ${j.id} progress`} />}
                    {j.error && <span className="error"> {j.error}</span>}
                    {result && (
                      <span className={result.ok ? 'ok' : 'error'} data-testid="export-verified">
                        {' '}
                        {result.ok ? `verified: ${result.signature?.status === 'valid' ? "signed by this recorder's key, " : 'not signed, '}${result.files.length === 1 ? '1 file matches' : `${result.files.length} files match`} the manifest` : `does not verify: ${result.problem ?? result.files.filter((f) => !f.ok).map((f) => f.path).join(', ')}`}
                      </span>
                    )}
                  </td>
                  <td>{j.bytes !== undefined ? formatBytes(j.bytes) : '–'}</td>
                  <td>
                    {clock(j.createdAt)} by {j.createdBy}
                  </td>
                  <td className="row">
                    {j.status === 'done' && j.url && (
                      <a className="button" href={mediaUrl(`exports/${j.url}`)} download>
                        Download
                      </a>
                    )}
                    {j.status === 'done' && (
                      <button type="button" onClick={() => verify.mutate({ id: j.id }, { onSuccess: (r) => setChecked((all) => ({ ...all, [j.id]: r })) })} disabled={verify.isPending}>
                        Verify
                      </button>
                    )}
                    {(j.status === 'queued' || j.status === 'running') && (
                      <button type="button" onClick={() => cancel.mutate({ id: j.id })}>
                        Cancel
                      </button>
                    )}
                    <button type="button" className="danger" onClick={() => remove.mutate({ id: j.id })} aria-label={`Delete the export from ${when(j.start)}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
