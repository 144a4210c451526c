// Rules: when an event should alert someone; an editor with cameras, labels, zones, a weekly grid, score, cooldown, sinks, and a 24 h preview.
import { WEEKDAYS, type Rule, type RuleInput } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { AlertHistory } from '../components/AlertHistory.js';
import { ErrorText } from '../components/ErrorText.js';
import { useAction, useCall } from '../lib/api.js';
import { clock } from '../lib/format.js';
import { eventSnapshot } from '../lib/media.js';
import { fromGrid, preset, toGrid, toggle, type HourGrid } from '../lib/schedule.js';
import { zoneNames } from '../lib/zones.js';

const LABELS = ['person', 'car', 'truck', 'bus', 'motorcycle', 'bicycle', 'dog', 'cat', 'bird'];
const DAY_NAMES = { sun: 'Sun', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' } as const;

export function RulesPage() {
  const rules = useCall('rules.list', {});
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const snooze = useAction('rules.snooze', ['rules.list']);
  return (
    <section aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title">Rules</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New rule
        </button>
      </header>
      <ErrorText error={rules.error ?? snooze.error} />
      {editing && <RuleEditor rule={editing === 'new' ? undefined : editing} onDone={() => setEditing(null)} />}
      {rules.data?.length === 0 && !editing && (
        <div className="empty-state">
          <p>No rules yet. A rule decides when an event alerts you, for example “a person at the front door at night”.</p>
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Create a rule for people
          </button>
        </div>
      )}
      <ul className="camera-list" aria-label="Rules">
        {rules.data?.map((r) => (
          <li key={r.id} className="card camera-row">
            <div>
              <strong>{r.name}</strong>
              <div className="muted small">
                {r.labels.length ? r.labels.join(', ') : 'anything'} · {r.cameras.length ? `${r.cameras.length} camera(s)` : 'all cameras'} · cooldown {r.cooldownSeconds} s
                {r.snoozedUntil && r.snoozedUntil > Date.now() ? ` · snoozed until ${clock(r.snoozedUntil)}` : ''}
                {!r.enabled ? ' · off' : ''}
              </div>
            </div>
            <button type="button" onClick={() => snooze.mutate({ id: r.id, minutes: r.snoozedUntil && r.snoozedUntil > Date.now() ? null : 60 })}>
              {r.snoozedUntil && r.snoozedUntil > Date.now() ? 'Wake' : 'Snooze 1 h'}
            </button>
            <span />
            <button type="button" onClick={() => setEditing(r)} aria-label={`Edit ${r.name}`}>
              Edit
            </button>
          </li>
        ))}
      </ul>
      <AlertHistory />
    </section>
  );
}

export function RuleEditor({ rule, onDone }: { rule?: Rule; onDone: () => void }) {
  const cameras = useCall('cameras.list', {});
  const sinks = useCall('sinks.list', {}, { retry: false });
  const [name, setName] = useState(rule?.name ?? 'Person detected');
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
    { id: 'toast', name: 'In-app notice' },
    { id: 'desktop', name: 'Desktop notification' },
    ...(sinks.data ?? []).map((s) => ({ id: s.sink.id, name: s.sink.name })),
  ];

  return (
    <form className="card form rule-form" onSubmit={submit} aria-label={rule ? `Edit ${rule.name}` : 'New rule'}>
      <h2>{rule ? `Edit ${rule.name}` : 'New rule'}</h2>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <fieldset>
        <legend>What</legend>
        <div className="row">
          {LABELS.map((l) => (
            <label key={l} className="checkbox">
              <input type="checkbox" checked={labels.includes(l)} onChange={() => setLabels(toggleIn(labels, l))} /> {l}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Cameras (none ticked: all)</legend>
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
          Zones (comma separated; empty: anywhere)
          <input value={zones} onChange={(e) => setZones(e.target.value)} placeholder="driveway, porch" aria-describedby="known-zones" />
        </label>
        <p id="known-zones" className="muted small">
          {knownZones.length > 0 ? `Zones on your cameras: ${knownZones.join(', ')}` : 'Draw zones in Cameras → Zones and masks.'}
        </p>
        <label>
          Inside a zone for at least (s)
          <input type="number" min={0} value={minSeconds} onChange={(e) => setMinSeconds(Number(e.target.value))} />
        </label>
      </div>
      <fieldset>
        <legend>When</legend>
        <div className="row">
          <button type="button" onClick={() => setGrid(preset('always'))}>
            Always
          </button>
          <button type="button" onClick={() => setGrid(preset('nights'))}>
            Nights
          </button>
          <button type="button" onClick={() => setGrid(preset('workdays'))}>
            Working hours
          </button>
          <label className="checkbox">
            <input type="checkbox" checked={away} onChange={(e) => setAway(e.target.checked)} /> Only when I am away
          </label>
        </div>
        <table className="schedule" aria-label="Weekly schedule: each cell is one hour">
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
                <th scope="row">{DAY_NAMES[d]}</th>
                {Array.from({ length: 24 }, (_, h) => (
                  <td key={h}>
                    <button
                      type="button"
                      className={grid[di]?.[h] ? 'on' : ''}
                      aria-pressed={grid[di]?.[h] ?? false}
                      aria-label={`${DAY_NAMES[d]} ${h}:00`}
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
          Minimum score
          <input type="number" min={0} max={1} step={0.05} value={minScore} onChange={(e) => setMinScore(Number(e.target.value))} />
        </label>
        <label>
          Cooldown per camera (s)
          <input type="number" min={0} value={cooldown} onChange={(e) => setCooldown(Number(e.target.value))} />
        </label>
      </div>
      <fieldset>
        <legend>Notify</legend>
        <div className="row">
          {allSinks.map((s) => (
            <span key={s.id} className="row">
              <label className="checkbox">
                <input type="checkbox" checked={ruleSinks.includes(s.id)} onChange={() => setRuleSinks(toggleIn(ruleSinks, s.id))} /> {s.name}
              </label>
              {s.id !== 'toast' && s.id !== 'desktop' && (
                <button type="button" className="link" onClick={() => test.mutate({ id: s.id })}>
                  test
                </button>
              )}
            </span>
          ))}
        </div>
        {test.data && <p role="status">{test.data.ok ? 'Test notification delivered' : `Test failed: ${test.data.message ?? 'unknown error'}`}</p>}
      </fieldset>
      <ErrorText error={save.error ?? remove.error ?? preview.error ?? test.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save rule
        </button>
        <button type="button" onClick={() => preview.mutate({ rule: input(), hours: 24 })}>
          Preview last 24 h
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {rule && (
          <button type="button" className="danger" onClick={() => remove.mutate({ id: rule.id }, { onSuccess: onDone })}>
            Delete rule
          </button>
        )}
      </div>
      {preview.data && (
        <div aria-live="polite">
          <p>
            This rule would have fired <strong>{preview.data.count}</strong> time{preview.data.count === 1 ? '' : 's'} in the last 24 hours.
          </p>
          <div className="preview-strip">
            {preview.data.events.slice(0, 12).map((e) => (
              <figure key={e.id}>
                {e.hasSnapshot ? <img src={eventSnapshot(e, true)} alt={`${e.label} at ${clock(e.start)}`} /> : <div className="no-snapshot" />}
                <figcaption>{clock(e.start)}</figcaption>
              </figure>
            ))}
          </div>
        </div>
      )}
    </form>
  );
}
