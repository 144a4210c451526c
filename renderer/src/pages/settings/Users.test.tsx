// @vitest-environment jsdom
// Settings → Users and the Exports list in German: roles, permissions and camera scope in words, the last admin's
// reason, a plural that follows the count, and an engine error with its English words kept after the German sentence.
import type { ApiClient } from '@common/bridge.js';
import type { ExportJob, User } from '@common/contract/index.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n, type Locale } from '../../i18n/index.js';
import { ClientContext } from '../../lib/api.js';
import { ExportsPage } from '../Exports.js';
import { UsersSection } from './Users.js';

afterEach(cleanup);

const USERS: User[] = [
  { id: 1, username: 'admin', role: 'admin', createdAt: 0, permissions: [], cameras: null },
  { id: 2, username: 'anna', role: 'viewer', createdAt: 0, permissions: ['live', 'unmask'], cameras: ['front'] },
];

const JOB: ExportJob = { id: 'x1', kind: 'range', cameras: ['front'], start: 1_700_000_000_000, end: 1_700_000_020_000, exact: false, status: 'done', progress: 1, bytes: 2048, url: 'x1.mp4', createdBy: 'admin', createdAt: 1_700_000_030_000 };

function renderIn(locale: Locale, ui: ReactNode, answers: Record<string, unknown>) {
  const client: ApiClient = {
    transport: 'http',
    call: vi.fn(async (method: string) => {
      if (method === 'users.delete') return { ok: false, error: { code: 'conflict', message: 'The last admin cannot be removed' } };
      return method in answers ? { ok: true, value: answers[method] } : { ok: false, error: { code: 'not_found', message: `unexpected ${method}` } };
    }) as never,
    subscribe: () => () => undefined,
  };
  render(
    <I18nextProvider i18n={createI18n(locale)}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>,
  );
}

const CAMERAS = [{ id: 'front', name: 'Haustür', streams: [], enabled: true, zones: [] }];

describe('users and exports in German', () => {
  it('words each user’s role, permissions and cameras, and the last admin’s reason', async () => {
    renderIn('de', <UsersSection />, { 'users.list': USERS, 'cameras.list': CAMERAS });
    const anna = await screen.findByRole('listitem', { name: 'anna' });
    expect(within(anna).getByRole('heading').textContent).toBe('anna (Betrachter: live ansehen, Privatsphärenmasken aufheben · Haustür)');
    expect(within(anna).getByRole('combobox', { name: 'Rolle von anna' })).toBeTruthy();
    expect(within(anna).getByRole('checkbox', { name: 'Aufnahmen ansehen' })).toBeTruthy();
    expect(within(anna).getByPlaceholderText('neues Passwort (mind. 10 Zeichen)')).toBeTruthy();
    const admin = screen.getByRole('listitem', { name: 'admin' });
    expect(within(admin).getByRole('heading').textContent).toBe('admin (Admin: alles, jede Kamera)');
    expect(within(admin).getByText('Der letzte Admin kann weder entfernt noch zum Betrachter gemacht werden')).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Einen Benutzer hinzufügen' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Rolle von dem neuen Benutzer' })).toBeTruthy();

    // the engine refuses in English; German says what kind of refusal and keeps the engine's reason
    fireEvent.click(within(anna).getByRole('button', { name: 'anna entfernen' }));
    const alert = await within(anna).findByRole('alert');
    expect(alert.textContent).toBe('Das geht so nicht. The last admin cannot be removed');
  });

  it('lists an export with its German state and a verification whose plural follows the count', async () => {
    renderIn('de', <ExportsPage />, { 'exports.list': [JOB], 'cameras.list': CAMERAS, 'exports.verify': { ok: true, files: [{ path: 'x1.mp4', ok: true, expected: 'a', actual: 'a' }], problem: null, signature: { status: 'valid', fingerprint: 'ab', problem: null } } });
    const row = await screen.findByTestId('export-row');
    expect(within(row).getByText('Fertig')).toBeTruthy();
    expect(within(row).getByText('20 s')).toBeTruthy();
    expect(within(row).getByText(/ von admin$/)).toBeTruthy();
    fireEvent.click(within(row).getByRole('button', { name: 'Prüfen' }));
    expect((await within(row).findByTestId('export-verified')).textContent).toBe(' geprüft: mit dem Schlüssel dieses Rekorders signiert, 1 Datei stimmt mit dem Manifest überein');
  });

  it('keeps the English an e2e spec reads, and the engine’s message alone in English', async () => {
    renderIn('en', <ExportsPage />, { 'exports.list': [JOB], 'cameras.list': CAMERAS, 'exports.verify': { ok: true, files: [{ path: 'a', ok: true, expected: 'a', actual: 'a' }, { path: 'b', ok: true, expected: 'b', actual: 'b' }], problem: null } });
    const row = await screen.findByTestId('export-row');
    fireEvent.click(within(row).getByRole('button', { name: 'Verify' }));
    expect((await within(row).findByTestId('export-verified')).textContent).toBe(' verified: not signed, 2 files match the manifest');
    cleanup();
    renderIn('en', <UsersSection />, { 'users.list': USERS, 'cameras.list': CAMERAS });
    const anna = await screen.findByRole('listitem', { name: 'anna' });
    expect(within(anna).getByRole('heading').textContent).toBe('anna (viewer: view live, lift privacy masks · Haustür)');
    fireEvent.click(within(anna).getByRole('button', { name: 'Remove anna' }));
    expect((await within(anna).findByRole('alert')).textContent).toBe('The last admin cannot be removed');
  });
});
