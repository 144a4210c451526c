// System: what is running, per-camera health, storage, recent logs, and the audit log for admins.
import { useCall, useClient, callOrThrow } from '../lib/api.js';
import { clock, formatBytes, when } from '../lib/format.js';
import { ErrorText } from '../components/ErrorText.js';
import { useState } from 'react';

export function SystemPage() {
  const client = useClient();
  const info = useCall('system.info', {});
  const health = useCall('system.health', {}, { refetchInterval: 5000 });
  const logs = useCall('system.logs', { limit: 100 }, { refetchInterval: 10_000, retry: false });
  const cameras = useCall('cameras.list', {});
  const [auditMessage, setAuditMessage] = useState<string | null>(null);
  const names = new Map((cameras.data ?? []).map((c) => [c.id, c.name]));

  const exportAudit = async () => {
    const verify = await callOrThrow(client, 'audit.verify', {});
    const { csv } = await callOrThrow(client, 'audit.export', {});
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `porchlight-audit-${new Date().toISOString().slice(0, 10)}.csv`;
    a.click();
    URL.revokeObjectURL(url);
    setAuditMessage(verify.ok ? `Audit log intact (${verify.entries} entries) and exported.` : `Warning: ${verify.problem}`);
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">System</h1>
      <ErrorText error={info.error} />
      {info.data && (
        <dl className="facts" data-testid="system-info">
          <dt>Version</dt>
          <dd data-testid="version">{info.data.version}</dd>
          <dt>Data directory</dt>
          <dd data-testid="data-dir">{info.data.dataDir}</dd>
          <dt>Running as</dt>
          <dd>
            {info.data.host === 'desktop' ? 'Desktop app' : 'Server'} ({client.transport === 'ipc' ? 'IPC' : 'HTTP'})
          </dd>
          <dt>Platform</dt>
          <dd>
            {info.data.platform}, Node {info.data.node}
          </dd>
          <dt>Database schema</dt>
          <dd>{info.data.schemaVersion}</dd>
          <dt>ffmpeg</dt>
          <dd>{info.data.ffmpeg ? `${info.data.ffmpeg.path} (${info.data.ffmpeg.source})` : 'Not found: set its path in Settings'}</dd>
          <dt>Started</dt>
          <dd>{when(info.data.startedAt)}</dd>
          {health.data && (
            <>
              <dt>Engine</dt>
              <dd data-testid="engine-health">
                CPU {health.data.cpuPercent}% · memory {formatBytes(health.data.rssBytes)}
              </dd>
              <dt>Detection</dt>
              <dd>
                {health.data.detector.model ?? 'No model'} · {health.data.detector.status}
                {health.data.detector.message ? ` · ${health.data.detector.message}` : ''}
              </dd>
            </>
          )}
        </dl>
      )}

      <h2>Cameras</h2>
      {health.data && health.data.cameras.length === 0 && <p className="muted">No camera is running.</p>}
      {health.data && health.data.cameras.length > 0 && (
        <table className="table" aria-label="Camera health">
          <thead>
            <tr>
              <th>Camera</th>
              <th>fps in</th>
              <th>detect fps</th>
              <th>frames to model</th>
              <th>dropped</th>
              <th>detector ms</th>
              <th>restarts</th>
              <th>live viewers</th>
              <th>streams</th>
            </tr>
          </thead>
          <tbody>
            {health.data.cameras.map((c) => (
              <tr key={c.cameraId}>
                <td>{names.get(c.cameraId) ?? c.cameraId}</td>
                <td>{c.fpsIn.toFixed(1)}</td>
                <td>{c.fpsDetect.toFixed(1)}</td>
                <td>
                  {c.framesToModel} / {c.framesTotal}
                </td>
                <td title="Of these, frames the detector queue could not take">
                  {c.dropped}
                  {c.queueDropped > 0 ? ` (${c.queueDropped} queue)` : ''}
                </td>
                <td>{c.detectorMs === null ? '–' : c.detectorMs.toFixed(1)}</td>
                <td>{c.restarts}</td>
                <td>{c.liveViewers}</td>
                <td>
                  {(c.streams ?? []).map((s) => (
                    <div key={s.stream} className="small">
                      {s.stream}: {s.roles.join(', ')}
                      {s.detectSize ? ` · detect ${s.detectSize.width}×${s.detectSize.height}` : ''}
                      {s.audio ? ` · sound ${s.audio}` : ''}
                      {s.hwaccel ? ` · ${s.hwaccel}` : ''}
                    </div>
                  ))}
                  {c.decodeMessage && <div className="small muted">{c.decodeMessage}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Audit log</h2>
      <div className="row">
        <button type="button" onClick={() => void exportAudit().catch((e: Error) => setAuditMessage(e.message))}>
          Verify and export audit log
        </button>
        {auditMessage && <span role="status">{auditMessage}</span>}
      </div>

      <h2>Recent log</h2>
      {logs.error ? (
        <p className="muted">Only admins can read the log.</p>
      ) : (
        <pre className="logs" aria-label="Recent log lines" tabIndex={0}>
          {(logs.data ?? [])
            .slice()
            .reverse()
            .map((l) => `${clock(l.time)} ${l.level.padEnd(5)} [${l.module}] ${l.msg}`)
            .join('\n') || 'Nothing logged yet.'}
        </pre>
      )}
    </section>
  );
}
