// The demo cameras offered on first run: the test picture (offline, at once) and a clip with people walking, fetched
// with one click after saying what is downloaded, from where, and under which licence.
import type { DemoProgress } from '@common/contract/index.js';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

const STAGE_TEXT: Record<DemoProgress['stage'], string> = {
  downloading: 'Downloading the clip',
  preparing: 'Preparing the clip for the camera',
  done: 'Ready',
  failed: 'The download failed',
};

export function DemoOffer({ children }: { children?: React.ReactNode }) {
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
          Try the demo camera
        </button>
        {clip && (
          <button
            type="button"
            className="primary"
            disabled={busy || people.isPending}
            onClick={() => (clip.ready ? people.mutate({ kind: 'people' }) : fetchClip.mutate({}))}
          >
            Watch a demo with people
          </button>
        )}
      </div>
      <p className="small">
        The demo camera plays a generated picture, offline. The demo with people plays a recorded street scene through the same recorder and detector as a
        real camera, so you see a person detected, its event and an alert within a minute.
      </p>
      {clip && !clip.ready && (
        <p className="small" data-testid="demo-source">
          It downloads {formatBytes(clip.sizeBytes)} from {host} once: {clip.name}, {clip.license}. Credit: {clip.credit}. Nothing is sent.
        </p>
      )}
      {progress && progress.stage !== 'done' && (
        <div className="demo-progress" role="status" aria-live="polite">
          <span>{STAGE_TEXT[progress.stage]}</span>
          {busy && <progress max={progress.total || 1} value={progress.received} aria-label="Demo clip download" />}
          {progress.stage === 'downloading' && (
            <span className="small">
              {formatBytes(progress.received)} of {formatBytes(progress.total)}
            </span>
          )}
          {progress.stage === 'failed' && <span className="error">{progress.error}</span>}
        </div>
      )}
      <ErrorText error={pattern.error ?? people.error ?? fetchClip.error ?? null} />
    </div>
  );
}
