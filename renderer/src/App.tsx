// The app shell: navigation for every screen and the routes behind it.
import { useEffect, useState, type ReactElement } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { AuthGate, signOut } from './Auth.js';
import { Placeholder } from './pages/Placeholder.js';
import { CamerasPage } from './pages/Cameras.js';
import { EventsPage } from './pages/Events.js';
import { ExportsPage } from './pages/Exports.js';
import { LivePage } from './pages/Live.js';
import { MotionSearchPage } from './pages/MotionSearch.js';
import { ReviewPage, useUnreviewedCount } from './pages/Review.js';
import { RulesPage } from './pages/Rules.js';
import { ModelBanner } from './components/ModelBanner.js';
import { PageErrorBoundary } from './components/PageErrorBoundary.js';
import { Toasts } from './components/Toasts.js';
import { useAction, useCall } from './lib/api.js';
import { applyTheme, storedTheme } from './lib/theme.js';
import { TimelinePage } from './pages/Timeline.js';
import { SettingsPage } from './pages/Settings.js';
import { SystemPage } from './pages/System.js';
import { useViewerZone } from './lib/zone.js';

const SCREENS = [
  { path: 'live', label: 'Live', hint: 'Add a camera to see it here.' },
  { path: 'review', label: 'Review', hint: 'What happened, to work through.' },
  { path: 'timeline', label: 'Timeline', hint: 'Recorded spans and events will appear here once a camera records.' },
  { path: 'events', label: 'Events', hint: 'People, cars and animals your cameras see will be listed here.' },
  { path: 'rules', label: 'Rules', hint: 'Create a rule to be alerted when a person is seen.' },
  { path: 'motion-search', label: 'Motion search', hint: 'Find where something moved.' },
  { path: 'exports', label: 'Exports', hint: 'Exported clips with their checksums.' },
  { path: 'cameras', label: 'Cameras', hint: 'Add a camera by its RTSP address or discover it with ONVIF.' },
  { path: 'settings', label: 'Settings', hint: 'Storage, detection model and remote access.' },
] as const;

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
  useEffect(() => {
    document.title = count ? `(${count}) Porchlight` : 'Porchlight';
  }, [count]);
}

/** Home or away, for rules that fire only when away: one tap, for admins; others see which it is. */
function HomeAway({ admin }: { admin: boolean }) {
  const settings = useCall('settings.get', {});
  const set = useAction('settings.set', ['settings.get']);
  const mode = settings.data?.general.homeMode;
  if (!mode) return null;
  return (
    <div className="home-away" role="group" aria-label="Home or away">
      {(['home', 'away'] as const).map((m) => (
        <button key={m} type="button" aria-pressed={mode === m} className={mode === m ? 'selected' : ''} disabled={!admin || set.isPending} onClick={() => set.mutate({ section: 'general', value: { homeMode: m } })}>
          {m === 'home' ? 'Home' : 'Away'}
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

function Shell({ user }: { user: { username: string; role: string } | null }) {
  const unreviewed = useUnreviewedCount();
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
      <nav className={`sidebar ${menuOpen ? 'open' : ''}`} aria-label="Main">
        <div className="shell-top">
          <div className="brand">
            <span className="brand-dot" aria-hidden="true" /> Porchlight
            {unreviewed ? <span className="nav-badge" aria-hidden="true">{unreviewed}</span> : null}
          </div>
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
            Menu
          </button>
        </div>
        <div className="brand" aria-label="Porchlight">
          <span className="brand-dot" aria-hidden="true" /> Porchlight
        </div>
        <div className="nav-body" id="main-nav">
        <ul>
          {SCREENS.map((s) => (
            <li key={s.path}>
              <NavLink to={`/${s.path}`}>
                {s.label}
                {s.path === 'review' && unreviewed ? (
                  <span className="nav-badge" data-testid="unreviewed-count" aria-label={`${unreviewed} to review`}>
                    {unreviewed}
                  </span>
                ) : null}
              </NavLink>
            </li>
          ))}
          <li>
            <NavLink to="/system">System</NavLink>
          </li>
        </ul>
        <HomeAway admin={admin} />
        {user && user.username !== 'desktop' && (
          <div className="whoami">
            <span>
              {user.username} <span className="muted">({user.role})</span>
            </span>
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        )}
        </div>
      </nav>
      <main className="content">
        <ModelBanner admin={admin} />
        <PageErrorBoundary key={`${location.pathname}|${zone}`}>
        <Routes>
          <Route path="/" element={<Navigate to="/live" replace />} />
          {SCREENS.filter((s) => !Object.hasOwn(PAGES, s.path)).map((s) => (
            <Route key={s.path} path={`/${s.path}`} element={<Placeholder title={s.label} hint={s.hint} />} />
          ))}
          {Object.entries(PAGES).map(([path, element]) => (
            <Route key={path} path={`/${path}`} element={element} />
          ))}
          <Route path="/system" element={<SystemPage />} />
          <Route path="*" element={<Placeholder title="Not found" hint="This page does not exist." />} />
        </Routes>
        </PageErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}
