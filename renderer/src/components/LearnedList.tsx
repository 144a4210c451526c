// "Learned from you": the verdicts a camera keeps (false alarms, confirmations) with their crops, the thresholds they
// calibrated, each undoable, and object masks offered where the same false alarm keeps coming back.
import type { LearnedExample, MaskSuggestion } from '@common/contract/index.js';
import { useTranslation } from '../i18n/index.js';
import { useAction, useCall } from '../lib/api.js';
import { when } from '../lib/format.js';
import { ErrorText } from './ErrorText.js';

const pct = (v: number): string => `${Math.round(v * 100)}%`;

function ExampleCrop({ example }: { example: LearnedExample }) {
  const { t } = useTranslation();
  // the crop stays in the database; it comes through the same checked API as everything else, only when shown
  const crop = useCall('learned.crop', { id: example.id }, { staleTime: Infinity });
  if (!crop.data?.jpeg) return <span className="learned-crop empty" aria-hidden="true" />;
  return <img className="learned-crop" src={`data:image/jpeg;base64,${crop.data.jpeg}`} alt={t('learned.cropAlt', { label: example.label })} />;
}

function Suggestion({ s }: { s: MaskSuggestion }) {
  const { t } = useTranslation();
  const accept = useAction('learned.acceptMask', ['learned.maskSuggestions', 'cameras.list', 'cameras.get']);
  const dismiss = useAction('learned.dismissMask', ['learned.maskSuggestions']);
  const where = t('learned.where', { left: pct(s.box[0]), right: pct(s.box[2]), top: pct(s.box[1]), bottom: pct(s.box[3]) });
  const busy = accept.isPending || dismiss.isPending;
  return (
    <li className="small" data-testid="mask-suggestion">
      <p>{t('learned.suggestion', { count: s.examples, labels: s.labels.join(' / '), where })}</p>
      <ErrorText error={accept.error ?? dismiss.error} />
      <div className="row">
        <button type="button" disabled={busy} onClick={() => accept.mutate({ cameraId: s.cameraId, box: s.box })}>
          {t('learned.addMask')}
        </button>
        <button type="button" disabled={busy} onClick={() => dismiss.mutate({ cameraId: s.cameraId, box: s.box })}>
          {t('learned.dismiss')}
        </button>
      </div>
    </li>
  );
}

export function LearnedList({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const learned = useCall('learned.list', { cameraId });
  const suggested = useCall('learned.maskSuggestions', { cameraId });
  const undo = useAction('learned.undo', ['learned.list', 'learned.maskSuggestions']);
  const examples = learned.data?.examples ?? [];
  const thresholds = learned.data?.thresholds ?? [];
  const suggestions = suggested.data ?? [];
  return (
    <section aria-label={t('learned.title')}>
      <h3>{t('learned.title')}</h3>
      <p className="small muted">{t('learned.intro')}</p>
      <ErrorText error={learned.error ?? undo.error ?? suggested.error} />
      {suggestions.length > 0 && (
        <ul aria-label={t('learned.suggestions')}>
          {suggestions.map((s) => (
            <Suggestion key={s.box.join(',')} s={s} />
          ))}
        </ul>
      )}
      {examples.length === 0 && <p className="small">{t('learned.empty')}</p>}
      {thresholds.length > 0 && (
        <ul aria-label={t('learned.thresholds')}>
          {thresholds.map((th) => (
            <li key={th.label} className="small">
              {t('learned.threshold', { label: th.label, threshold: pct(th.threshold), correct: th.correct, falseAlarms: th.falseAlarms })}
            </li>
          ))}
        </ul>
      )}
      <ul aria-label={t('learned.examples')}>
        {examples.map((x) => (
          <li key={x.id} className="row small">
            <ExampleCrop example={x} />
            <span>{t(x.verdict === 'false_alarm' ? 'learned.falseAlarm' : 'learned.correct', { label: x.label, score: pct(x.score), time: when(x.time) })}</span>
            <button
              type="button"
              disabled={undo.isPending}
              onClick={() => undo.mutate({ id: x.id })}
              aria-label={t(x.verdict === 'false_alarm' ? 'learned.undoFalseAlarm' : 'learned.undoCorrect', { label: x.label, time: when(x.time) })}
            >
              {t('learned.undo')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
