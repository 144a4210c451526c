// Exports: every clip exported, with its state, size and checksum; download, verify against its manifest, delete.
import type { ExportVerifyResult } from '@common/contract/index.js';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall, useThrottledRefresh, useTopic } from '../lib/api.js';
import { clock, formatBytes, when } from '../lib/format.js';
import { mediaUrl } from '../lib/media.js';

/** What a verification found, in a sentence. */
function verdict(result: ExportVerifyResult, t: TFunction): string {
  if (!result.ok) return t('exports.notVerified', { problem: result.problem ?? result.files.filter((f) => !f.ok).map((f) => f.path).join(', ') });
  return t(result.signature?.status === 'valid' ? 'exports.verifiedSigned' : 'exports.verifiedUnsigned', { count: result.files.length });
}

export function ExportsPage() {
  const { t } = useTranslation();
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
      <h1 id="page-title">{t('exports.title')}</h1>
      <p className="small muted">{t('exports.intro')}</p>
      <ErrorText error={jobs.error ?? remove.error ?? cancel.error ?? verify.error} />
      {jobs.isSuccess && jobs.data.length === 0 && <div className="empty-state">{t('exports.empty')}</div>}
      {jobs.data && jobs.data.length > 0 && (
        <table className="table" tabIndex={0} aria-label={t('exports.table')}>
          <thead>
            <tr>
              <th scope="col">{t('exports.colCameras')}</th>
              <th scope="col">{t('exports.colFrom')}</th>
              <th scope="col">{t('exports.colLength')}</th>
              <th scope="col">{t('exports.colState')}</th>
              <th scope="col">{t('exports.colSize')}</th>
              <th scope="col">{t('exports.colMade')}</th>
              <th scope="col">
                <span className="sr-only">{t('exports.colActions')}</span>
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
                  <td>{t('exports.seconds', { seconds: Math.round((j.end - j.start) / 1000) })}</td>
                  <td>
                    {t(`exports.status_${j.status}`)}
                    {j.status === 'running' && <progress max={1} value={j.progress} aria-label={t('exports.progress', { id: j.id })} />}
                    {j.error && <span className="error"> {j.error}</span>}
                    {result && (
                      <span className={result.ok ? 'ok' : 'error'} data-testid="export-verified">
                        {' '}
                        {verdict(result, t)}
                      </span>
                    )}
                  </td>
                  <td>{j.bytes !== undefined ? formatBytes(j.bytes) : '–'}</td>
                  <td>{t('exports.madeBy', { time: clock(j.createdAt), user: j.createdBy })}</td>
                  <td className="row">
                    {j.status === 'done' && j.url && (
                      <a className="button" href={mediaUrl(`exports/${j.url}`)} download>
                        {t('exports.download')}
                      </a>
                    )}
                    {j.status === 'done' && (
                      <button type="button" onClick={() => verify.mutate({ id: j.id }, { onSuccess: (r) => setChecked((all) => ({ ...all, [j.id]: r })) })} disabled={verify.isPending}>
                        {t('exports.verify')}
                      </button>
                    )}
                    {(j.status === 'queued' || j.status === 'running') && (
                      <button type="button" onClick={() => cancel.mutate({ id: j.id })}>
                        {t('common.cancel')}
                      </button>
                    )}
                    <button type="button" className="danger" onClick={() => remove.mutate({ id: j.id })} aria-label={t('exports.deleteFrom', { time: when(j.start) })}>
                      {t('exports.delete')}
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
