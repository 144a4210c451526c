// "Learned from you": the verdicts a camera keeps (false alarms, confirmations) and the thresholds they calibrated, each undoable.
import { useAction, useCall } from '../lib/api.js';
import { when } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

export function LearnedList({ cameraId }: { cameraId: string }) {
  const learned = useCall('learned.list', { cameraId });
  const undo = useAction('learned.undo', ['learned.list']);
  const examples = learned.data?.examples ?? [];
  const thresholds = learned.data?.thresholds ?? [];
  return (
    <section aria-label="Learned from you">
      <h3>Learned from you</h3>
      <p className="small muted">What you marked on this camera&apos;s events. It stays on this machine and changes only what this camera reports.</p>
      <ErrorText error={learned.error ?? undo.error} />
      {examples.length === 0 && <p className="small">Nothing yet: mark an event as a false alarm or correct to teach this camera.</p>}
      {thresholds.length > 0 && (
        <ul aria-label="Calibrated thresholds">
          {thresholds.map((t) => (
            <li key={t.label} className="small">
              {t.label}: events need {Math.round(t.threshold * 100)}% now ({t.correct} confirmed, {t.falseAlarms} false alarms)
            </li>
          ))}
        </ul>
      )}
      <ul aria-label="Examples">
        {examples.map((x) => (
          <li key={x.id} className="row small">
            <span>
              {x.verdict === 'false_alarm' ? 'False alarm' : 'Correct'}: {x.label} at {Math.round(x.score * 100)}%, {when(x.time)}
            </span>
            <button type="button" disabled={undo.isPending} onClick={() => undo.mutate({ id: x.id })} aria-label={`Undo ${x.verdict === 'false_alarm' ? 'false alarm' : 'correct'} ${x.label} of ${when(x.time)}`}>
              Undo
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
