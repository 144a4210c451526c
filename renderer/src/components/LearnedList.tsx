// "Learned from you": the verdicts a camera keeps (false alarms, confirmations) with their crops, the thresholds they
// calibrated, each undoable, and object masks offered where the same false alarm keeps coming back.
import type { LearnedExample, MaskSuggestion } from '@common/contract/index.js';
import { useAction, useCall } from '../lib/api.js';
import { when } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

const pct = (v: number): string => `${Math.round(v * 100)}%`;

function ExampleCrop({ example }: { example: LearnedExample }) {
  // the crop stays in the database; it comes through the same checked API as everything else, only when shown
  const crop = useCall('learned.crop', { id: example.id }, { staleTime: Infinity });
  if (!crop.data?.jpeg) return <span className="learned-crop empty" aria-hidden="true" />;
  return <img className="learned-crop" src={`data:image/jpeg;base64,${crop.data.jpeg}`} alt={`The ${example.label} you marked, as the camera saw it`} />;
}

function Suggestion({ s }: { s: MaskSuggestion }) {
  const accept = useAction('learned.acceptMask', ['learned.maskSuggestions', 'cameras.list', 'cameras.get']);
  const dismiss = useAction('learned.dismissMask', ['learned.maskSuggestions']);
  const where = `${pct(s.box[0])}–${pct(s.box[2])} across, ${pct(s.box[1])}–${pct(s.box[3])} down`;
  const busy = accept.isPending || dismiss.isPending;
  return (
    <li className="small" data-testid="mask-suggestion">
      <p>
        You marked {s.examples} {s.labels.join(' / ')} false alarms at the same place ({where}). Mask it? Nothing whose feet are there will be detected on this camera.
      </p>
      <ErrorText error={accept.error ?? dismiss.error} />
      <div className="row">
        <button type="button" disabled={busy} onClick={() => accept.mutate({ cameraId: s.cameraId, box: s.box })}>
          Add object mask
        </button>
        <button type="button" disabled={busy} onClick={() => dismiss.mutate({ cameraId: s.cameraId, box: s.box })}>
          Dismiss
        </button>
      </div>
    </li>
  );
}

export function LearnedList({ cameraId }: { cameraId: string }) {
  const learned = useCall('learned.list', { cameraId });
  const suggested = useCall('learned.maskSuggestions', { cameraId });
  const undo = useAction('learned.undo', ['learned.list', 'learned.maskSuggestions']);
  const examples = learned.data?.examples ?? [];
  const thresholds = learned.data?.thresholds ?? [];
  const suggestions = suggested.data ?? [];
  return (
    <section aria-label="Learned from you">
      <h3>Learned from you</h3>
      <p className="small muted">What you marked on this camera&apos;s events. It stays on this machine and changes only what this camera reports.</p>
      <ErrorText error={learned.error ?? undo.error ?? suggested.error} />
      {suggestions.length > 0 && (
        <ul aria-label="Suggested masks">
          {suggestions.map((s) => (
            <Suggestion key={s.box.join(',')} s={s} />
          ))}
        </ul>
      )}
      {examples.length === 0 && <p className="small">Nothing yet: mark an event as a false alarm or correct to teach this camera.</p>}
      {thresholds.length > 0 && (
        <ul aria-label="Calibrated thresholds">
          {thresholds.map((t) => (
            <li key={t.label} className="small">
              {t.label}: events need {pct(t.threshold)} now ({t.correct} confirmed, {t.falseAlarms} false alarms)
            </li>
          ))}
        </ul>
      )}
      <ul aria-label="Examples">
        {examples.map((x) => (
          <li key={x.id} className="row small">
            <ExampleCrop example={x} />
            <span>
              {x.verdict === 'false_alarm' ? 'False alarm' : 'Correct'}: {x.label} at {pct(x.score)}, {when(x.time)}
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
