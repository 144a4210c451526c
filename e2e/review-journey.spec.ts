// The review journey, at a desk and on a phone, against one server with the real RTSP camera and the vault on:
// the unreviewed count rises as people arrive → five items are triaged (keys at the desk, taps on the phone) → the
// count falls → the filters live in the URL → a motion search over the last 5 minutes where people walk finds them →
// two cameras play in sync → a webhook set up in Settings gets its test on loopback → an export made on the timeline
// is listed and verifies. Every screen is checked by axe and photographed in light and dark at both sizes. Two admins
// (one per device) keep their own reviewed state. Last, at rest: nothing under the data directory plays or parses as
// media, and the database does not open without its key.
import { AxeBuilder } from '@axe-core/playwright';
import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { signBody, SIGNATURE_HEADER } from '../main/core/notify/sinks/webhook.js';
import { startRtspCamera, type RtspCamera } from '../test/fixtures/rtsp-camera.js';
import { probeAtRest, readableAtRest, walkFiles } from '../test/helpers/at-rest.js';
import { seedScaleData, seedSnapshots } from '../test/helpers/scale-data.js';
import { setupAdmin, signInAs, type AdminSession } from './fixtures/admin.js';
import { expect, test } from './fixtures/page.js';
import { startServe, type ServeHandle } from './fixtures/server.js';

const PHONE = { username: 'phone', password: 'a long phone password' };
const SHOTS = 'e2e/artifacts/screens';
/** Every screen of the navigation, by its path and its heading. */
const SCREENS: ReadonlyArray<[path: string, heading: string]> = [
  ['live', 'Live'],
  ['review', 'Review'],
  ['timeline', 'Timeline'],
  ['events', 'Events'],
  ['rules', 'Rules'],
  ['motion-search', 'Motion search'],
  ['exports', 'Exports'],
  ['cameras', 'Cameras'],
  ['settings', 'Settings'],
  ['system', 'System'],
  ['views', 'Who watched what'],
];

type Segment = { start: number; end: number };
type Camera = { id: string; name: string };

let camera: RtspCamera;
let serve: ServeHandle;
let dataDir: string;
let receiver: Server;
let desk: AdminSession;
let pattern: Camera;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dataDir = mkdtempSync(join(tmpdir(), 'porchlight-journey-'));
  mkdirSync(SHOTS, { recursive: true });
  // a new install (the vault is made on first start), its two admins, then yesterday's and today's history seeded into
  // it while it is stopped, snapshots written through the vault as the engine writes them
  const first = await startServe({ dataDir });
  const admin = await setupAdmin(first);
  await admin.api('users.create', { ...PHONE, role: 'admin' });
  await first.stop();
  seedScaleData(dataDir, { cameras: 2, events: 40, busyEvents: 20, days: 2 });
  const jpeg = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#35506b' } }).jpeg({ quality: 70 }).toBuffer();
  expect(await seedSnapshots(dataDir, jpeg, 40)).toBe(40);

  camera = await startRtspCamera({ hevc: false });
  serve = await startServe({ dataDir });
  desk = await signInAs(serve, 'admin', 'a long admin password');
  // a second, quiet camera that only records: the other half of the synced playback
  pattern = await desk.api<Camera>('cameras.upsert', { name: 'Pattern', streams: [{ name: 'main', url: camera.url('pattern'), roles: ['record', 'live'] }], detect: { enabled: false } });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});

// a failed step shows what the server said meanwhile (its warnings and errors, and its cameras' states)
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook takes from its first parameter's pattern
test.afterEach(({}, info) => {
  if (info.status === info.expectedStatus || !serve) return;
  const lines = serve.output().split('\n').filter((l) => /"level":(40|50|60)|"module":"(cameras|ingest|detect)"/.test(l));
  console.log(`server output (last ${Math.min(60, lines.length)} of ${lines.length} lines):\n${lines.slice(-60).join('\n')}`);
});

