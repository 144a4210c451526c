// The in-app toast: published on the bus; the WebSocket and IPC transports forward it to open windows.
import { registerSinkKind, type AlertNotice } from '../notifier.js';

export function noticeText(n: AlertNotice): { title: string; body: string } {
  if (n.test) return { title: 'Porchlight test notification', body: 'Notifications reach you here' };
  return { title: `${n.alert.label} on ${n.camera.name}`, body: `Rule "${n.alert.ruleName}" at ${new Date(n.alert.time).toLocaleTimeString()}` };
}

registerSinkKind({
  kind: 'toast',
  retry: false,
  create: (_config, ctx) => ({
    send: (n) => {
      ctx.bus.publish('notify.toast', { alertId: n.alert.id, eventId: n.alert.eventId, cameraId: n.camera.id, ...noticeText(n) });
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  }),
});
