// The webhook: POSTs the alert as JSON to the user's URL, signed with HMAC-SHA256 of the raw body and the shared secret.
import { createHmac } from 'node:crypto';
import type { WebhookSinkConfig } from '../../../common/contract/rules.js';
import { registerSinkKind, type AlertNotice } from '../notifier.js';

export const SIGNATURE_HEADER = 'x-porchlight-signature';
export const TIMESTAMP_HEADER = 'x-porchlight-timestamp';

/** `sha256=<hex>`: what a receiver recomputes over the bytes it got to check the sender. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(n: AlertNotice, sentAt: number): string {
  return JSON.stringify({ type: n.test ? 'test' : 'alert', sentAt, alert: n.alert, event: n.event, camera: n.camera });
}

registerSinkKind({
  kind: 'webhook',
  retry: true,
  create: (config) => {
    const c = config as WebhookSinkConfig;
    return {
      send: async (n, signal) => {
        const sentAt = Date.now();
        // the timestamp is inside the signed body too, so a receiver can refuse replays
        const body = webhookBody(n, sentAt);
        const res = await fetch(c.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Porchlight',
            [TIMESTAMP_HEADER]: String(sentAt),
            [SIGNATURE_HEADER]: signBody(c.secret, body),
          },
          body,
          // a redirect would send the alert somewhere the user did not configure
          redirect: 'error',
          signal,
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`the receiver answered HTTP ${res.status}`);
      },
      close: () => Promise.resolve(),
    };
  },
});
