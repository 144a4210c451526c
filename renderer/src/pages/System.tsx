// System: what is running, where the data lives, and the transport in use.
import { useCall, useClient } from '../lib/api.js';

export function SystemPage() {
  const client = useClient();
  const info = useCall('system.info', {});
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">System</h1>
      {info.isPending && <p role="status">Loading…</p>}
      {info.error && (
        <p role="alert" className="error">
          {info.error.message}
        </p>
      )}
      {info.data && (
        <dl className="facts" data-testid="system-info">
          <dt>Version</dt>
          <dd data-testid="version">{info.data.version}</dd>
          <dt>Data directory</dt>
          <dd data-testid="data-dir">{info.data.dataDir}</dd>
          <dt>Running as</dt>
          <dd>{info.data.host === 'desktop' ? 'Desktop app' : 'Server'} ({client.transport === 'ipc' ? 'IPC' : 'HTTP'})</dd>
          <dt>Platform</dt>
          <dd>
            {info.data.platform}, Node {info.data.node}
          </dd>
          <dt>Database schema</dt>
          <dd>{info.data.schemaVersion}</dd>
          <dt>ffmpeg</dt>
          <dd>{info.data.ffmpeg ? `${info.data.ffmpeg.path} (${info.data.ffmpeg.source})` : 'Not found: set its path in Settings'}</dd>
          <dt>Started</dt>
          <dd>{new Date(info.data.startedAt).toLocaleString()}</dd>
        </dl>
      )}
    </section>
  );
}
