// Who watched what: every viewing session (live, recordings, snapshots, exports) from the audit log, for the admin, by person, camera and time.
import type { ViewEntry } from '@common/contract/index.js';
import { useMemo, useState } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useCall } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import { dayKey, fromLocalInput, toLocalInput, useViewerZone } from '../lib/zone.js';

/** The user name the audit log gives the desktop app (data, as in each row, not a word to translate). */
const DESKTOP_USER = 'desktop';
const DAY_MS = 86_400_000;

/** The footage's time range, in the viewer's time zone; live ranges are when watching happened. */
function range(v: ViewEntry, zone: string): string {
  if (v.end <= v.start) return when(v.start);
  const sameDay = dayKey(v.start, zone) === dayKey(v.end, zone);
  return `${when(v.start)} – ${sameDay ? clock(v.end) : when(v.end)}`;
}

export function ViewsPage() {
  const { t } = useTranslation();
  const zone = useViewerZone();
  const [user, setUser] = useState('');
  const [cameraId, setCameraId] = useState('');
  const [after, setAfter] = useState(() => toLocalInput(Date.now() - 7 * DAY_MS, zone));
  const [before, setBefore] = useState('');
  const users = useCall('users.list', {}, { retry: false });
  const cameras = useCall('cameras.list', {});
  const names = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c.name])), [cameras.data]);
  const from = fromLocalInput(after, zone);
  const until = fromLocalInput(before, zone);
  const query = {
    ...(user ? { user } : {}),
    ...(cameraId ? { cameraId } : {}),
    ...(from !== undefined ? { after: from } : {}),
    ...(until !== undefined ? { before: until } : {}),
    limit: 500,
  };
  const views = useCall('audit.views', query, { refetchInterval: 10_000 });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('views.title')}</h1>
      <p className="small muted">{t('views.intro')}</p>
      <form className="row card section" aria-label={t('views.filter')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('views.person')}
          <select value={user} onChange={(e) => setUser(e.target.value)}>
            <option value="">{t('views.everyone')}</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.username}>
                {u.username}
              </option>
            ))}
            <option value={DESKTOP_USER}>{DESKTOP_USER}</option>
          </select>
        </label>
        <label>
          {t('views.camera')}
          <select value={cameraId} onChange={(e) => setCameraId(e.target.value)}>
            <option value="">{t('views.everyCamera')}</option>
            {(cameras.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('views.from')}
          <input type="datetime-local" value={after} onChange={(e) => setAfter(e.target.value)} />
        </label>
        <label>
          {t('views.until')}
          <input type="datetime-local" value={before} onChange={(e) => setBefore(e.target.value)} />
        </label>
      </form>
      <ErrorText error={views.error} />
      {views.isSuccess && views.data.length === 0 && <div className="empty-state">{t('views.empty')}</div>}
      {views.data && views.data.length > 0 && (
        <table className="table" tabIndex={0} aria-label={t('views.table')}>
          <thead>
            <tr>
              <th scope="col">{t('views.colWhen')}</th>
              <th scope="col">{t('views.colPerson')}</th>
              <th scope="col">{t('views.colFrom')}</th>
              <th scope="col">{t('views.colCamera')}</th>
              <th scope="col">{t('views.colWhat')}</th>
              <th scope="col">{t('views.colFootage')}</th>
            </tr>
          </thead>
          <tbody>
            {views.data.map((v) => (
              <tr key={v.session} data-testid="view-row" data-kind={v.kind}>
                <td>{when(v.time)}</td>
                <td>{v.user}</td>
                <td>{v.origin}</td>
                <td>{names.get(v.cameraId) ?? v.cameraId}</td>
                <td>{t(`views.kind_${v.kind}`)}</td>
                <td>{range(v, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
