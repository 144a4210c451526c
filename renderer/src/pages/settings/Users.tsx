// Settings → Users: who may open Porchlight from another device, what each viewer may do and on which cameras.
import { DEFAULT_VIEWER_PERMISSIONS, PERMISSIONS, type Camera, type Permission, type User } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useAction, useCall } from '../../lib/api.js';

interface Access {
  role: 'admin' | 'viewer';
  permissions: Permission[];
  /** null: every camera, those added later included. */
  cameras: string[] | null;
}

/** Role, permissions and cameras of one user, as checkboxes; a viewer's choices are hidden for an admin (who may do everything). */
function AccessFields({ value, onChange, cameras, label }: { value: Access; onChange: (a: Access) => void; cameras: Camera[]; label: string }) {
  const { t } = useTranslation();
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));
  return (
    <>
      <label>
        {t('users.role')}
        <select aria-label={t('users.roleOf', { name: label })} value={value.role} onChange={(e) => onChange({ ...value, role: e.target.value as Access['role'] })}>
          <option value="viewer">{t('users.viewer')}</option>
          <option value="admin">{t('users.adminEverything')}</option>
        </select>
      </label>
      {value.role === 'viewer' && (
        <>
          <fieldset>
            <legend>{t('users.may')}</legend>
            {PERMISSIONS.map((p) => (
              <label key={p} className="checkbox">
                <input type="checkbox" checked={value.permissions.includes(p)} onChange={(e) => onChange({ ...value, permissions: toggle(value.permissions, p, e.target.checked) })} />
                {t(`users.permission_${p}`)}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('users.cameras')}</legend>
            <label className="checkbox">
              <input type="checkbox" checked={value.cameras === null} onChange={(e) => onChange({ ...value, cameras: e.target.checked ? null : [] })} />
              {t('users.allCameras')}
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
  const { t } = useTranslation();
  const [access, setAccess] = useState<Access>({ role: user.role, permissions: user.permissions, cameras: user.cameras });
  const [password, setPassword] = useState('');
  const setRole = useAction('users.setRole', ['users.list']);
  const setGrant = useAction('users.setAccess', ['users.list']);
  const setPw = useAction('users.setPassword');
  const remove = useAction('users.delete', ['users.list']);
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (access.role !== user.role) await setRole.mutateAsync({ id: user.id, role: access.role });
    if (access.role === 'viewer') await setGrant.mutateAsync({ id: user.id, permissions: access.permissions, cameras: access.cameras });
    setSaved(true);
  };
  const scope =
    user.role === 'admin'
      ? t('users.scopeAdmin')
      : t('users.scope', {
          permissions: user.permissions.map((p) => t(`users.permission_${p}`)).join(', ') || t('users.scopeNothing'),
          cameras: user.cameras === null ? t('users.scopeAllCameras') : user.cameras.map((id) => cameras.find((c) => c.id === id)?.name ?? id).join(', ') || t('users.scopeNoCamera'),
        });
  return (
    <li className="card section" data-testid="user-row" aria-label={user.username}>
      <h3>
        {user.username} <span className="muted small">{t('users.summary', { role: t(`users.role_${user.role}`), scope })}</span>
      </h3>
      <form className="row" onSubmit={(e) => void save(e).catch(() => undefined)}>
        <AccessFields value={access} onChange={setAccess} cameras={cameras} label={user.username} />
        <button type="submit" disabled={setRole.isPending || setGrant.isPending}>
          {t('users.save', { name: user.username })}
        </button>
        {saved && <span role="status">{t('users.saved')}</span>}
      </form>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setPw.mutate({ id: user.id, password }, { onSuccess: () => setPassword('') });
        }}
      >
        <input aria-label={t('users.newPasswordFor', { name: user.username })} placeholder={t('users.newPasswordPlaceholder')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        <button type="submit" disabled={setPw.isPending}>
          {t('users.resetPassword')}
        </button>
        {setPw.isSuccess && <span role="status">{t('users.passwordChanged', { name: user.username })}</span>}
        <button type="button" className="danger" onClick={() => remove.mutate({ id: user.id })} aria-label={t('users.removeName', { name: user.username })} disabled={lastAdmin} aria-describedby={lastAdmin ? `last-admin-${user.id}` : undefined}>
          {t('users.remove')}
        </button>
        {lastAdmin && (
          <span id={`last-admin-${user.id}`} className="muted small">
            {t('users.lastAdmin')}
          </span>
        )}
      </form>
      <ErrorText error={setRole.error ?? setGrant.error ?? setPw.error ?? remove.error} />
    </li>
  );
}

export function UsersSection() {
  const { t } = useTranslation();
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
      <h2 id="users-title">{t('users.title')}</h2>
      <p className="muted small">{t('users.intro')}</p>
      <ul className="plain">
        {users.data?.map((u) => (
          <UserRow key={`${u.id}:${u.role}:${u.permissions.join()}:${u.cameras?.join() ?? '*'}`} user={u} cameras={all} lastAdmin={u.role === 'admin' && admins === 1} />
        ))}
      </ul>
      <form
        className="row"
        aria-label={t('users.addForm')}
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { username, password, role: access.role, ...(access.role === 'viewer' ? { permissions: access.permissions, cameras: access.cameras } : {}) },
            { onSuccess: () => (setUsername(''), setPassword('')) },
          );
        }}
      >
        <input aria-label={t('users.newUserName')} placeholder={t('users.userNamePlaceholder')} value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />
        <input aria-label={t('users.newUserPassword')} placeholder={t('users.passwordPlaceholder')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
        <AccessFields value={access} onChange={setAccess} cameras={all} label={t('users.theNewUser')} />
        <button type="submit" disabled={create.isPending}>
          {t('users.add')}
        </button>
      </form>
      <ErrorText error={create.error} />
    </div>
  );
}
