// Who watched what: every viewing session (live, recordings, snapshots, exports) from the audit log, for the admin, by person, camera and time.
import type { ViewEntry, ViewKind } from '@common/contract/index.js';
import { useMemo, useState } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useCall } from '../lib/api.js';
import { clock, when } from '../lib/format.js';
import { dayKey, fromLocalInput, toLocalInput, useViewerZone } from '../lib/zone.js';

const KIND_TEXT: Record<ViewKind, string> = { live: 'Live', recording: 'Recording', snapshot: 'Snapshot', export: 'Export' };
const DAY_MS = 86_400_000;

/** The footage's time range, in the viewer's time zone; live ranges are when watching happened. */
function range(v: ViewEntry, zone: string): string {
  if (v.end <= v.start) return when(v.start);
  const sameDay = dayKey(v.start, zone) === dayKey(v.end, zone);
  return `${when(v.start)} – ${sameDay ? clock(v.end) : when(v.end)}`;
}

export function ViewsPage() {
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
      <h1 id="page-title">Who watched what</h1>
      <p className="small muted">Each time someone watched live, played or opened recordings, looked at snapshots or downloaded an export, with the footage&apos;s time range and where they were. From the audit log, which nobody can edit unnoticed.</p>
      <form className="row card section" aria-label="Filter" onSubmit={(e) => e.preventDefault()}>
        <label>
          Person
          <select value={user} onChange={(e) => setUser(e.target.value)}>
            <option value="">Everyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.username}>
                {u.username}
              </option>
            ))}
            <option value="desktop">desktop</option>
          </select>
        </label>
        <label>
          Camera
          <select value={cameraId} onChange={(e) => setCameraId(e.target.value)}>
            <option value="">Every camera</option>
            {(cameras.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={after} onChange={(e) => setAfter(e.target.value)} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={before} onChange={(e) => setBefore(e.target.value)} />
        </label>
      </form>
      <ErrorText error={views.error} />
      {views.isSuccess && views.data.length === 0 && <div className="empty-state">Nobody watched anything in this range.</div>}
      {views.data && views.data.length > 0 && (
        <table className="table" aria-label="Viewing sessions">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Person</th>
              <th scope="col">From</th>
              <th scope="col">Camera</th>
              <th scope="col">What</th>
              <th scope="col">Footage</th>
            </tr>
          </thead>
          <tbody>
            {views.data.map((v) => (
              <tr key={v.session} data-testid="view-row" data-kind={v.kind}>
                <td>{when(v.time)}</td>
                <td>{v.user}</td>
                <td>{v.origin}</td>
                <td>{names.get(v.cameraId) ?? v.cameraId}</td>
                <td>{KIND_TEXT[v.kind]}</td>
                <td>{range(v, zone)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
