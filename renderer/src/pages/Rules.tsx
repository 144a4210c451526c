// Rules: when an event should alert someone; an editor with cameras, labels, zones, a weekly grid, score, cooldown, sinks, and a 24 h preview.
import { WEEKDAYS, type Rule, type RuleInput } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { Trans } from 'react-i18next';
import { AlertHistory } from '../components/AlertHistory.js';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useLabelName } from '../i18n/labels.js';
import { useAction, useCall } from '../lib/api.js';
import { clock } from '../lib/format.js';
import { eventSnapshot } from '../lib/media.js';
import { fromGrid, preset, toGrid, toggle, type HourGrid } from '../lib/schedule.js';
import { zoneNames } from '../lib/zones.js';

const LABELS = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird'];

export function RulesPage() {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const rules = useCall('rules.list', {});
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const snooze = useAction('rules.snooze', ['rules.list']);
  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">{t('rules.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('rules.newRule')}
        </button>
      </header>
      <ErrorText error={rules.error ?? snooze.error} />
      {editing && <RuleEditor rule={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />}
      {rules.data?.length === 0 && !editing && (
        <div className="empty-state">
          <p>{t('rules.empty')}</p>
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('rules.createForPeople')}
          </button>
        </div>
      )}
      <ul className="camera-list" aria-label={t('rules.list')}>
        {rules.data?.map((r) => (
          <li key={r.id} className="card camera-row">
            <div>
              <strong>{r.name}</strong>
              <div className="muted small">
                {r.labels.length ? r.labels.map(labelName).join(', ') : t('rules.anything')} ·{' '}
                {r.cameras.length ? t('rules.cameraCount', { count: r.cameras.length }) : t('rules.allCameras')} · {t('rules.cooldownSummary', { seconds: r.cooldownSeconds })}
                {r.snoozedUntil && r.snoozedUntil > Date.now() ? ` · ${t('rules.snoozedUntil', { time: clock(r.snoozedUntil) })}` : ''}
                {!r.enabled ? ` · ${t('rules.off')}` : ''}
              </div>
            </div>
            <button type="button" onClick={() => snooze.mutate({ id: r.id, minutes: r.snoozedUntil && r.snoozedUntil > Date.now() ? null : 60 })}>
              {r.snoozedUntil && r.snoozedUntil > Date.now() ? t('rules.wake') : t('rules.snooze')}
            </button>
            <span />
            <button type="button" onClick={() => setEditing(r)} aria-label={t('rules.editName', { name: r.name })}>
              {t('common.edit')}
            </button>
          </li>
        ))}
      </ul>
      <AlertHistory />
    </section>
  );
}

