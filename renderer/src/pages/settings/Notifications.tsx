// Notifications: where alerts go besides the app — a signed webhook, an MQTT broker (with Home Assistant discovery) —
// with each one's last delivery, a test send, editing and removal. Secrets are write-only: the engine shows a mask.
import type { DeliveryResult, SinkInput, SinkView } from '@common/contract/index.js';
import { SECRET_MASK } from '@common/contract/index.js';
import { useState, type FormEvent } from 'react';
import { ErrorText } from '../../components/ErrorText.js';
import { useAction, useCall } from '../../lib/api.js';
import { ago } from '../../lib/format.js';

type EditableSink = Extract<SinkView, { kind: 'webhook' | 'mqtt' }>;

/** 32 random bytes as hex: a signing secret nobody has to invent. */
function newSecret(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function NotificationsSection() {
  const sinks = useCall('sinks.list', {}, { retry: false });
  const remove = useAction('sinks.delete', ['sinks.list']);
  const test = useAction('sinks.test', ['sinks.list']);
  const [editing, setEditing] = useState<EditableSink | 'webhook' | 'mqtt' | null>(null);
  const [results, setResults] = useState<Record<string, DeliveryResult>>({});
  const own = (sinks.data ?? []).filter((s): s is typeof s & { sink: EditableSink } => s.sink.kind === 'webhook' || s.sink.kind === 'mqtt');

  return (
    <div className="card section" aria-labelledby="notify-title">
      <h2 id="notify-title">Notifications</h2>
      <p className="small muted">Alerts always show in the app and as desktop notifications. They can also go to a webhook (signed with its secret) or to an MQTT broker, which Home Assistant finds by itself.</p>
      <ErrorText error={sinks.error ?? remove.error ?? test.error} />
      {own.length > 0 && (
        <table className="table" aria-label="Notification targets">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Address</th>
              <th scope="col">Last delivery</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
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
                    {!sink.enabled && <span className="muted"> (off)</span>}
                  </td>
                  <td>{sink.kind === 'webhook' ? 'Webhook' : 'MQTT'}</td>
                  <td className="mono">{sink.url}</td>
                  <td>
                    {status.lastError && (!status.lastOk || status.lastError.time > status.lastOk) ? (
                      <span className="error">
                        failed {ago(status.lastError.time)}: {status.lastError.message}
                      </span>
                    ) : status.lastOk ? (
                      `delivered ${ago(status.lastOk)}`
                    ) : (
                      'nothing sent yet'
                    )}
                    {result && (
                      <span className={result.ok ? 'ok' : 'error'} data-testid="sink-test-result">
                        {' '}
                        · test {result.ok ? `delivered in ${result.durationMs} ms` : `failed: ${result.message ?? 'no answer'}`}
                      </span>
                    )}
                  </td>
                  <td className="row">
                    <button type="button" onClick={() => test.mutate({ id: sink.id }, { onSuccess: (r) => setResults((all) => ({ ...all, [sink.id]: r })) })} disabled={test.isPending}>
                      Send a test
                    </button>
                    <button type="button" onClick={() => setEditing(sink)}>
                      Edit
                    </button>
                    <button type="button" className="danger" onClick={() => remove.mutate({ id: sink.id })} aria-label={`Remove ${sink.name}`}>
                      Remove
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
            Add a webhook
          </button>
          <button type="button" onClick={() => setEditing('mqtt')}>
            Add an MQTT broker
          </button>
        </div>
      )}
    </div>
  );
}

function SinkForm({ sink, kind, onDone }: { sink?: EditableSink; kind: 'webhook' | 'mqtt'; onDone: () => void }) {
  const save = useAction('sinks.upsert', ['sinks.list']);
  const [name, setName] = useState(sink?.name ?? (kind === 'webhook' ? 'Webhook' : 'Home Assistant'));
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
    <form className="form" onSubmit={submit} aria-label={kind === 'webhook' ? 'Webhook' : 'MQTT broker'}>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <label>
        {kind === 'webhook' ? 'Address (http:// or https://)' : 'Broker (mqtt://host:1883 or mqtts://host:8883)'}
        <input value={url} onChange={(e) => setUrl(e.target.value)} required className="mono" />
      </label>
      {kind === 'webhook' ? (
        <label>
          Signing secret (the receiver checks each request's HMAC-SHA256 with it)
          <span className="row">
            <input value={secret} onChange={(e) => setSecret(e.target.value)} className="mono" minLength={16} aria-describedby="secret-hint" />
            <button type="button" onClick={() => setSecret(newSecret())}>
              New secret
            </button>
          </span>
          <span id="secret-hint" className="small muted">
            {secret === SECRET_MASK ? 'The stored secret is kept.' : 'Copy it to the receiver now: it is not shown again.'}
          </span>
        </label>
      ) : (
        <>
          <label>
            User name (optional)
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
          </label>
          <label>
            Password (optional{password === SECRET_MASK ? '; the stored one is kept' : ''})
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
          </label>
          <label>
            Topic prefix
            <input value={topicPrefix} onChange={(e) => setTopicPrefix(e.target.value)} />
          </label>
          <label>
            Home Assistant discovery prefix
            <input value={discoveryPrefix} onChange={(e) => setDiscoveryPrefix(e.target.value)} />
          </label>
        </>
      )}
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> On
      </label>
      <ErrorText error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