test.afterAll(async () => {
  await serve?.stop();
  await camera?.stop();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const unreviewed = (s: AdminSession) => s.api<{ total: number }>('review.counts', {}).then((c) => c.total);
const segments = (id: string) => desk.api<Segment[]>('recordings.segments', { cameraId: id, after: 0, before: Date.now() + 60_000 });

/** The start of the newest unbroken recording of at least `ms` on a camera, once there is one (it is recording now). */
async function recordedRun(id: string, ms: number): Promise<number> {
  let start = NaN;
  await expect
    .poll(
      async () => {
        const list = await segments(id);
        let runEnd = list.at(-1)?.end ?? 0;
        for (let i = list.length - 1; i >= 0; i--) {
          if (i < list.length - 1 && list[i + 1]!.start - list[i]!.end > 1500) runEnd = list[i]!.end;
          if (runEnd - list[i]!.start >= ms) return (start = runEnd - ms);
        }
        return NaN;
      },
      { timeout: 150_000 },
    )
    .not.toBeNaN();
  return start;
}

/** Any media or API answer of 5xx, by URL: the console only says "503", this says which. */
function watchRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() < 500) return;
    refused.push(`${r.status()} ${r.url()} (on ${page.url()})`);
    void r.text().then((body) => console.log(`server error: ${refused.at(-1)}: ${body.slice(0, 300)}`), () => undefined);
  });
  return refused;
}

