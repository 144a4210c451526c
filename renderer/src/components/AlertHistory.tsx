// The alerts that fired, newest first: which rule, what, where and when, each linking to its event; unseen ones stand out.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { Link } from 'react-router';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { useAction, useCall, useTopic } from '../lib/api.js';
import { ago, clock } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

export function AlertHistory() {
  const { t, i18n } = useTranslation();
  const labelName = useLabelName();
  const qc = useQueryClient();
  const alerts = useCall('alerts.list', { limit: 50 });
  const cameras = useCall('cameras.list', {});
  const names = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c.name])), [cameras.data]);
  const refresh = useCallback(() => void qc.invalidateQueries({ queryKey: ['alerts.list'] }), [qc]);
  useTopic('alert.new', refresh);
  const seen = useAction('alerts.markSeen', ['alerts.list']);
  const items = alerts.data?.items ?? [];
  return (
    <div className="card section" aria-labelledby="alert-history-title">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="alert-history-title">{t('alerts.title')}</h2>
        <button type="button" onClick={() => seen.mutate({})} disabled={seen.isPending || items.every((a) => a.seen)}>
          {t('alerts.markAllSeen')}
        </button>
      </div>
      <ErrorText error={alerts.error ?? seen.error} />
      {alerts.isSuccess && items.length === 0 && <p className="muted">{t('alerts.none')}</p>}
      <ul className="alert-history" aria-label={t('alerts.list')}>
        {items.map((a) => (
          <li key={a.id} className={a.seen ? 'seen' : 'unseen'} data-testid="alert-row">
            <strong>{a.ruleName}</strong>: {t('alerts.row', { label: labelName(a.label), camera: names.get(a.cameraId) ?? a.cameraId, time: clock(a.time), ago: ago(a.time, i18n.language) })}
            {a.eventId && (
              <>
                {' '}
                <Link to={`/events/${a.eventId}`}>{t('common.open')}</Link>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
