// The web UI in a real browser: Debian's chromium driven by playwright-core against the real
// server (listening on a free port, serving dist/web at /admin/) on a fresh test database.
// Chromium must start: this test fails (never skips) when it cannot.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveWithUi } from './browser.ts';
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { WEB_DIST } from '../../src/server.ts';
import { hashPassword } from '../../src/rest/auth.ts';
import { ensureWebBuilt } from '../../src/cli/web-build.ts';
import { users } from '../../src/apps/misc/tables.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

const PASSWORD = 'correct horse battery';
const SCREENSHOT_DIR = path.resolve('.alyx-test', 'screenshots');

let t: TestApp;
let server: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  // builds dist/web when it is missing or older than web/ (what `alyx serve` does)
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await ensureWebBuilt();
  expect(fs.existsSync(path.join(WEB_DIST, 'index.html'))).toBe(true);
  t = await startTestApp();
  await t.services.db.update(users).set({ password: await hashPassword(PASSWORD) }).where(eq(users.id, t.adminId));

  // a subject with a few weighings for the subject page
  // a reference-weight lab: expected weight = 100% and minimum weight = 80% of the reference weight
  expect((await t.post('/labs', { name: 'weblab', reference_weight_pct: 0.8 })).status).toBe(201);
  const subject = await t.post('/subjects', { nickname: 'WEB_001', lab: 'weblab', sex: 'F', birth_date: '2024-01-10', responsible_user: 'test_admin' });
  expect(subject.status).toBe(201);
  // weighings over the last nine days, under a water restriction that started eight days ago
  const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
  for (const [ago, weight] of [
    [9, 21.5],
    [6, 20.8],
    [3, 20.1],
    [0, 20.6],
  ] as const) {
    const w = await t.post('/weighings', { subject: 'WEB_001', weight, date_time: `${day(ago)}T08:00:00` });
    expect(w.status).toBe(201);
  }
  const restriction = await t.post('/water-restrictions', { subject: 'WEB_001', start_time: `${day(8)}T09:00:00` });
  expect(restriction.status).toBe(201);
  expect(restriction.body.reference_weight).toBe(21.5);
  const session = await t.post('/sessions', { subject: 'WEB_001', start_time: `${day(3)}T10:00:00`, number: 1, lab: 'weblab', task_protocol: 'webtask' });
  expect(session.status).toBe(201);
  const dataset = await t.post('/datasets', {
    name: '_ibl_trials.probabilityLeft.npy',
    dataset_type: 'trials.probabilityLeft',
    session: session.body.url,
    collection: 'alf',
    file_size: 2_500_000,
  });
  expect(dataset.status).toBe(201);

  ({ server, base } = await serveWithUi(t.services));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20_000);
});

// a failing step leaves a screenshot of what the browser showed
afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    const name = context.task.name.replace(/\W+/g, '-').slice(0, 40);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `admin-failed-${name}.png`), fullPage: true }).catch(() => undefined);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

async function login(p: Page) {
  await p.goto(`${base}/admin/`);
  await p.locator('input[name="username"]').fill('test_admin');
  await p.locator('input[name="password"]').fill(PASSWORD);
  await p.locator('button[type="submit"]').click();
  await p.getByTestId('dashboard').waitFor();
}

