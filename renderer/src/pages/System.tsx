// System: what is running, per-camera health, storage, recent logs, and the audit log for admins.
import { useCall, useClient, callOrThrow } from '../lib/api.js';
import { clock, formatBytes, when } from '../lib/format.js';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useState } from 'react';

export function SystemPage() {
  const { t } = useTranslation();
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
    setAuditMessage(verify.ok ? t('system.auditIntact', { count: verify.entries }) : t('system.auditWarning', { problem: verify.problem }));
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('system.title')}</h1>
      <ErrorText error={info.error} />
      {info.data && (
        <dl className="facts" data-testid="system-info">
          <dt>{t('system.version')}</dt>
          <dd data-testid="version">{info.data.version}</dd>
          <dt>{t('system.dataDir')}</dt>
          <dd data-testid="data-dir">{info.data.dataDir}</dd>
          <dt>{t('system.runningAs')}</dt>
          <dd>
            {info.data.host === 'desktop' ? t('system.hostDesktop') : t('system.hostServer')} ({client.transport === 'ipc' ? 'IPC' : 'HTTP'})
          </dd>
          <dt>{t('system.platform')}</dt>
          <dd>{t('system.platformValue', { platform: info.data.platform, node: info.data.node })}</dd>
          <dt>{t('system.schema')}</dt>
          <dd>{info.data.schemaVersion}</dd>
          <dt>{t('system.ffmpeg')}</dt>
          <dd>{info.data.ffmpeg ? `${info.data.ffmpeg.path} (${info.data.ffmpeg.source})` : t('system.ffmpegMissing')}</dd>
          <dt>{t('system.started')}</dt>
          <dd>{when(info.data.startedAt)}</dd>
          {health.data && (
            <>
              <dt>{t('system.engine')}</dt>
              <dd data-testid="engine-health">{t('system.engineValue', { cpu: health.data.cpuPercent, memory: formatBytes(health.data.rssBytes) })}</dd>
              <dt>{t('system.detection')}</dt>
              <dd>
                {health.data.detector.model ?? t('system.noModel')} · {t(`detectorStatus.${health.data.detector.status}`)}
                {health.data.detector.message ? ` · ${health.data.detector.message}` : ''}
              </dd>
            </>
          )}
        </dl>
      )}

      <h2>{t('system.cameras')}</h2>
      {health.data && health.data.cameras.length === 0 && <p className="muted">{t('system.noCamera')}</p>}
      {health.data && health.data.cameras.length > 0 && (
        <table className="table" tabIndex={0} aria-label={t('system.cameraHealth')}>
          <thead>
            <tr>
              <th>{t('system.colCamera')}</th>
              <th>{t('system.colFpsIn')}</th>
              <th>{t('system.colFpsDetect')}</th>
              <th>{t('system.colFramesToModel')}</th>
              <th>{t('system.colDropped')}</th>
              <th>{t('system.colDetectorMs')}</th>
              <th>{t('system.colRestarts')}</th>
              <th>{t('system.colLiveViewers')}</th>
              <th>{t('system.colStreams')}</th>
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
                <td title={t('system.droppedHint')}>
                  {c.dropped}
                  {c.queueDropped > 0 ? ` (${t('system.queueDropped', { dropped: c.queueDropped })})` : ''}
                </td>
                <td>{c.detectorMs === null ? '–' : c.detectorMs.toFixed(1)}</td>
                <td>{c.restarts}</td>
                <td>{c.liveViewers}</td>
                <td>
                  {(c.streams ?? []).map((s) => (
                    <div key={s.stream} className="small">
                      {s.stream}: {s.roles.join(', ')}
                      {s.detectSize ? ` · ${t('system.streamDetect', { width: s.detectSize.width, height: s.detectSize.height })}` : ''}
                      {s.audio ? ` · ${t('system.streamSound', { codec: s.audio })}` : ''}
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

      <h2>{t('system.audit')}</h2>
      <div className="row">
        <button type="button" onClick={() => void exportAudit().catch((e: Error) => setAuditMessage(e.message))}>
          {t('system.auditExport')}
        </button>
        {auditMessage && <span role="status">{auditMessage}</span>}
      </div>

      <h2>{t('system.log')}</h2>
      {logs.error ? (
        <p className="muted">{t('system.logAdminsOnly')}</p>
      ) : (
        <pre className="logs" aria-label={t('system.logLines')} tabIndex={0}>
          {(logs.data ?? [])
            .slice()
            .reverse()
            .map((l) => `${clock(l.time)} ${l.level.padEnd(5)} [${l.module}] ${l.msg}`)
            .join('\n') || t('system.logEmpty')}
        </pre>
      )}
    </section>
  );
}
