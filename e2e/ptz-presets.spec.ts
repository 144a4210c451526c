// PTZ presets in Chromium against the mock ONVIF device: the camera's presets are listed, one is saved where the camera
// points, and "Go to preset" sends the camera there.
import { startOnvifDevice, type OnvifDevice } from '../test/fixtures/onvif-device.js';
import { setupAdmin, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

let serve: ServeHandle;
let admin: AdminSession;
let device: OnvifDevice;
let cameraId: string;

test.beforeAll(async () => {
  // the stream is never played (cameras do not run here): PTZ talks to the device alone
  device = await startOnvifDevice({ streamUri: 'rtsp://127.0.0.1:9/main', username: 'onvif', password: 'secret pw' });
  serve = await startServe({ args: ['--no-cameras'] });
  admin = await setupAdmin(serve);
  cameraId = (await admin.api<{ id: string }>('cameras.addOnvif', { xaddr: device.xaddr, username: 'onvif', password: 'secret pw', name: 'Porch PTZ' })).id;
});

test.afterAll(async () => {
  await serve?.stop();
  await device?.close();
});

test('lists, saves and goes to PTZ presets', async ({ page }) => {
  await admin.signIn(page);
  await page.goto(`${serve.url}/#/live/${cameraId}`);
  const presets = page.getByRole('group', { name: 'Presets' });
  const select = presets.getByRole('combobox');
  await expect(select.locator('option')).toHaveText(['Driveway', 'Porch']);

  await presets.getByLabel('New preset name').fill('Gate');
  await presets.getByRole('button', { name: 'Save preset here' }).click();
  await expect(select.locator('option')).toHaveText(['Driveway', 'Porch', 'Gate']);
  await expect(select).toHaveValue('3');
  expect(device.calls.filter((c) => c.action === 'SetPreset').at(-1)?.body).toContain('<tptz:PresetName>Gate</tptz:PresetName>');

  await select.selectOption({ label: 'Driveway' });
  const before = device.calls.length;
  await presets.getByRole('button', { name: 'Go to preset' }).click();
  await expect.poll(() => device.calls.slice(before).find((c) => c.action === 'GotoPreset')?.body ?? '').toContain('<tptz:PresetToken>1</tptz:PresetToken>');
  await page.screenshot({ path: 'e2e/artifacts/ptz-presets.png', fullPage: true });
});