describe('admin UI in chromium', () => {
  it('serves the built UI at /admin/ and redirects / there', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/admin/');
    const bare = await fetch(`${base}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/admin/');
    const html = await fetch(`${base}/admin/`);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root"></div>');
  });

  it('refuses a wrong password on the login page and stays logged out', async () => {
    await page.goto(`${base}/admin/`);
    await page.locator('input[name="username"]').fill('test_admin');
    await page.locator('input[name="password"]').fill('wrong');
    await page.locator('button[type="submit"]').click();
    await page.getByText('Unable to log in with provided credentials.').waitFor();
    const me = await page.evaluate(async () => (await fetch('/auth/me')).status);
    expect(me).toBe(403);
  });

  it('logs in with the session cookie', async () => {
    await login(page);
    const me = await page.evaluate(async () => (await fetch('/auth/me')).json());
    expect(me.username).toBe('test_admin');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'alyx_session');
    expect(session?.httpOnly).toBe(true);
    // the menu is generated from /api/ui-meta
    await expect(page.getByRole('menuitem', { name: 'Labs', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('menuitem', { name: 'Subjects', exact: true }).count()).resolves.toBe(1);
  });

  it('creates a lab through the generated form and lists it', async () => {
    await page.goto(`${base}/admin/#/labs/create`);
    await page.locator('input[name="name"]').fill('ui_lab');
    await page.locator('input[name="institution"]').fill('Web Institute');
    await page.getByRole('button', { name: 'Save' }).first().click();
    // redirected to the new lab's page
    await page.waitForURL(/#\/labs\/ui_lab\/show$/);
    await page.getByText('Web Institute', { exact: true }).waitFor(); // the history panel says "institution: Web Institute"
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(1);
    const api = await t.get('/labs/ui_lab');
    expect(api.status).toBe(200);
    expect(api.body.institution).toBe('Web Institute');

    await page.goto(`${base}/admin/#/labs`);
    const row = page.locator('tr', { hasText: 'ui_lab' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Web Institute');
    // (the buttons a public user must not get)
    expect(await page.getByRole('link', { name: 'Create' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-labs.png') });
  });

  it('edits the lab through the generated form (PATCH of the changed field)', async () => {
    await page.goto(`${base}/admin/#/labs/ui_lab`);
    const institution = page.locator('input[name="institution"]');
    await expect(institution.inputValue()).resolves.toBe('Web Institute');
    await institution.fill('Renamed Institute');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForURL(/#\/labs\/ui_lab\/show$/);
    await page.getByText('Renamed Institute', { exact: true }).waitFor(); // the history: "institution: Web Institute → Renamed Institute"
    const api = await t.get('/labs/ui_lab');
    expect(api.body.institution).toBe('Renamed Institute');
    expect(api.body.timezone).toBe('Europe/London');
  });

  it('shows a server validation error next to the field', async () => {
    await page.goto(`${base}/admin/#/labs/create`);
    await page.locator('input[name="name"]').fill('bad name!');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Lab name must only contain letters, numbers, and underscores.').waitFor();
    expect((await t.get('/labs?name=bad%20name!')).body.count).toBe(0);
  });

  it('searches the subject list', async () => {
    await page.goto(`${base}/admin/#/subjects`);
    await page.locator('tr', { hasText: 'WEB_001' }).waitFor();
    await page.locator('input[name="q"]').fill('zzz_nothing');
    await page.getByText('found using the current filters').waitFor();
    expect(await page.locator('tr', { hasText: 'WEB_001' }).count()).toBe(0);
    await page.locator('input[name="q"]').fill('web_0');
    await page.locator('tr', { hasText: 'WEB_001' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-subjects.png') });
  });

  it('opens the subject page with its weight curve', async () => {
    await page.goto(`${base}/admin/#/subjects/WEB_001/show`);
    await page.getByTestId('weight-curve').waitFor();
    // one dot per weighing on the weight line, and the expected/minimum curves of the restriction
    await page.locator('.recharts-line-dots circle').first().waitFor();
    expect(await page.locator('.recharts-line-dots circle').count()).toBe(4);
    expect(await page.locator('.recharts-line path.recharts-line-curve').count()).toBe(3);
    // relations are links: the lab leads to the lab's page
    await page.locator('a[href="#/labs/weblab/show"]').first().waitFor();
    // the daily water table, newest day first: today's weighing of 20.6 g
    const today = page.getByTestId('water-history').locator('tbody tr').first();
    await today.waitFor();
    expect(await today.innerText()).toContain('20.60');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-subject.png'), fullPage: true });
    // its edit form: relations are pickers holding the current values
    await page.goto(`${base}/admin/#/subjects/WEB_001`);
    await expect(page.locator('input[name="nickname"]').inputValue()).resolves.toBe('WEB_001');
    await page.locator('input[value="weblab"]').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-subject-edit.png'), fullPage: true });
  });

  it('records a weighing: subject picked by nickname, user and time pre-filled', async () => {
    await page.goto(`${base}/admin/#/weighings/create`);
    // the user defaults to the logged-in user, the time to now
    await page.locator('input[value="test_admin"]').waitFor();
    expect(await page.locator('input[name="date_time"]').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    const subject = page.getByLabel('Subject');
    await subject.fill('WEB');
    await page.getByRole('option', { name: 'WEB_001' }).click();
    await page.locator('input[name="weight"]').fill('19.75');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForURL(/#\/weighings\/[0-9a-f-]{36}\/show$/);
    // exact: the history panel at the foot of the page also says "weight: 19.75" once it has loaded
    await page.getByText('19.75', { exact: true }).waitFor();
    const list = await t.get('/weighings?subject=WEB_001&limit=10');
    expect(list.body.count).toBe(5);
    const created = list.body.results.find((w: { weight: number }) => w.weight === 19.75);
    expect(created).toMatchObject({ subject: 'WEB_001', user: 'test_admin' });
  });

  it('picks a relation named by a non-lookup column (water type) from its list', async () => {
    await page.goto(`${base}/admin/#/water-administrations/create`);
    await page.getByLabel('Water type').click();
    await page.getByRole('option', { name: 'Water 15% Sucrose' }).waitFor();
    await page.getByRole('option', { name: 'Water 15% Sucrose' }).click();
    await expect(page.getByLabel('Water type').inputValue()).resolves.toBe('Water 15% Sucrose');
  });

  it('browses subject → session in the data tree and shows the water-control page', async () => {
    await page.goto(`${base}/admin/#/data-tree`);
    await page.getByTestId('tree-subject').filter({ hasText: 'WEB_001' }).click();
    await page.getByTestId('tree-session').filter({ hasText: 'webtask' }).click();
    await page.getByText('alf/_ibl_trials.probabilityLeft.npy').waitFor();
    await page.getByText('trials.probabilityLeft · 2.5 MB').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-tree.png') });
    await page.goto(`${base}/admin/#/water-control`);
    const row = page.getByTestId('water-control').locator('tr', { hasText: 'WEB_001' });
    await row.waitFor();
    expect(await row.innerText()).toContain('21.5 g');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-water.png') });
  });

  it('renders the create form of every resource without a client error', async () => {
    // (lists of the empty tables show nothing worth checking; forms differ by field kinds)
    const meta = (await t.get('/api/ui-meta')).body as Array<{ path: string; actions: string[] }>;
    const crashed: string[] = [];
    await page.goto(`${base}/admin/#/`);
    await page.getByTestId('dashboard').waitFor();
    let forms = 0;
    for (const r of meta.filter((m) => m.actions.includes('create'))) {
      // in-app navigation (no reload): wait for the previous form to go before looking at the new one
      const previous = await page.$('.RaCreate-main, .RaError-container');
      await page.evaluate((h) => (window.location.hash = h), `#/${r.path}/create`);
      if (previous) await previous.waitForElementState('hidden');
      await page.locator('.RaCreate-main form, .RaError-container').first().waitFor();
      if (await page.locator('.RaError-container').count()) crashed.push(`${r.path}: ${await page.locator('.RaError-container').innerText()}`);
      else forms++;
    }
    expect(crashed).toEqual([]);
    expect(forms).toBeGreaterThan(40);
  }, 600_000);

  it('gives a public user read-only screens', async () => {
    // upstream's admin lets only staff in: a public account is staff and read-only
    await t.createUser('viewer', { password: await hashPassword(PASSWORD), is_public_user: true, is_staff: true });
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const p = await context.newPage();
      p.setDefaultTimeout(20_000);
      await p.goto(`${base}/admin/`);
      await p.locator('input[name="username"]').fill('viewer');
      await p.locator('input[name="password"]').fill(PASSWORD);
      await p.locator('button[type="submit"]').click();
      await p.getByTestId('dashboard').waitFor();
      await p.goto(`${base}/admin/#/labs`);
      await p.locator('tr', { hasText: 'ui_lab' }).waitFor();
      expect(await p.getByRole('link', { name: 'Create' }).count()).toBe(0);
      await p.goto(`${base}/admin/#/labs/ui_lab/show`);
      await p.getByText('Renamed Institute').waitFor();
      expect(await p.getByRole('link', { name: 'Edit' }).count()).toBe(0);
      expect(await p.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('logs out', async () => {
    await page.goto(`${base}/admin/#/`);
    await page.getByLabel('Profile').click();
    await page.getByText('Logout').click();
    await page.locator('input[name="username"]').waitFor();
    const me = await page.evaluate(async () => (await fetch('/auth/me')).status);
    expect(me).toBe(403);
    expect(pageErrors).toEqual([]);
  });
});
