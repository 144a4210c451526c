// The desktop notification: the Electron host supplies the function (snapshot as image, click opens the event).
import { registerSinkKind } from '../notifier.js';
import { noticeText } from './toast.js';

registerSinkKind({
  kind: 'desktop',
  retry: false,
  create: (_config, ctx) => ({
    available: () => ctx.desktop() !== null,
    send: async (n) => {
      const show = ctx.desktop();
      if (!show) return;
      await show({ ...noticeText(n), alertId: n.alert.id, eventId: n.alert.eventId, cameraId: n.camera.id, snapshotJpeg: await n.snapshotJpeg() });
    },
    close: () => Promise.resolve(),
  }),
});
