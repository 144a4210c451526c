// @vitest-environment jsdom
// Settings → Encryption at rest: a plain install is offered the migration; its progress arrives on the topic; once done
// the owner confirms or rolls back; an encrypted install is told so; a viewer (forbidden) sees nothing of it.
import type { ApiClient } from '@common/bridge.js';
import type { VaultMigrationStatus } from '@common/contract/index.js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n, type Locale } from '../../i18n/index.js';
import { ClientContext } from '../../lib/api.js';
import { VaultMigrationSection } from './Vault.js';

afterEach(cleanup);

const NONE: VaultMigrationStatus = { state: 'none', phase: null, items: { done: 0, total: 0 }, bytes: { done: 0, total: 0 }, reason: null, plainInstall: true, canRollback: false, startedAt: null, finishedAt: null, confirmedAt: null };
const at = (over: Partial<VaultMigrationStatus>): VaultMigrationStatus => ({ ...NONE, plainInstall: false, ...over });

/** answers: a method's value, or a function of the methods called so far (a status that follows the start). */
function renderIn(locale: Locale, answers: Record<string, unknown>) {
  const called: string[] = [];
  const listeners = new Map<string, (v: unknown) => void>();
  const call = vi.fn(async (method: string) => {
    called.push(method);
    const given = answers[method];
    const a: unknown = typeof given === 'function' ? (given as (c: string[]) => unknown)(called) : given;
    if (a === 'forbidden') return { ok: false, error: { code: 'forbidden', message: 'Admins only' } };
    return a !== undefined ? { ok: true, value: a } : { ok: false, error: { code: 'not_found', message: `unexpected ${method}` } };
  });
  const client: ApiClient = {
    transport: 'http',
    call: call as never,
    subscribe: ((topic: string, cb: (v: unknown) => void) => {
      listeners.set(topic, cb);
      return () => listeners.delete(topic);
    }) as never,
  };
  render(
    <I18nextProvider i18n={createI18n(locale)}>
      <ClientContext.Provider value={client}>
        <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
          <VaultMigrationSection />
        </QueryClientProvider>
      </ClientContext.Provider>
    </I18nextProvider>,
  );
  return { call, push: (topic: string, v: unknown) => act(() => listeners.get(topic)?.(v)) };
}

describe('the vault migration in Settings', () => {
  it('offers a plain install the migration, shows its progress as it is pushed, then confirm and roll back', async () => {
    const running = at({ state: 'running', phase: 'media', items: { done: 0, total: 1500 }, bytes: { done: 0, total: 3_000_000_000 }, canRollback: true, startedAt: 1 });
    const { call, push } = renderIn('en', { 'vault.migration.status': (c: string[]) => (c.includes('vault.migration.start') ? running : NONE), 'vault.migration.start': running });
    fireEvent.click(await screen.findByRole('button', { name: 'Encrypt existing recordings' }));
    await screen.findByText('Encrypting existing recordings… Recording, playback and exports keep working.');
    expect(call).toHaveBeenCalledWith('vault.migration.start', {});

    push('vault.migration.progress', { ...running, items: { done: 750, total: 1500 }, bytes: { done: 1_500_000_000, total: 3_000_000_000 } });
    const bar = screen.getByRole('progressbar', { name: 'Encryption progress' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([750, 1500]);
    expect(screen.getByTestId('vault-migration-counts').textContent).toBe('750 of 1500 files, 1.4 GB of 2.8 GB');

    push('vault.migration.progress', { ...running, state: 'done', phase: 'finished', items: { done: 1500, total: 1500 }, bytes: { done: 3_000_000_000, total: 3_000_000_000 }, finishedAt: 2 });
    expect(screen.getByRole('button', { name: 'Confirm (remove the plain originals)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Roll back' })).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says why a migration is paused and offers to resume it, in German', async () => {
    renderIn('de', { 'vault.migration.status': at({ state: 'paused', phase: 'media', items: { done: 3, total: 9 }, bytes: { done: 3, total: 9 }, reason: 'disk full', canRollback: true }) });
    expect(await screen.findByRole('button', { name: 'Fortsetzen' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('disk full');
  });

  it('tells an encrypted install it is encrypted, and shows a viewer nothing', async () => {
    renderIn('en', { 'vault.migration.status': at({}) });
    await screen.findByText('Recordings, snapshots and the database are encrypted at rest.');
    expect(screen.queryByRole('button')).toBeNull();
    cleanup();
    renderIn('en', { 'vault.migration.status': 'forbidden' });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId('vault-migration')).toBeNull();
  });
});