async function axe(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('video').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Chooses the theme in Settings the way the device's user does (a click, or a tap on a phone). */
async function chooseTheme(page: Page, theme: 'light' | 'dark', touch: boolean): Promise<void> {
  await page.goto(`${serve.url}/#/settings`);
  const radio = page.getByRole('radio', { name: theme === 'light' ? 'Light' : 'Dark' });
  await (touch ? radio.tap() : radio.check());
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** Every screen (and an event's details) in one theme: axe finds nothing serious, and a full-page picture is kept. */
async function everyScreen(page: Page, size: 'desk' | 'phone', theme: 'light' | 'dark', eventId: string): Promise<void> {
  for (const [path, heading] of [...SCREENS, [`events/${eventId}`, 'Events'] as const]) {
    await page.goto(`${serve.url}/#/${path}`);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    if (path.startsWith('events/')) await expect(page.getByRole('complementary', { name: 'Event details' })).toBeVisible();
    const name = path.replace('/', '-');
    await axe(page, `${size}, ${theme}, ${name}`);
    await page.screenshot({ path: `${SHOTS}/${size}-${theme}-${name}.png`, fullPage: true });
  }
}

/** The steps both devices take after triage, each with its own camera: motion search, sync, webhook, export. */
async function restOfTheJourney(page: Page, s: AdminSession, walker: Camera, touch: boolean, size: 'desk' | 'phone'): Promise<void> {
  const press = (l: ReturnType<Page['locator']>) => (touch ? l.tap() : l.click());

  // motion search: the last 5 minutes, a region over the floor where the people walk
  await page.goto(`${serve.url}/#/motion-search`);
  await page.getByLabel('Camera').selectOption({ label: walker.name });
  const canvas = page.getByTestId('motion-canvas');
  await expect(canvas.locator('img')).toBeVisible({ timeout: 15_000 });
  if (touch) {
    // on a phone the region is typed (a drag would scroll the page)
    for (const [edge, v] of [['Left', '5'], ['Top', '45'], ['Right', '95'], ['Bottom', '95']] as const) await page.getByLabel(`${edge} (% of the picture)`).fill(v);
  } else {
    const b = (await canvas.boundingBox())!;
    await page.mouse.move(b.x + b.width * 0.05, b.y + b.height * 0.45);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.95, b.y + b.height * 0.95, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByLabel('Left (% of the picture)')).toHaveValue('5');
  }
  await page.getByLabel('Span').selectOption({ label: 'Last 5 minutes' });
  await press(page.getByRole('button', { name: 'Search', exact: true }));
  await expect(page.getByRole('heading', { name: /\d+ moments? with movement/ })).toBeVisible({ timeout: 90_000 });
  // the scan runs as a job: its progress reaches every recorded segment (decoded, or skipped as still), and Cancel goes
  await expect(page.getByTestId('motion-progress')).toContainText(/\b(\d+) of \1 segments scanned/, { timeout: 90_000 });
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(page.getByTestId('motion-moment').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/${size}-motion-search-found.png`, fullPage: true });

  // two cameras in sync, chosen on the timeline from one moment both recorded
  const from = (await recordedRun(walker.id, 30_000)) + 2000;
  await page.goto(`${serve.url}/#/timeline?t=${from}&camera=${walker.id}`);
  const together = page.getByRole('group', { name: /Play together/ });
  await press(together.getByLabel(walker.name, { exact: true }));
  await press(together.getByLabel(pattern.name, { exact: true }));
  await expect(page).toHaveURL(/together=/);
  const player = page.getByTestId('synced-player');
  await expect(page.getByTestId('synced-tile')).toHaveCount(2);
  const clock = async () => Number(await player.getAttribute('data-clock'));
  await expect.poll(clock, { timeout: 30_000 }).toBeGreaterThan(from + 2000);
  await expect(page.getByTestId('synced-tile').and(page.locator('[data-state="playing"]'))).toHaveCount(2, { timeout: 30_000 });
  await press(player.getByRole('button', { name: 'Pause all' }));
  await expect(player).toHaveAttribute('data-playing', 'false');
  await page.screenshot({ path: `${SHOTS}/${size}-timeline-together.png`, fullPage: true });

  // a webhook, set up in Settings with its generated secret, gets a signed test on loopback
  const before = received.length;
  await page.goto(`${serve.url}/#/settings`);
  await press(page.getByRole('button', { name: 'Add a webhook' }));
  const form = page.getByRole('form', { name: 'Webhook' });
  await form.getByLabel('Name').fill(`Receiver for the ${size}`);
  await form.getByLabel(/^Address/).fill(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
  const secret = await form.getByLabel(/^Signing secret/).inputValue();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  await press(form.getByRole('button', { name: 'Save' }));
  const row = page.getByTestId('sink-row').filter({ hasText: `Receiver for the ${size}` });
  await press(row.getByRole('button', { name: 'Send a test' }));
  await expect(row.getByTestId('sink-test-result')).toContainText('delivered');
  expect(received).toHaveLength(before + 1);
  expect(received.at(-1)!.headers[SIGNATURE_HEADER]).toBe(signBody(secret, received.at(-1)!.body));

  // an export: a minute chosen on the timeline, made there, then listed on Exports and verified
  // (a minute both of whose ends were recorded: the playhead 35 s into 75 s of unbroken recording)
  const middle = (await recordedRun(walker.id, 75_000)) + 35_000;
  await page.goto(`${serve.url}/#/timeline?t=${middle}&camera=${walker.id}`);
  await expect(page.getByText(`${walker.name} · `)).toBeVisible();
  await press(page.getByRole('button', { name: 'Select 1 minute here' }));
  const panel = page.getByLabel('Export', { exact: true });
  await press(panel.getByRole('button', { name: 'Export clip' }));
  await expect(panel.getByTestId('export-download')).toBeVisible({ timeout: 90_000 });
  await page.goto(`${serve.url}/#/exports`);
  const exportRow = page.locator('[data-testid="export-row"][data-status="done"]').first();
  await expect(exportRow).toBeVisible();
  await press(exportRow.getByRole('button', { name: 'Verify' }));
  await expect(exportRow.getByTestId('export-verified')).toContainText("verified: signed by this recorder's key");
  const href = await exportRow.getByRole('link', { name: 'Download' }).getAttribute('href');
  const download = await fetch(new URL(href ?? '', `${serve.url}/`), { headers: { cookie: s.cookie } });
  expect(download.status).toBe(200);
  expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(1000);
}

test.describe('at a desk', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('count rises, five triaged by keyboard, count falls, filters in the URL, motion search, sync, webhook, export', async ({ page }) => {
    test.setTimeout(480_000);
    const refused = watchRefusals(page);
    await desk.signIn(page);
    await page.goto(`${serve.url}/#/review`);
    const badge = page.getByTestId('unreviewed-count');
    const before = await unreviewed(desk);
    expect(before).toBeGreaterThan(5);
    await expect(badge).toHaveText(String(before));
    await expect(page).toHaveTitle(`(${before}) Porchlight`);

    // a real camera with people walking: its first item arrives while the page is open, and the badge follows
    const plaza = await desk.api<Camera>('cameras.upsert', { name: 'Plaza', streams: [{ name: 'main', url: camera.url('vtest'), roles: ['record', 'detect', 'live'] }] });
    await expect.poll(async () => Number(await badge.textContent()), { timeout: 90_000 }).toBeGreaterThan(before);
    await expect(page.getByTestId('review-item').filter({ hasText: 'Plaza' }).first()).toBeVisible();

    // five seeded items triaged by keyboard: space marks reviewed, e keeps, f is a false alarm
    const seeded = (await desk.api<Camera[]>('cameras.list', {})).filter((c) => c.name.startsWith('Camera ')).map((c) => c.id);
    const seededLeft = () => desk.api<{ items: unknown[] }>('review.list', { cameras: seeded, reviewed: false, limit: 500 }).then((r) => r.items.length);
    const left = await seededLeft();
    await page.getByTestId('review-item').filter({ hasNotText: 'Plaza' }).first().focus();
    for (const key of [' ', ' ', 'e', 'f', ' ']) await page.keyboard.press(key);
    await expect.poll(seededLeft, { timeout: 15_000 }).toBe(left - 5);
    await expect.poll(async () => (await badge.textContent()) === String(await unreviewed(desk)), { timeout: 15_000 }).toBe(true);
    expect(Number(await badge.textContent())).toBeLessThan(before + 2);
    await expect(page).toHaveTitle(`(${await unreviewed(desk)}) Porchlight`);
    // the other admin's count is their own: nothing was reviewed for them
    const phone = await signInAs(serve, PHONE.username, PHONE.password);
    expect(await unreviewed(phone)).toBeGreaterThan(await unreviewed(desk));

    // filters combine and live in the URL: detections on Plaza, still there after a reload
    const filters = page.getByRole('group', { name: 'Filters' });
    await filters.getByLabel('Detections').check();
    await filters.getByLabel('Plaza').check();
    await expect(page).toHaveURL(/kinds=detection/);
    await expect(page).toHaveURL(/cameras=/);
    await page.reload();
    await expect(filters.getByLabel('Detections')).toBeChecked();
    await expect(filters.getByLabel('Plaza')).toBeChecked();
    await expect(page.getByTestId('review-item').first()).toContainText('Plaza');
    expect(await page.getByTestId('review-item').filter({ hasNotText: 'Plaza' }).count()).toBe(0);

    await restOfTheJourney(page, desk, plaza, false, 'desk');

    const event = (await desk.api<{ items: Array<{ id: string }> }>('events.query', { cameras: [plaza.id], limit: 1 })).items[0]!;
    for (const theme of ['light', 'dark'] as const) {
      await chooseTheme(page, theme, false);
      await everyScreen(page, 'desk', theme, event.id);
    }
    if (refused.length) console.log(serve.output().split('\n').filter((l) => l.includes('"level":40') || l.includes('"level":50')).slice(-30).join('\n'));
    expect(refused).toEqual([]);
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the same journey by touch at 390 × 844, with the menu folded and every control in reach', async ({ page }) => {
    test.setTimeout(480_000);
    // the sign-in page follows the system's theme before anyone chooses one
    const refused = watchRefusals(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(serve.url);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await axe(page, 'phone, system dark, sign-in');
    await page.screenshot({ path: `${SHOTS}/phone-dark-sign-in.png`, fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await axe(page, 'phone, system light, sign-in');
    await page.screenshot({ path: `${SHOTS}/phone-light-sign-in.png`, fullPage: true });
    await page.getByLabel('User name').fill(PHONE.username);
    await page.getByLabel('Password').fill(PHONE.password);
    await page.getByRole('button', { name: 'Sign in' }).tap();
    const phone = await signInAs(serve, PHONE.username, PHONE.password);

    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = nav.getByRole('button', { name: 'Menu' });
    await menu.tap();
    await nav.getByRole('link', { name: 'Review' }).tap();
    await expect(page.getByRole('heading', { level: 1, name: 'Review' })).toBeVisible();
    const before = await unreviewed(phone);
    await expect(page).toHaveTitle(`(${before}) Porchlight`);

    // another camera with people: the count rises on the phone too
    const walkway = await desk.api<Camera>('cameras.upsert', { name: 'Walkway', streams: [{ name: 'main', url: camera.url('vtest'), roles: ['record', 'detect', 'live'] }] });
    await expect.poll(() => unreviewed(phone), { timeout: 90_000 }).toBeGreaterThan(before);
    await expect(page).not.toHaveTitle(`(${before}) Porchlight`, { timeout: 30_000 });
    await expect(page.getByTestId('review-item').filter({ hasText: 'Walkway' }).first()).toBeVisible({ timeout: 30_000 });

    // five seeded items triaged with the buttons on each card, by touch
    const seeded = (await phone.api<Camera[]>('cameras.list', {})).filter((c) => c.name.startsWith('Camera ')).map((c) => c.id);
    const seededLeft = () => phone.api<{ items: unknown[] }>('review.list', { cameras: seeded, reviewed: false, limit: 500 }).then((r) => r.items.length);
    const left = await seededLeft();
    // the first seeded card still to review, by the buttons beside it (found through the card: its name says how long
    // ago, which moves on, and seeded items may read alike)
    const card = page.getByTestId('review-item').filter({ hasText: /Camera \d/ }).and(page.locator('[data-reviewed="false"]')).first();
    const actions = card.locator('xpath=..').getByRole('group');
    for (const [i, action] of (['Reviewed', 'Reviewed', 'Keep', 'False alarm', 'Reviewed'] as const).entries()) {
      await expect(actions).toHaveAccessibleName(/^Triage (Alert|Detection|Motion): .+ on Camera \d, /);
      await actions.getByRole('button', { name: action, exact: true }).tap();
      await expect.poll(seededLeft, { timeout: 15_000 }).toBe(left - i - 1);
    }
    await expect.poll(seededLeft, { timeout: 15_000 }).toBe(left - 5);
    const after = await unreviewed(phone);
    await expect(page).toHaveTitle(`(${after}) Porchlight`);
    await menu.tap();
    await expect(nav.getByTestId('unreviewed-count')).toHaveText(String(after));
    await menu.tap();

    // filters in the URL on the phone too
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Walkway').tap();
    await expect(page).toHaveURL(/cameras=/);
    await page.reload();
    await expect(page.getByRole('group', { name: 'Filters' }).getByLabel('Walkway')).toBeChecked();
    await expect(page.getByTestId('review-item').first()).toContainText('Walkway');
    await fitsTheWidth(page);

    await restOfTheJourney(page, phone, walkway, true, 'phone');

    const event = (await phone.api<{ items: Array<{ id: string }> }>('events.query', { cameras: [walkway.id], limit: 1 })).items[0]!;
    for (const theme of ['light', 'dark'] as const) {
      await chooseTheme(page, theme, true);
      await everyScreen(page, 'phone', theme, event.id);
      await fitsTheWidth(page);
    }
    if (refused.length) console.log(serve.output().split('\n').filter((l) => l.includes('"level":40') || l.includes('"level":50')).slice(-30).join('\n'));
    expect(refused).toEqual([]);
  });
});

async function fitsTheWidth(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

test('at rest: after the journey, no file under the data directory parses as media and the database needs its key', async () => {
  test.setTimeout(180_000);
  await serve.stop();
  const files = walkFiles(dataDir);
  expect(files.length).toBeGreaterThan(40);
  // recordings, snapshots, thumbnails and exports: ffprobe opens none of them (each is stored under its sealed name,
  // `.vault`, so no reader is picked by a media extension either)
  expect(files.filter((f) => /\.(mp4|jpg|jpeg)$/.test(f))).toEqual([]);
  expect(await readableAtRest(dataDir)).toEqual([]);
  // the same check finds a plain picture: it is not blind
  const plainJpeg = join(dataDir, 'plain-check.jpg');
  writeFileSync(plainJpeg, await sharp({ create: { width: 64, height: 32, channels: 3, background: '#808080' } }).jpeg().toBuffer());
  expect(await probeAtRest(plainJpeg)).toMatchObject({ streams: ['video'], decodes: true });
  // the database is SQLCipher: plain SQLite cannot read it
  const plain = new BetterSqlite3(join(dataDir, 'porchlight.db'), { readonly: true, fileMustExist: true });
  try {
    expect(() => plain.prepare('SELECT count(*) FROM events').get()).toThrow(/not a database|encrypted/);
  } finally {
    plain.close();
  }
});
