// The lab's daily flows in the web UI (issue 10), in Debian's chromium through playwright-core
// against the real server on a fresh test database: a technician (staff, not superuser) logs in,
// finds a subject, sorts and filters lists, records weighings and water, reads the dashboard,
// pages through a session's datasets and edits a session without losing its parent; a non-staff
// user is refused at login. Screenshots of every main screen go to .alyx-test/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveWithUi } from './browser.ts';
import type { FastifyInstance } from 'fastify';
import { WEB_DIST } from '../../src/server.ts';
import { hashPassword } from '../../src/rest/auth.ts';
import { ensureWebBuilt } from '../../src/cli/web-build.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

const PASSWORD = 'correct horse battery';
const SHOTS = path.resolve('.alyx-test', 'screenshots');

let t: TestApp;
let server: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
let childSession: string;
let parentSession: string;
const pageErrors: string[] = [];
const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
const shot = (p: Page, name: string, fullPage = false) => p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
// A click on a column header can land while the list re-renders from the search box's debounced
// filter and be lost (seen once in CI); click again until the address shows the wanted order.
async function sortBy(p: Page, header: ReturnType<Page['locator']>, order: 'ASC' | 'DESC') {
  const sorted = () => p.evaluate((o) => location.hash.includes('sort=nickname') && location.hash.includes(`order=${o}`), order);
  for (let attempt = 0; attempt < 4 && !(await sorted()); attempt++) {
    await header.click();
    await p.waitForFunction((o) => location.hash.includes('sort=nickname') && location.hash.includes(`order=${o}`), order, { timeout: 5_000 }).catch(() => undefined);
  }
  expect(await sorted()).toBe(true);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await ensureWebBuilt();
  expect(fs.existsSync(path.join(WEB_DIST, 'index.html'))).toBe(true);
  t = await startTestApp();
  const password = await hashPassword(PASSWORD);
  await t.createUser('tech', { password, is_staff: true });
  await t.createUser('student', { password, is_staff: false });
  await t.createUser('boss', { password, is_staff: true, is_superuser: true });

  expect((await t.post('/labs', { name: 'daylab', reference_weight_pct: 0.8 })).status).toBe(201);
  for (const [nickname, sex] of [
    ['KS023', 'F'],
    ['KS024', 'M'],
    ['AB001', 'F'],
  ] as const) {
    expect((await t.post('/subjects', { nickname, lab: 'daylab', sex, birth_date: '2024-01-10', responsible_user: 'test_admin' })).status).toBe(201);
  }
  // KS023: restricted for six days, 25 g at the start, 18 g today: 72 % of its reference, below the 80 % threshold
  expect((await t.post('/weighings', { subject: 'KS023', weight: 25, date_time: `${day(7)}T08:00:00` })).status).toBe(201);
  expect((await t.post('/water-restrictions', { subject: 'KS023', start_time: `${day(6)}T09:00:00` })).status).toBe(201);
  expect((await t.post('/weighings', { subject: 'KS023', weight: 18, date_time: `${day(0)}T07:00:00` })).status).toBe(201);
  // sessions: one per subject on different days, and a child of KS023's session with 33 datasets
  const s1 = await t.post('/sessions', { subject: 'KS023', start_time: `${day(20)}T10:00:00`, number: 1, lab: 'daylab', task_protocol: 'habituation' });
  const s2 = await t.post('/sessions', { subject: 'KS024', start_time: `${day(2)}T10:00:00`, number: 1, lab: 'daylab', task_protocol: 'training' });
  const s3 = await t.post('/sessions', {
    subject: 'KS023',
    start_time: `${day(1)}T10:00:00`,
    number: 2,
    lab: 'daylab',
    task_protocol: 'training',
    parent_session: s1.body.url,
  });
  for (const s of [s1, s2, s3]) expect(s.status).toBe(201);
  parentSession = s1.body.id;
  childSession = s3.body.id;
  for (let i = 0; i < 33; i++) {
    const d = await t.post('/datasets', {
      name: '_ibl_trials.probabilityLeft.npy',
      dataset_type: 'trials.probabilityLeft',
      session: s3.body.url,
      collection: `alf/task_${String(i).padStart(2, '0')}`,
      file_size: 1000 + i,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
  }

  ({ server, base } = await serveWithUi(t.services));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20_000);
}, 120_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail' && page) {
    await shot(page, `failed-${context.task.name.replace(/\W+/g, '-').slice(0, 40)}`, true).catch(() => undefined);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

async function login(p: Page, username: string) {
  await p.goto(`${base}/admin/`);
  await p.locator('input[name="username"]').fill(username);
  await p.locator('input[name="password"]').fill(PASSWORD);
  await p.locator('button[type="submit"]').click();
}

/** No horizontal scrollbar: the page fits its window. */
const fitsWidth = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe('daily flows in chromium', () => {
  it('refuses a non-staff user at login with the reason', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const p = await context.newPage();
      p.setDefaultTimeout(20_000);
      await login(p, 'student');
      await p.getByText(/staff/i).first().waitFor();
      await shot(p, 'login-refused');
      expect(await p.locator('input[name="username"]').count()).toBe(1);
      // logged out again: the cookie no longer opens the API
      expect(await p.evaluate(async () => (await fetch('/auth/me')).status)).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('logs a technician in to the dashboard, which flags the subject below threshold', async () => {
    await login(page, 'tech');
    await page.getByTestId('dashboard').waitFor();
    const row = page.getByTestId('dashboard-restricted').locator('tr', { hasText: 'KS023' });
    await row.waitFor();
    expect(await row.getAttribute('data-flags')).toContain('below_threshold');
    expect(await row.innerText()).toMatch(/72\.0 %/);
    expect(await page.getByTestId('dashboard-restricted').locator('tr', { hasText: 'KS024' }).count()).toBe(0);
    // the menu: one entry per model, grouped
    await expect(page.getByRole('menuitem', { name: 'Subjects', exact: true }).count()).resolves.toBe(1);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, 'dashboard', true);
  });

  it('finds a subject by search and sorts the list', async () => {
    await page.goto(`${base}/admin/#/subjects`);
    await page.locator('tr', { hasText: 'KS024' }).waitFor();
    await page.locator('input[name="q"]').fill('ks02');
    await page.waitForFunction(() => !document.body.innerText.includes('AB001'));
    expect(await page.locator('tbody tr', { hasText: 'KS02' }).count()).toBe(2);
    await page.locator('input[name="q"]').fill('');
    await page.locator('tr', { hasText: 'AB001' }).waitFor();
    await page.waitForFunction(() => !decodeURIComponent(location.hash).includes('ks02'));
    // sort by nickname: ascending, then descending (the list asks the server with ?ordering=)
    const header = page.locator('thead').getByText('Nickname', { exact: true });
    const first = () => page.locator('tbody tr').first().innerText();
    await sortBy(page, header, 'ASC');
    await expect.poll(first, { timeout: 15_000 }).toContain('AB001');
    await sortBy(page, header, 'DESC');
    await expect.poll(first, { timeout: 15_000 }).toContain('KS024');
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, 'subjects-list');
  });

  it('filters sessions by subject and date', async () => {
    await page.goto(`${base}/admin/#/sessions`);
    await page.getByTestId('filter-sidebar').waitFor();
    await page.locator('tbody tr').nth(2).waitFor();
    const sidebar = page.getByTestId('filter-sidebar');
    // the subject through the search box (it searches the subject's nickname), the date in the sidebar
    await page.locator('input[name="q"]').fill('KS023');
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await sidebar.getByLabel('Date from').fill(day(5));
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('tbody tr').first().innerText()).toContain(day(1));
    await shot(page, 'sessions-filtered');
  });

  it('records a weighing and water from the subject page', async () => {
    await page.goto(`${base}/admin/#/subjects/KS023/show`);
    await page.getByTestId('weight-curve').waitFor();
    await page.getByRole('button', { name: 'Weigh KS023' }).click();
    await page.locator('input[name="weight"]').fill('18.4');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Weighing recorded for KS023').waitFor();
    await page.getByRole('button', { name: 'Give water to KS023' }).click();
    await page.locator('input[name="water_administered"]').fill('0.6');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Water recorded for KS023').waitFor();
    const weighings = await t.get('/weighings?subject=KS023&limit=20');
    expect(weighings.body.results.map((w: { weight: number }) => w.weight)).toContain(18.4);
    const water = await t.get('/water-administrations?subject=KS023&limit=20');
    expect(water.body.results.map((w: { water_administered: number; user: string }) => [w.water_administered, w.user])).toContainEqual([0.6, 'tech']);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, 'subject-page', true);
  });

  it('adds a weighing from the subject page inline and comes back to the subject', async () => {
    await page.goto(`${base}/admin/#/subjects/KS023/show`);
    const inline = page.getByTestId('inline-weighings');
    await inline.getByRole('link', { name: /Add weighing/i }).click();
    await page.waitForURL(/#\/weighings\/create/);
    // the subject is filled in from the page the user came from
    await page.locator('input[value="KS023"]').waitFor();
    await page.locator('input[name="weight"]').fill('18.9');
    await shot(page, 'weighing-create');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/#\/subjects\/KS023\/show$/);
    await page.getByText('Weighing recorded for KS023').waitFor();
    const weighings = await t.get('/weighings?subject=KS023&limit=20');
    expect(weighings.body.results.map((w: { weight: number }) => w.weight)).toContain(18.9);
  });

  it('records water from a water-control row', async () => {
    await page.goto(`${base}/admin/#/water-control`);
    const row = page.getByTestId('water-control').locator('tr', { hasText: 'KS023' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Water' }).click();
    await page.locator('input[name="water_administered"]').fill('0.35');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Water recorded for KS023').waitFor();
    const water = await t.get('/water-administrations?subject=KS023&limit=20');
    expect(water.body.results.map((w: { water_administered: number }) => w.water_administered)).toContain(0.35);
    await shot(page, 'water-control');
  });

  it('opens a session and pages through its 33 datasets', async () => {
    await page.goto(`${base}/admin/#/sessions/${childSession}/show`);
    const inline = page.getByTestId('inline-datasets');
    await inline.locator('tbody tr').first().waitFor();
    expect(await inline.locator('tbody tr').count()).toBe(25);
    await inline.getByText(/1-25 of 33/).waitFor();
    await inline.getByRole('button', { name: /next page/i }).click();
    await inline.getByText(/26-33 of 33/).waitFor();
    // the range label can show before the rows of the new page have replaced the old ones
    await expect.poll(() => inline.locator('tbody tr').count()).toBe(8);
    // the page fits a 1400 px window: Delete is visible
    expect(await fitsWidth(page)).toBe(true);
    const del = page.getByRole('button', { name: 'Delete' });
    const box = await del.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(1400);
    await shot(page, 'session-page', true);
  });

  it('edits a session without losing its parent', async () => {
    await page.goto(`${base}/admin/#/sessions/${childSession}`);
    const parent = page.getByLabel('Parent session');
    await expect.poll(() => parent.inputValue(), { timeout: 15_000 }).not.toBe('');
    await page.locator('textarea[name="narrative"]').fill('wheel glitch at 10:05');
    await shot(page, 'session-edit', true);
    await page.getByRole('button', { name: 'Save' }).first().click();
    await page.waitForURL(/#\/sessions\/[0-9a-f-]{36}\/show$/);
    const api = await t.get(`/sessions/${childSession}`);
    expect(api.body.narrative).toBe('wheel glitch at 10:05');
    expect(String(api.body.parent_session)).toContain(parentSession);
    // the record page's history names the change, who made it and through the web UI
    const history = page.getByTestId('history-panel');
    await history.getByText('narrative: — → wheel glitch at 10:05').or(history.getByText(/narrative: .* → wheel glitch at 10:05/)).first().waitFor();
    await expect.poll(() => history.innerText()).toMatch(/tech \(web\)\s+changed/);
    await shot(page, 'session-history', true);
  });

  it('shows the file ingest page (what the scanner could not register, and a scan button)', async () => {
    await page.goto(`${base}/admin/#/file-ingest`);
    const card = page.getByTestId('file-ingest');
    await card.getByText('Nothing to fix: every file found was registered.').waitFor();
    await card.getByText('No repository has a directory in the configuration').waitFor();
    expect(await card.getByRole('button', { name: 'Scan now' }).isDisabled()).toBe(true);
    await shot(page, 'file-ingest');
  });

  it('deletes a subject with records only after the user confirms what goes with it', async () => {
    expect((await t.post('/subjects', { nickname: 'GONE01', lab: 'daylab', sex: 'M', birth_date: '2024-01-10' })).status).toBe(201);
    expect((await t.post('/weighings', { subject: 'GONE01', weight: 22, date_time: `${day(1)}T08:00:00` })).status).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const p = await context.newPage();
      p.setDefaultTimeout(20_000);
      await login(p, 'boss');
      await p.getByTestId('dashboard').waitFor();
      const questions: string[] = [];
      let answer = false;
      p.on('dialog', (d) => {
        questions.push(d.message());
        void (answer ? d.accept() : d.dismiss());
      });
      await p.goto(`${base}/admin/#/subjects/GONE01/show`);
      const del = p.getByRole('button', { name: 'Delete' }).first();
      // declined: nothing is deleted (react-admin's own confirmation first, then what would go with it)
      await del.click();
      await p.getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(() => questions.length).toBe(1);
      expect(questions[0]).toMatch(/would also delete .*1 weighing/i);
      expect((await t.get('/subjects/GONE01')).status).toBe(200);
      // confirmed: the subject and its weighing go
      answer = true;
      await p.goto(`${base}/admin/#/subjects/GONE01/show`);
      await p.getByRole('button', { name: 'Delete' }).first().click();
      await p.getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(async () => (await t.get('/subjects/GONE01')).status, { timeout: 15_000 }).toBe(404);
      expect((await t.get('/weighings?nickname=GONE01')).body.count).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('is usable on a 1024×768 touch screen (water control and subject page)', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false });
    try {
      const p = await context.newPage();
      p.setDefaultTimeout(20_000);
      await login(p, 'tech');
      await p.getByTestId('dashboard').waitFor();
      await p.goto(`${base}/admin/#/water-control`);
      const row = p.getByTestId('water-control').locator('tr', { hasText: 'KS023' });
      await row.waitFor();
      const weigh = row.getByRole('button', { name: 'Weigh' });
      const box = await weigh.boundingBox();
      // a touch target: at least 36 px high, inside the screen
      expect(box!.height).toBeGreaterThanOrEqual(36);
      expect(box!.x + box!.width).toBeLessThanOrEqual(1024);
      expect(await fitsWidth(p)).toBe(true);
      await shot(p, 'tablet-water-control');
      await p.goto(`${base}/admin/#/subjects/KS023/show`);
      await p.getByTestId('weight-curve').waitFor();
      expect(await fitsWidth(p)).toBe(true);
      await shot(p, 'tablet-subject', true);
    } finally {
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
