// The app shell: navigation for every screen and the routes behind it.
import { useEffect, useState, type ReactElement } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { hasPermission, type AuthStatus, type Permission } from '@common/contract/index.js';
import { AuthGate, signOut } from './Auth.js';
import { useTranslation } from './i18n/index.js';
import { Placeholder } from './pages/Placeholder.js';
import { CamerasPage } from './pages/Cameras.js';
import { EventsPage } from './pages/Events.js';
import { ExportsPage } from './pages/Exports.js';
import { LivePage } from './pages/Live.js';
import { MotionSearchPage } from './pages/MotionSearch.js';
import { ReviewPage, useUnreviewedCount } from './pages/Review.js';
import { RulesPage } from './pages/Rules.js';
import { ModelBanner } from './components/ModelBanner.js';
import { VaultBanner } from './components/VaultBanner.js';
import { PageErrorBoundary } from './components/PageErrorBoundary.js';
import { Toasts } from './components/Toasts.js';
import { useAction, useCall } from './lib/api.js';
import { applyTheme, storedTheme } from './lib/theme.js';
import { TimelinePage } from './pages/Timeline.js';
import { SettingsPage } from './pages/Settings.js';
import { SystemPage } from './pages/System.js';
import { ViewsPage } from './pages/Views.js';
import { useViewerZone } from './lib/zone.js';

type ScreenKey = 'live' | 'review' | 'timeline' | 'events' | 'rules' | 'motionSearch' | 'exports' | 'cameras' | 'settings';

/** The screens in the navigation; `key` names their label (nav.*) and empty-state hint (hints.*); `needs`: the
 * permission a viewer must have for the screen to be in their navigation. */
const SCREENS: readonly { path: string; key: ScreenKey; needs?: Permission }[] = [
  { path: 'live', key: 'live', needs: 'live' },
  { path: 'review', key: 'review', needs: 'recordings' },
  { path: 'timeline', key: 'timeline', needs: 'recordings' },
  { path: 'events', key: 'events', needs: 'recordings' },
  { path: 'rules', key: 'rules' },
  { path: 'motion-search', key: 'motionSearch', needs: 'recordings' },
  { path: 'exports', key: 'exports', needs: 'export' },
  { path: 'cameras', key: 'cameras' },
  { path: 'settings', key: 'settings' },
];

/** Screens built so far; the rest show their empty state. */
const PAGES: Record<string, ReactElement> = {
  live: <LivePage />,
  'live/:cameraId': <LivePage />,
  timeline: <TimelinePage />,
  rules: <RulesPage />,
  review: <ReviewPage />,
  exports: <ExportsPage />,
  'motion-search': <MotionSearchPage />,
  events: <EventsPage />,
  'events/:eventId': <EventsPage />,
  cameras: <CamerasPage />,
  settings: <SettingsPage />,
};

export function App() {
  return <AuthGate>{(status) => <Shell user={status.user} />}</AuthGate>;
}

/** The unreviewed count in the window title, as mail clients do: "(3) Porchlight". */
function useTitleCount(count: number | undefined): void {
  const { t } = useTranslation();
  const title = count ? t('app.titleWithCount', { count }) : t('app.title');
  useEffect(() => {
    document.title = title;
  }, [title]);
}

/** Home or away, for rules that fire only when away: one tap, for admins; others see which it is. */
function HomeAway({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const settings = useCall('settings.get', {});
  const set = useAction('settings.set', ['settings.get']);
  const mode = settings.data?.general.homeMode;
  if (!mode) return null;
  return (
    <div className="home-away" role="group" aria-label={t('app.homeOrAway')}>
      {(['home', 'away'] as const).map((m) => (
        <button key={m} type="button" aria-pressed={mode === m} className={mode === m ? 'selected' : ''} disabled={!admin || set.isPending} onClick={() => set.mutate({ section: 'general', value: { homeMode: m } })}>
          {t(`app.${m}`)}
        </button>
      ))}
    </div>
  );
}

/** The theme: this device's choice, else the installation's default. */
function useThemeChoice(): void {
  const settings = useCall('settings.get', {});
  const fallback = settings.data?.general.theme;
  useEffect(() => {
    applyTheme(storedTheme() ?? fallback ?? 'system');
  }, [fallback]);
}

function Shell({ user }: { user: AuthStatus['user'] }) {
  const { t } = useTranslation();
  const may = (p: Permission | undefined): boolean => !user || !p || hasPermission(user, p);
  const unreviewed = useUnreviewedCount(may('recordings'));
  useTitleCount(unreviewed);
  useThemeChoice();
  // every time on screen is in this zone: a new choice redraws the page
  const zone = useViewerZone();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // on a phone the menu folds away again once a page is chosen
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const admin = !user || user.role === 'admin';
  return (
    <div className="shell">
      <nav className={`sidebar ${menuOpen ? 'open' : ''}`} aria-label={t('app.mainNav')}>
        <div className="shell-top">
          <div className="brand">
            <span className="brand-dot" aria-hidden="true" /> Porchlight
            {unreviewed ? <span className="nav-badge" aria-hidden="true">{unreviewed}</span> : null}
          </div>
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
            {t('app.menu')}
          </button>
        </div>
        <div className="brand" aria-label="Porchlight">
          <span className="brand-dot" aria-hidden="true" /> Porchlight
        </div>
        <div className="nav-body" id="main-nav">
        <ul>
          {SCREENS.filter((s) => may(s.needs)).map((s) => (
            <li key={s.path}>
              <NavLink to={`/${s.path}`}>
                {t(`nav.${s.key}`)}
                {s.path === 'review' && unreviewed ? (
                  <span className="nav-badge" data-testid="unreviewed-count" aria-label={t('app.toReview', { count: unreviewed })}>
                    {unreviewed}
                  </span>
                ) : null}
              </NavLink>
            </li>
          ))}
          <li>
            <NavLink to="/system">{t('nav.system')}</NavLink>
          </li>
          {admin && (
            <li>
              <NavLink to="/views">{t('nav.views')}</NavLink>
            </li>
          )}
        </ul>
        <HomeAway admin={admin} />
        {user && user.username !== 'desktop' && (
          <div className="whoami">
            <span>
              {user.username} <span className="muted">({user.role})</span>
            </span>
            <button type="button" className="link" onClick={() => void signOut()}>
              {t('app.signOut')}
            </button>
          </div>
        )}
        </div>
      </nav>
      <main className="content">
        <VaultBanner admin={admin} />
        <ModelBanner admin={admin} />
        <PageErrorBoundary key={`${location.pathname}|${zone}`}>
        <Routes>
          <Route path="/" element={<Navigate to="/live" replace />} />
          {SCREENS.filter((s) => !Object.hasOwn(PAGES, s.path)).map((s) => (
            <Route key={s.path} path={`/${s.path}`} element={<Placeholder title={t(`nav.${s.key}`)} hint={t(`hints.${s.key}`)} />} />
          ))}
          {Object.entries(PAGES).map(([path, element]) => (
            <Route key={path} path={`/${path}`} element={element} />
          ))}
          <Route path="/system" element={<SystemPage />} />
          <Route path="/views" element={<ViewsPage />} />
          <Route path="*" element={<Placeholder title={t('app.notFound')} hint={t('app.notFoundHint')} />} />
        </Routes>
        </PageErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}
