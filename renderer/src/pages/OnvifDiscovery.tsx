// ONVIF: find cameras on the network, then add one with its user name and password in one step.
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../components/ErrorText.js';
import { useTranslation } from '../i18n/index.js';
import { useAction } from '../lib/api.js';

export function OnvifDiscovery() {
  const { t } = useTranslation();
  const discover = useAction('onvif.discover');
  const add = useAction('cameras.addOnvif', ['cameras.list', 'cameras.states']);
  const [chosen, setChosen] = useState<string | null>(null);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen) add.mutate({ xaddr: chosen, username, password }, { onSuccess: () => setChosen(null) });
  };

  return (
    <div className="card section" aria-labelledby="onvif-title">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="onvif-title">{t('onvif.title')}</h2>
        <button type="button" onClick={() => discover.mutate({ timeoutMs: 3000 })} disabled={discover.isPending}>
          {discover.isPending ? t('onvif.searching') : t('onvif.search')}
        </button>
      </div>
      <ErrorText error={discover.error} />
      {discover.data && discover.data.length === 0 && <p className="muted">{t('onvif.none')}</p>}
      <ul className="plain">
        {discover.data?.map((d) => (
          <li key={d.xaddr} className="row">
            <span>
              <strong>{d.name ?? d.hardware ?? t('onvif.camera')}</strong> <span className="muted">{d.address}</span>
            </span>
            <button type="button" onClick={() => setChosen(d.xaddr)}>
              {t('onvif.add')}
            </button>
          </li>
        ))}
      </ul>
      {chosen && (
        <form className="row" onSubmit={submit} aria-label={t('onvif.form')}>
          <input aria-label={t('onvif.username')} value={username} onChange={(e) => setUsername(e.target.value)} />
          <input aria-label={t('onvif.password')} type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="primary" disabled={add.isPending}>
            {t('onvif.addCamera')}
          </button>
        </form>
      )}
      <ErrorText error={add.error} />
    </div>
  );
}
