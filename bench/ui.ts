// `npx tsx bench/ui.ts`: the web UI in Debian's chromium (playwright-core) against the real server
// on a fresh test database with 250 subjects, 20 of them water-restricted: the first-load transfer
// (bytes over the wire, and the gzip size of the built files), the render time of the subject list
// at 250 rows per page and of the dashboard (medians). Prints the figures and writes bench/ui.md.
//
//   npm run build:web && npx tsx bench/ui.ts [-- --runs 5]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { buildServer, WEB_DIST } from '../src/server.ts';
import { hashPassword, tokenFor } from '../src/rest/auth.ts';
import { ensureWebBuilt } from '../src/cli/web-build.ts';
import { users } from '../src/apps/misc/tables.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const RUNS = Math.min(20, Math.max(3, Number(argv[argv.indexOf('--runs') + 1]) || 5));
const N_SUBJECTS = 250;
const N_RESTRICTED = 20;
const PASSWORD = 'bench password';
const TARGET_KB = 400;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);

/** gzip size of the files index.html loads at once (the lazily loaded chunks are not counted). */
function builtFirstLoad(): { files: Array<{ name: string; raw: number; gzip: number }>; raw: number; gzip: number } {
  const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const names = [...html.matchAll(/(?:src|href)="\/admin\/([^"]+)"/g)].map((m) => m[1]);
  const files = ['index.html', ...names].map((name) => {
    const body = fs.readFileSync(path.join(WEB_DIST, name));
    return { name, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
  return { files, raw: files.reduce((s, f) => s + f.raw, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

async function main() {
  await ensureWebBuilt();
  const dataDir = path.join(os.tmpdir(), `alyx-bench-ui-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const config = { ...loadConfig({ ALYX_DATA_DIR: dataDir, ALYX_LAB: 'benchlab', ALYX_TIME_ZONE: 'Europe/London' } as NodeJS.ProcessEnv), databaseUrl: null, throttleBurstPerMinute: 0, schedulerIntervalSeconds: 0 };
  const services = await openServices(config);
  await seedAll(services);
  const [admin] = await services.db
    .insert(users)
    .values({ username: 'test_admin', password: await hashPassword(PASSWORD), is_superuser: true, is_staff: true })
    .returning({ id: users.id });
  const token = await tokenFor(services, admin.id);
  const server = await buildServer(services, { serveWeb: true });
  const t = {
    post: async (url: string, payload: unknown) => {
      const r = await server.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Token ${token}` } });
      return { status: r.statusCode, body: r.json() };
    },
  };
  const lab = await t.post('/labs', { name: 'ui_bench_lab', reference_weight_pct: 0.8 });
  if (lab.status !== 201) throw new Error(`lab: ${JSON.stringify(lab.body)}`);
  for (let i = 0; i < N_SUBJECTS; i++) {
    const nickname = `BN${String(i).padStart(4, '0')}`;
    const r = await t.post('/subjects', { nickname, lab: 'ui_bench_lab', sex: i % 2 ? 'F' : 'M', birth_date: '2024-01-10', responsible_user: 'test_admin' });
    if (r.status !== 201) throw new Error(`subject ${nickname}: ${JSON.stringify(r.body)}`);
    if (i < N_RESTRICTED) {
      await t.post('/weighings', { subject: nickname, weight: 25, date_time: `${day(8)}T08:00:00` });
      await t.post('/water-restrictions', { subject: nickname, start_time: `${day(7)}T09:00:00` });
      await t.post('/weighings', { subject: nickname, weight: 19 + (i % 5), date_time: `${day(0)}T07:00:00` });
    }
  }
  await server.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    // first load: every response of the login page, as transferred (the body as encoded on the wire)
    let wire = 0;
    const encodings = new Set<string>();
    page.on('response', async (res) => {
      const sizes = await res.request().sizes().catch(() => null);
      if (sizes) wire += sizes.responseBodySize + sizes.responseHeadersSize;
      const enc = res.headers()['content-encoding'];
      if (enc) encodings.add(enc);
    });
    await page.goto(`${base}/admin/`, { waitUntil: 'networkidle' });
    const firstLoadWire = wire;
    const built = builtFirstLoad();

    await page.locator('input[name="username"]').fill('test_admin');
    await page.locator('input[name="password"]').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.getByTestId('dashboard').waitFor();

    const timeTo = async (hash: string, ready: () => Promise<unknown>) => {
      await page.evaluate(() => (window.location.hash = '#/water-control'));
      await page.getByText('Water-restricted subjects').first().waitFor();
      const start = Date.now();
      await page.evaluate((h) => (window.location.hash = h), hash);
      await ready();
      return Date.now() - start;
    };
    const list: number[] = [];
    const dash: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      list.push(
        await timeTo('#/subjects?perPage=250&page=1', () =>
          page.waitForFunction((n) => document.querySelectorAll('.RaDatagrid-tbody tr, tbody.RaDatagrid-tbody > tr').length >= n, N_SUBJECTS),
        ),
      );
      dash.push(
        await timeTo('#/', () =>
          page.waitForFunction((n) => document.querySelectorAll('[data-testid="dashboard-restricted"] tbody tr').length >= n, N_RESTRICTED),
        ),
      );
    }
    const rows = [
      ['first load, over the wire (login page, all responses)', `${(firstLoadWire / 1024).toFixed(0)} kB${encodings.size ? ` (${[...encodings].join(', ')})` : ' (no compression by the server)'}`],
      ['first load, gzip size of the built files', `${(built.gzip / 1024).toFixed(0)} kB (${(built.raw / 1024).toFixed(0)} kB raw); target < ${TARGET_KB} kB: ${built.gzip / 1024 < TARGET_KB ? 'met' : 'not met'}`],
      ...built.files.map((f) => [`  ${f.name}`, `${(f.gzip / 1024).toFixed(1)} kB gzip, ${(f.raw / 1024).toFixed(1)} kB raw`]),
      [`subject list, ${N_SUBJECTS} rows per page (median of ${RUNS})`, `${median(list)} ms`],
      [`dashboard with ${N_RESTRICTED} restricted subjects (median of ${RUNS})`, `${median(dash)} ms`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(60)} ${v}`);
    const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
    const md = [
      '# Web UI benchmark',
      '',
      `Measured by \`npx tsx bench/ui.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Debian's chromium headless, embedded database (PGlite), server on loopback. Render times run from the route change to the rows being in the page (data fetched and rendered). Load average at the end: ${load}.`,
      '',
      '| measure | value |',
      '|---|---|',
      ...rows.map(([k, v]) => `| ${k.trim()} | ${v} |`),
      '',
    ].join('\n');
    fs.writeFileSync(path.join(here, 'ui.md'), md);
    console.log(`bench: wrote ${path.join(here, 'ui.md')}`);
  } finally {
    await browser.close();
    await server.close();
    await services.handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
