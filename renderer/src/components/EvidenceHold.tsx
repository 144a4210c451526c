// Evidence hold on an event or a camera's time range: held footage, events and snapshots are never deleted by retention.
import type { EvidenceHold } from '@common/contract/index.js';
import { useState } from 'react';
import { useAction, useCall } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import type { Interval } from '../lib/timeline.js';
import { ErrorText } from './ErrorText.js';

type Target = { eventId: string } | { cameraId: string; range: Interval };

const INVALIDATES = ['evidence.list', 'events.get'] as const;

export function EvidenceHoldControl({ target }: { target: Target }) {
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
    <div className="evidence-hold" aria-label="Evidence hold">
      <ErrorText error={list.error ?? holdEvent.error ?? holdRange.error ?? release.error} />
      {holds.map((h) => (
        <p key={h.id} className="row small" data-testid="evidence-held">
          <strong>Held as evidence</strong>
          <span>
            {h.start !== null && h.end !== null ? `${when(h.start)} – ${clock(h.end)} · ` : ''}
            by {h.createdBy}, {when(h.createdAt)}
            {h.reason ? ` · ${h.reason}` : ''}
          </span>
          <button type="button" disabled={release.isPending} onClick={() => release.mutate({ id: h.id })}>
            Release hold
          </button>
        </p>
      ))}
      {(holds.length === 0 || !('eventId' in target)) && (
        <div className="row">
          <label>
            Reason (case number, note)
            <input name="hold-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" disabled={pending} onClick={hold}>
            {'eventId' in target ? 'Hold as evidence' : 'Hold this range as evidence'}
          </button>
        </div>
      )}
      <p className="muted small">Held footage, events and snapshots are never removed by retention, the quota or a full disk, until the hold is released.</p>
    </div>
  );
}

function overlaps(h: EvidenceHold, r: Interval): boolean {
  return h.start !== null && h.end !== null && h.start < r.end && h.end > r.start;
}
