// The demo cameras offered on first run: the test picture (offline, at once) and a clip with people walking, fetched
// with one click after saying what is downloaded, from where, and under which licence.
import type { DemoProgress } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

export function DemoOffer({ children }: { children?: React.ReactNode }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const info = useCall('demo.info', {});
  const pattern = useAction('cameras.addDemo', ['cameras.list', 'cameras.states']);
  const people = useAction('cameras.addDemo', ['cameras.list', 'cameras.states', 'rules.list']);
  const fetchClip = useAction('demo.fetch');
  const [progress, setProgress] = useState<DemoProgress | null>(null);
  const onProgress = useCallback(
    (p: DemoProgress) => {
      setProgress(p);
      if (p.stage === 'done') {
        void Promise.all(['cameras.list', 'cameras.states', 'rules.list', 'demo.info'].map((m) => qc.invalidateQueries({ queryKey: [m] })));
        void navigate('/live');
      }
    },
    [qc, navigate],
  );
  useTopic('demo.progress', onProgress);
  const clip = info.data?.people;
  const busy = progress !== null && (progress.stage === 'downloading' || progress.stage === 'preparing');
  const host = clip ? new URL(clip.url).host : '';

  return (
    <div className="demo-offer" data-testid="demo-offer">
      <div className="row" style={{ justifyContent: 'center' }}>
        {children}
        <button type="button" onClick={() => pattern.mutate({ kind: 'pattern' })} disabled={pattern.isPending}>
          {t('demo.tryPattern')}
        </button>
        {clip && (
          <button
            type="button"
            className="primary"
            disabled={busy || people.isPending}
            onClick={() => (clip.ready ? people.mutate({ kind: 'people' }) : fetchClip.mutate({}))}
          >
            {t('demo.watchPeople')}
          </button>
        )}
      </div>
      <p className="small">{t('demo.intro')}</p>
      {clip && !clip.ready && (
        <p className="small" data-testid="demo-source">
          {t('demo.source', { size: formatBytes(clip.sizeBytes), host, name: clip.name, license: clip.license, credit: clip.credit })}
        </p>
      )}
      {progress && progress.stage !== 'done' && (
        <div className="demo-progress" role="status" aria-live="polite">
          <span>{t(`demo.${progress.stage}`)}</span>
          {busy && <progress max={progress.total || 1} value={progress.received} aria-label={t('demo.progress')} />}
          {progress.stage === 'downloading' && (
            <span className="small">{t('common.ofTotal', { received: formatBytes(progress.received), total: formatBytes(progress.total) })}</span>
          )}
          {progress.stage === 'failed' && <span className="error">{progress.error}</span>}
        </div>
      )}
      <ErrorText error={pattern.error ?? people.error ?? fetchClip.error ?? null} />
    </div>
  );
}
