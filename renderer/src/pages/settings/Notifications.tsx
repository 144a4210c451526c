// Notifications: where alerts go besides the app — a signed webhook, an MQTT broker (with Home Assistant discovery) —
// with each one's last delivery, a test send, editing and removal. Secrets are write-only: the engine shows a mask.
import type { DeliveryResult, SinkInput, SinkView } from '@common/contract/index.js';
import { SECRET_MASK } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useTranslation } from '../../i18n/index.js';
import { useAction, useCall } from '../../lib/api.js';
import { ago } from '../../lib/format.js';

type EditableSink = Extract<SinkView, { kind: 'webhook' | 'mqtt' }>;

/** 32 random bytes as hex: a signing secret nobody has to invent. */
function newSecret(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function NotificationsSection() {
  const { t } = useTranslation();
  const sinks = useCall('sinks.list', {}, { retry: false });
  const remove = useAction('sinks.delete', ['sinks.list']);
  const test = useAction('sinks.test', ['sinks.list']);
  const [editing, setEditing] = useState<EditableSink | 'webhook' | 'mqtt' | null>(null);
  const [results, setResults] = useState<Record<string, DeliveryResult>>({});
  const own = (sinks.data ?? []).filter((s): s is typeof s & { sink: EditableSink } => s.sink.kind === 'webhook' || s.sink.kind === 'mqtt');

  return (
    <div className="card section" aria-labelledby="notify-title">
      <h2 id="notify-title">{t('notifications.title')}</h2>
      <p className="small muted">{t('notifications.intro')}</p>
      <ErrorText error={sinks.error ?? remove.error ?? test.error} />
      {own.length > 0 && (
        <table className="table" tabIndex={0} aria-label={t('notifications.table')}>
          <thead>
            <tr>
              <th scope="col">{t('notifications.colName')}</th>
              <th scope="col">{t('notifications.colKind')}</th>
              <th scope="col">{t('notifications.colAddress')}</th>
              <th scope="col">{t('notifications.colLastDelivery')}</th>
              <th scope="col">
                <span className="sr-only">{t('notifications.colActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {own.map(({ sink, status }) => {
              const result = results[sink.id];
              return (
                <tr key={sink.id} data-testid="sink-row">
                  <td>
                    {sink.name}
                    {!sink.enabled && <span className="muted"> {t('notifications.off')}</span>}
                  </td>
                  <td>{sink.kind === 'webhook' ? t('notifications.webhook') : t('notifications.mqtt')}</td>
                  <td className="mono">{sink.url}</td>
                  <td>
                    {status.lastError && (!status.lastOk || status.lastError.time > status.lastOk) ? (
                      <span className="error">{t('notifications.failedAgo', { ago: ago(status.lastError.time), message: status.lastError.message })}</span>
                    ) : status.lastOk ? (
                      t('notifications.deliveredAgo', { ago: ago(status.lastOk) })
                    ) : (
                      t('notifications.nothingSent')
                    )}
                    {result && (
                      <span className={result.ok ? 'ok' : 'error'} data-testid="sink-test-result">
                        {' '}
                        · {result.ok ? t('notifications.testDelivered', { ms: result.durationMs }) : t('notifications.testFailed', { message: result.message ?? t('notifications.noAnswer') })}
                      </span>
                    )}
                  </td>
                  <td className="row">
                    <button type="button" onClick={() => test.mutate({ id: sink.id }, { onSuccess: (r) => setResults((all) => ({ ...all, [sink.id]: r })) })} disabled={test.isPending}>
                      {t('notifications.sendTest')}
                    </button>
                    <button type="button" onClick={() => setEditing(sink)}>
                      {t('common.edit')}
                    </button>
                    <button type="button" className="danger" onClick={() => remove.mutate({ id: sink.id })} aria-label={t('notifications.removeName', { name: sink.name })}>
                      {t('notifications.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {editing ? (
        <SinkForm key={typeof editing === 'string' ? editing : editing.id} sink={typeof editing === 'string' ? undefined : editing} kind={typeof editing === 'string' ? editing : editing.kind} onDone={() => setEditing(null)} />
      ) : (
        <div className="row">
          <button type="button" onClick={() => setEditing('webhook')}>
            {t('notifications.addWebhook')}
          </button>
          <button type="button" onClick={() => setEditing('mqtt')}>
            {t('notifications.addMqtt')}
          </button>
        </div>
      )}
    </div>
  );
}

function SinkForm({ sink, kind, onDone }: { sink?: EditableSink; kind: 'webhook' | 'mqtt'; onDone: () => void }) {
  const { t } = useTranslation();
  const save = useAction('sinks.upsert', ['sinks.list']);
  const [name, setName] = useState(() => sink?.name ?? (kind === 'webhook' ? t('notifications.webhook') : t('notifications.defaultMqttName')));
  const [url, setUrl] = useState(sink?.url ?? (kind === 'webhook' ? 'https://' : 'mqtt://'));
  const [secret, setSecret] = useState(sink?.kind === 'webhook' ? SECRET_MASK : newSecret());
  const [username, setUsername] = useState(sink?.kind === 'mqtt' ? (sink.username ?? '') : '');
  const [password, setPassword] = useState(sink?.kind === 'mqtt' && sink.password ? SECRET_MASK : '');
  const [topicPrefix, setTopicPrefix] = useState(sink?.kind === 'mqtt' ? sink.topicPrefix : 'porchlight');
  const [discoveryPrefix, setDiscoveryPrefix] = useState(sink?.kind === 'mqtt' ? sink.discoveryPrefix : 'homeassistant');
  const [enabled, setEnabled] = useState(sink?.enabled ?? true);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: SinkInput =
      kind === 'webhook'
        ? { ...(sink ? { id: sink.id } : {}), kind, name, url, secret, enabled }
        : { ...(sink ? { id: sink.id } : {}), kind, name, url, ...(username ? { username } : {}), ...(password ? { password } : {}), topicPrefix, discoveryPrefix, enabled };
    save.mutate(input, { onSuccess: onDone });
  };

  return (
    <form className="form" onSubmit={submit} aria-label={kind === 'webhook' ? t('notifications.webhook') : t('notifications.mqttBroker')}>
      <label>
        {t('notifications.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        {kind === 'webhook' ? t('notifications.webhookUrl') : t('notifications.brokerUrl')}
        <input value={url} onChange={(e) => setUrl(e.target.value)} required className="mono" />
      </label>
      {kind === 'webhook' ? (
        <label>
          {t('notifications.secret')}
          <span className="row">
            <input value={secret} onChange={(e) => setSecret(e.target.value)} className="mono" minLength={16} aria-describedby="secret-hint" />
            <button type="button" onClick={() => setSecret(newSecret())}>
              {t('notifications.newSecret')}
            </button>
          </span>
          <span id="secret-hint" className="small muted">
            {secret === SECRET_MASK ? t('notifications.secretKept') : t('notifications.secretCopy')}
          </span>
        </label>
      ) : (
        <>
          <label>
            {t('notifications.username')}
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
          </label>
          <label>
            {password === SECRET_MASK ? t('notifications.passwordKept') : t('notifications.password')}
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </label>
          <label>
            {t('notifications.topicPrefix')}
            <input value={topicPrefix} onChange={(e) => setTopicPrefix(e.target.value)} />
          </label>
          <label>
            {t('notifications.discoveryPrefix')}
            <input value={discoveryPrefix} onChange={(e) => setDiscoveryPrefix(e.target.value)} />
          </label>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> {t('notifications.on')}
      </label>
      <ErrorText error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