export function RuleEditor({ rule, onDone }: { rule?: Rule; onDone: () => void }) {
  const { t } = useTranslation();
  const labelName = useLabelName();
  const cameras = useCall('cameras.list', {});
  const sinks = useCall('sinks.list', {}, { retry: false });
  const [name, setName] = useState(() => rule?.name ?? t('rules.defaultName'));
  const [labels, setLabels] = useState<string[]>(rule?.labels ?? ['person']);
  const [cams, setCams] = useState<string[]>(rule?.cameras ?? []);
  const [zones, setZones] = useState((rule?.zones.names ?? []).join(', '));
  const [minSeconds, setMinSeconds] = useState(rule?.zones.minSeconds ?? 0);
  const [grid, setGrid] = useState<HourGrid>(() => (rule ? toGrid(rule.schedule.days) : preset('always')));
  const [away, setAway] = useState(rule?.schedule.when === 'away');
  const [minScore, setMinScore] = useState(rule?.minScore ?? 0.6);
  const [cooldown, setCooldown] = useState(rule?.cooldownSeconds ?? 60);
  const [ruleSinks, setRuleSinks] = useState<string[]>(rule?.sinks ?? ['toast', 'desktop']);
  const save = useAction('rules.upsert', ['rules.list']);
  const remove = useAction('rules.delete', ['rules.list']);
  const preview = useAction('rules.preview');
  const knownZones = zoneNames(cameras.data ?? [], cams);
  const test = useAction('sinks.test');

  const input = (): RuleInput => {
    const zoneNames = zones.split(',').map((z) => z.trim()).filter(Boolean);
    return {
      id: rule?.id,
      name,
      enabled: rule?.enabled ?? true,
      cameras: cams,
      labels,
      zones: { names: zoneNames, mode: minSeconds > 0 ? 'inside' : 'entered', minSeconds },
      schedule: { days: fromGrid(grid), when: away ? 'away' : 'always', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      minScore,
      cooldownSeconds: cooldown,
      sinks: ruleSinks,
    };
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(input(), { onSuccess: onDone });
  };
  const toggleIn = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const allSinks = [
    { id: 'toast', name: t('rules.sinkToast') },
    { id: 'desktop', name: t('rules.sinkDesktop') },
    ...(sinks.data ?? []).map((s) => ({ id: s.sink.id, name: s.sink.name })),
  ];

  return (
    <form className="card form rule-form" onSubmit={submit} aria-label={rule ? t('rules.editName', { name: rule.name }) : t('rules.newRule')}>
      <h2>{rule ? t('rules.editName', { name: rule.name }) : t('rules.newRule')}</h2>
      <label>
        {t('rules.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <fieldset>
        <legend>{t('rules.what')}</legend>
        <div className="row">
          {LABELS.map((l) => (
            <label key={l} className="checkbox">
              <input type="checkbox" checked={labels.includes(l)} onChange={() => setLabels(toggleIn(labels, l))} /> {labelName(l)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('rules.cameras')}</legend>
        <div className="row">
          {(cameras.data ?? []).map((c) => (
            <label key={c.id} className="checkbox">
              <input type="checkbox" checked={cams.includes(c.id)} onChange={() => setCams(toggleIn(cams, c.id))} /> {c.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="row">
        <label>
          {t('rules.zones')}
          <input value={zones} onChange={(e) => setZones(e.target.value)} placeholder={t('rules.zonesPlaceholder')} aria-describedby="known-zones" />
        </label>
        <p id="known-zones" className="muted small">
          {knownZones.length > 0 ? t('rules.knownZones', { zones: knownZones.join(', ') }) : t('rules.drawZones')}
        </p>
        <label>
          {t('rules.minSeconds')}
          <input type="number" min={0} value={minSeconds} onChange={(e) => setMinSeconds(Number(e.target.value))} />
        </label>
      </div>
      <fieldset>
        <legend>{t('rules.when')}</legend>
        <div className="row">
          <button type="button" onClick={() => setGrid(preset('always'))}>
            {t('rules.always')}
          </button>
          <button type="button" onClick={() => setGrid(preset('nights'))}>
            {t('rules.nights')}
          </button>
          <button type="button" onClick={() => setGrid(preset('workdays'))}>
            {t('rules.workdays')}
          </button>
          <label className="checkbox">
            <input type="checkbox" checked={away} onChange={(e) => setAway(e.target.checked)} /> {t('rules.onlyAway')}
          </label>
        </div>
        <table className="schedule" aria-label={t('rules.schedule')}>
          <thead>
            <tr>
              <th />
              {Array.from({ length: 24 }, (_, h) => (
                <th key={h} scope="col">
                  {h % 3 === 0 ? h : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((d, di) => (
              <tr key={d}>
                <th scope="row">{t(`rules.${d}`)}</th>
                {Array.from({ length: 24 }, (_, h) => (
                  <td key={h}>
                    <button
                      type="button"
                      className={grid[di]?.[h] ? 'on' : ''}
                      aria-pressed={grid[di]?.[h] ?? false}
                      aria-label={t('rules.hourCell', { day: t(`rules.${d}`), hour: h })}
                      onClick={() => setGrid(toggle(grid, di, h))}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <div className="row">
        <label>
          {t('rules.minScore')}
          <input type="number" min={0} max={1} step={0.05} value={minScore} onChange={(e) => setMinScore(Number(e.target.value))} />
        </label>
        <label>
          {t('rules.cooldown')}
          <input type="number" min={0} value={cooldown} onChange={(e) => setCooldown(Number(e.target.value))} />
        </label>
      </div>
      <fieldset>
        <legend>{t('rules.notify')}</legend>
        <div className="row">
          {allSinks.map((s) => (
            <span key={s.id} className="row">
              <label className="checkbox">
                <input type="checkbox" checked={ruleSinks.includes(s.id)} onChange={() => setRuleSinks(toggleIn(ruleSinks, s.id))} /> {s.name}
              </label>
              {s.id !== 'toast' && s.id !== 'desktop' && (
                <button type="button" className="link" onClick={() => test.mutate({ id: s.id })}>
                  {t('rules.test')}
                </button>
              )}
            </span>
          ))}
        </div>
        {test.data && <p role="status">{test.data.ok ? t('rules.testDelivered') : t('rules.testFailed', { message: test.data.message ?? t('rules.unknownError') })}</p>}
      </fieldset>
      <ErrorText error={save.error ?? remove.error ?? preview.error ?? test.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('rules.save')}
        </button>
        <button type="button" onClick={() => preview.mutate({ rule: input(), hours: 24 })}>
          {t('rules.preview')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        {rule && (
          <button type="button" className="danger" onClick={() => remove.mutate({ id: rule.id }, { onSuccess: onDone })}>
            {t('rules.delete')}
          </button>
        )}
      </div>
      {preview.data && (
        <div aria-live="polite">
          <p>
            <Trans t={t} i18nKey="rules.previewCount" count={preview.data.count} components={{ strong: <strong /> }} />
          </p>
          <div className="preview-strip">
            {preview.data.events.slice(0, 12).map((e) => (
              <figure key={e.id}>
                {e.hasSnapshot ? <img src={eventSnapshot(e, true)} alt={t('rules.snapshotAlt', { label: labelName(e.label), time: clock(e.start) })} /> : <div className="no-snapshot" />}
                <figcaption>{clock(e.start)}</figcaption>
              </figure>
            ))}
          </div>
        </div>
      )}
    </form>
  );
}
