// Sign-in for the server host: first-run admin setup, then login. The desktop app skips it (IPC is the local owner).
import { AUTH_ROUTES, PERMISSIONS, type ApiError, type AuthStatus } from '@common/contract/index.js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorText } from './components/ErrorText.js';
import { useTranslation } from './i18n/index.js';
import { CallError, useClient } from './lib/api.js';

async function postJson(path: string, body: unknown): Promise<{ ok: boolean; error?: ApiError }> {
  const res = await fetch(new URL(path.slice(1), document.baseURI), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  return (await res.json()) as { ok: boolean; error?: ApiError };
}

export function AuthGate({ children }: { children: (status: AuthStatus) => ReactNode }) {
  const { t } = useTranslation();
  const client = useClient();
  const status = useQuery<AuthStatus>({
    queryKey: ['auth.status'],
    enabled: client.transport === 'http',
    queryFn: async () => (await (await fetch(new URL(AUTH_ROUTES.status.slice(1), document.baseURI), { credentials: 'same-origin' })).json()) as AuthStatus,
  });
  if (client.transport === 'ipc') return <>{children({ needsSetup: false, user: { username: 'desktop', role: 'admin', permissions: [...PERMISSIONS], cameras: null } })}</>;
  if (status.isPending) return <p role="status" className="center">{t('auth.connecting')}</p>;
  if (status.error || !status.data) return <p role="alert" className="center error">{t('auth.unreachable')}</p>;
  if (status.data.needsSetup) return <AccountForm mode="setup" />;
  if (!status.data.user) return <AccountForm mode="login" />;
  return <>{children(status.data)}</>;
}

function AccountForm({ mode }: { mode: 'setup' | 'login' }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [username, setUsername] = useState(mode === 'setup' ? 'admin' : '');
  const [password, setPassword] = useState('');
  const [setupCode, setSetupCode] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await postJson(mode === 'setup' ? AUTH_ROUTES.setup : AUTH_ROUTES.login, mode === 'setup' ? { username, password, setupCode } : { username, password });
      // the server's reason (wrong password, too many tries) in the viewer's language
      if (!res.ok) setError(res.error ? new CallError(res.error) : new Error(t('auth.failed')));
      else await qc.invalidateQueries();
    } catch {
      setError(new Error(t('auth.unreachable')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} aria-labelledby="auth-title">
        <div className="brand">
          <span className="brand-dot" aria-hidden="true" /> Porchlight
        </div>
        <h1 id="auth-title">{mode === 'setup' ? t('auth.setupTitle') : t('auth.signIn')}</h1>
        {mode === 'setup' && <p className="muted">{t('auth.setupIntro')}</p>}
        {mode === 'setup' && (
          <>
            <label>
              {t('auth.setupCode')}
              <input
                name="setupCode"
                autoComplete="one-time-code"
                spellCheck={false}
                value={setupCode}
                onChange={(e) => setSetupCode(e.target.value)}
                aria-describedby="setup-code-hint"
                required
              />
            </label>
            <p id="setup-code-hint" className="muted small">
              {t('auth.setupCodeHint')}
            </p>
          </>
        )}
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'setup' ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            minLength={mode === 'setup' ? 10 : 1}
            required
          />
        </label>
        {mode === 'setup' && <p className="muted small">{t('auth.passwordHint')}</p>}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {mode === 'setup' ? t('auth.createAccount') : t('auth.signIn')}
        </button>
      </form>
    </main>
  );
}

export async function signOut(): Promise<void> {
  await postJson(AUTH_ROUTES.logout, {});
  window.location.reload();
}
