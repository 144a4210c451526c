// In-app notices for rules that ask for them: they appear over any screen and link to the event.
import type { ToastNotice } from '@common/contract/index.js';
import { useCallback, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from '../i18n/index.js';
import { useTopic } from '../lib/api.js';

const SHOW_MS = 12_000;

export function Toasts() {
  const { t: tr } = useTranslation();
  const [toasts, setToasts] = useState<(ToastNotice & { key: number })[]>([]);
  const onToast = useCallback((t: ToastNotice) => {
    const key = Date.now() + Math.random();
    setToasts((all) => [...all.slice(-3), { ...t, key }]);
    setTimeout(() => setToasts((all) => all.filter((x) => x.key !== key)), SHOW_MS);
  }, []);
  useTopic('notify.toast', onToast);
  return (
    <div className="toasts" role="region" aria-label={tr('toasts.region')} aria-live="polite">
      {toasts.map((t) => (
        <div key={t.key} className="toast" role="status" data-testid="toast">
          <strong>{t.title}</strong>
          <span>{t.body}</span>
          {t.eventId && <Link to={`/events/${t.eventId}`}>{tr('toasts.open')}</Link>}
          <button type="button" className="link" aria-label={tr('toasts.dismiss')} onClick={() => setToasts((all) => all.filter((x) => x.key !== t.key))}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
