// Settings → Users: who may open Porchlight from another device, what each viewer may do and on which cameras.
import { DEFAULT_VIEWER_PERMISSIONS, PERMISSION_LABELS, PERMISSIONS, type Camera, type Permission, type User } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useAction, useCall } from '../../lib/api.js';

interface Access {
  role: 'admin' | 'viewer';
  permissions: Permission[];
  /** null: every camera, those added later included. */
  cameras: string[] | null;
}

/** Role, permissions and cameras of one user, as checkboxes; a viewer's choices are hidden for an admin (who may do everything). */
function AccessFields({ value, onChange, cameras, label }: { value: Access; onChange: (a: Access) => void; cameras: Camera[]; label: string }) {
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));
  return (
    <>
      <label>
        Role
        <select aria-label={`Role of ${label}`} value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as Access['role'] })}>
          <option value="viewer">Viewer</option>
          <option value="admin">Admin (everything)</option>
        </select>
      </label>
      {value.role === 'viewer' && (
        <>
          <fieldset>
            <legend>May</legend>
            {PERMISSIONS.map((p) => (
              <label key={p} className="checkbox">
                <input type="checkbox" checked={value.permissions.includes(p)} onChange={(e) => onChange({ ...value, permissions: toggle(value.permissions, p, e.target.checked) })} />
                {PERMISSION_LABELS[p]}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Cameras</legend>
            <label className="checkbox">
              <input type="checkbox" checked={value.cameras === null} onChange={(e) => onChange({ ...value, cameras: e.target.checked ? null : [] })} />
              All cameras, also those added later
            </label>
            {value.cameras !== null &&
              cameras.map((c) => (
                <label key={c.id} className="checkbox">
                  <input type="checkbox" checked={value.cameras!.includes(c.id)} onChange={(e) => onChange({ ...value, cameras: toggle(value.cameras ?? [], c.id, e.target.checked) })} />
                  {c.name}
                </label>
              ))}
          </fieldset>
        </>
      )}
    </>
  );
}

/** lastAdmin: the only admin, who can be neither removed nor made a viewer (someone must be able to manage Porchlight). */
function UserRow({ user, cameras, lastAdmin }: { user: User; cameras: Camera[]; lastAdmin: boolean }) {
  const [access, setAccess] = useState<Access>({ role: user.role, permissions: user.permissions, cameras: user.cameras });
  const [password, setPassword] = useState('');
  const setRole = useAction('users.setRole', ['users.list']);
  const setGrant = useAction('users.setAccess', ['users.list']);
  const setPw = useAction('users.setPassword');
  const remove = useAction('users.delete', ['users.list']);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    if (access.role !== user.role) await setRole.mutateAsync({ id: user.id, role: access.role });
    if (access.role === 'viewer') await setGrant.mutateAsync({ id: user.id, permissions: access.permissions, cameras: access.cameras });
    setSaved('Saved');
  };
  const scope = user.role === 'admin' ? 'everything, every camera' : `${user.permissions.map((p) => PERMISSION_LABELS[p]).join(', ') || 'nothing'} · ${user.cameras === null ? 'all cameras' : user.cameras.map((id) => cameras.find((c) => c.id === id)?.name ?? id).join(', ') || 'no camera'}`;
  return (
    <li className="card section" data-testid="user-row" aria-label={user.username}>
      <h3>
        {user.username} <span className="muted small">({user.role}: {scope})</span>
      </h3>
      <form className="row" onSubmit={(e) => void save(e).catch(() => undefined)}>
        <AccessFields value={access} onChange={setAccess} cameras={cameras} label={user.username} />
        <button type="submit" disabled={setRole.isPending || setGrant.isPending}>
          Save {user.username}
        </button>
        {saved && <span role="status">{saved}</span>}
      </form>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setPw.mutate({ id: user.id, password }, { onSuccess: () => setPassword('') });
        }}
      >
        <input aria-label={`New password for ${user.username}`} placeholder="new password (10+ characters)" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        <button type="submit" disabled={setPw.isPending}>
          Reset password
        </button>
        {setPw.isSuccess && <span role="status">Password changed; {user.username} signs in again</span>}
        <button type="button" className="danger" onClick={() => remove.mutate({ id: user.id })} aria-label={`Remove ${user.username}`} disabled={lastAdmin} aria-describedby={lastAdmin ? `last-admin-${user.id}` : undefined}>
          Remove
        </button>
        {lastAdmin && (
          <span id={`last-admin-${user.id}`} className="muted small">
            The last admin cannot be removed or made a viewer
          </span>
        )}
      </form>
      <ErrorText error={setRole.error ?? setGrant.error ?? setPw.error ?? remove.error} />
    </li>
  );
}

export function UsersSection() {
  const users = useCall('users.list', {}, { retry: false });
  const cameras = useCall('cameras.list', {});
  const create = useAction('users.create', ['users.list']);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [access, setAccess] = useState<Access>({ role: 'viewer', permissions: [...DEFAULT_VIEWER_PERMISSIONS], cameras: null });
  // only admins may list users; for anyone else the section is not there
  if (users.error) return null;
  const all = cameras.data ?? [];
  const admins = (users.data ?? []).filter((u) => u.role === 'admin').length;
  return (
    <div className="card section" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <p className="muted small">People who may open Porchlight from another device. An admin may do everything; a viewer only what is ticked, on the cameras ticked.</p>
      <ul className="plain">
        {users.data?.map((u) => (
          <UserRow key={`${u.id}:${u.role}:${u.permissions.join()}:${u.cameras?.join() ?? '*'}`} user={u} cameras={all} lastAdmin={u.role === 'admin' && admins === 1} />
        ))}
      </ul>
      <form
        className="row"
        aria-label="Add a user"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { username, password, role: access.role, ...(access.role === 'viewer' ? { permissions: access.permissions, cameras: access.cameras } : {}) },
            { onSuccess: () => (setUsername(''), setPassword('')) },
          );
        }}
      >
        <input aria-label="New user name" placeholder="user name" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />
        <input aria-label="New user password" placeholder="password (10+ characters)" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        <AccessFields value={access} onChange={setAccess} cameras={all} label="the new user" />
        <button type="submit" disabled={create.isPending}>
          Add user
        </button>
      </form>
      <ErrorText error={create.error} />
    </div>
  );
}
