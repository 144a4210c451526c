// Evidence hold on an event or a camera's time range: held footage, events and snapshots are never deleted by retention.
import type { EvidenceHold } from '@common/contract/index.js';
import { useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import type { Interval } from '../lib/timeline.js';
import { ErrorText } from './ErrorText.js';

type Target = { eventId: string } | { cameraId: string; range: Interval };

const INVALIDATES = ['evidence.list', 'events.get'] as const;

export function EvidenceHoldControl({ target }: { target: Target }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const list = useCall('evidence.list', 'eventId' in target ? { eventId: target.eventId } : { cameraId: target.cameraId });
  const holdEvent = useAction('evidence.holdEvent', [...INVALIDATES]);
  const holdRange = useAction('evidence.holdRange', [...INVALIDATES]);
  const release = useAction('evidence.release', [...INVALIDATES]);
  const holds = (list.data ?? []).filter((h) => 'eventId' in target || overlaps(h, target.range));
  const pending = holdEvent.isPending || holdRange.isPending;
  const hold = () => {
    if ('eventId' in target) holdEvent.mutate({ eventId: target.eventId, reason });
    else holdRange.mutate({ cameraId: target.cameraId, start: Math.round(target.range.start), end: Math.round(target.range.end), reason });
    setReason('');
  };
  return (
    <div className="evidence-hold" aria-label={t('evidenceHold.hold')}>
      <ErrorText error={list.error ?? holdEvent.error ?? holdRange.error ?? release.error} />
      {holds.map((h) => (
        <p key={h.id} className="row small" data-testid="evidence-held">
          <strong>{t('evidenceHold.held')}</strong>
          <span>
            {h.start !== null && h.end !== null ? `${t('evidenceHold.range', { start: when(h.start), end: clock(h.end) })} · ` : ''}
            {t('evidenceHold.by', { user: h.createdBy, time: when(h.createdAt) })}
            {h.reason ? ` · ${h.reason}` : ''}
          </span>
          <button type="button" disabled={release.isPending} onClick={() => release.mutate({ id: h.id })}>
            {t('evidenceHold.release')}
          </button>
        </p>
      ))}
      {(holds.length === 0 || !('eventId' in target)) && (
        <div className="row">
          <label>
            {t('evidenceHold.reason')}
            <input name="hold-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" disabled={pending} onClick={hold}>
            {'eventId' in target ? t('evidenceHold.holdEvent') : t('evidenceHold.holdRange')}
          </button>
        </div>
      )}
      <p className="muted small">{t('evidenceHold.note')}</p>
    </div>
  );
}

function overlaps(h: EvidenceHold, r: Interval): boolean {
  return h.start !== null && h.end !== null && h.start < r.end && h.end > r.start;
}
