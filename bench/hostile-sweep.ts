// `npm run bench:hostile`: sends thousands of hostile requests (bench/hostile-requests.ts) to every
// endpoint that /api/schema lists, as a logged-in user, and counts the 5xx answers (the goal is 0).
// By default against a fresh in-memory embedded database in this process (Fastify's inject, no
// network), with a few rows created first so that detail routes reach their handlers; or against a
// running server:
//
//   npm run bench:hostile [-- --seed 7] [-- --user]           (in process; --user: a non-superuser)
//   npm run bench:hostile -- --per-param 31 --body-values 27  (every value for every parameter and field)
//   npm run bench:hostile -- --url http://127.0.0.1:8000 --token <key>
//
// Prints the counts by status class and every 5xx (request, kind, answer); exits 1 when any.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { buildServer } from '../src/server.ts';
import { tokenFor } from '../src/rest/auth.ts';
import { users } from '../src/apps/misc/tables.ts';
import { hostileRequests, realLookups, sweep, type Sender } from './hostile-requests.ts';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

async function inProcess(): Promise<{ send: Sender; token: string; close: () => Promise<void> }> {
  const dataDir = path.join(os.tmpdir(), `alyx-hostile-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const base = loadConfig({ ALYX_DATA_DIR: dataDir, ALYX_LAB: 'hostilelab', ALYX_TIME_ZONE: 'Europe/London' } as NodeJS.ProcessEnv);
  const config = { ...base, databaseUrl: null, throttleBurstPerMinute: 0, schedulerIntervalSeconds: 0 };
  const services = await openServices(config, { inMemory: true });
  await seedAll(services);
  const [u] = await services.db
    .insert(users)
    .values({ username: 'hostile', password: '!', is_superuser: !argv.includes('--user'), is_staff: true })
    .returning({ id: users.id });
  const token = await tokenFor(services, u.id);
  const app = await buildServer(services, { serveWeb: false });
  await app.ready();
  const send: Sender = async (r) => {
    const res = await app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload });
    return { status: res.statusCode, body: res.body };
  };
  // a few rows, so that detail routes and nested writes have something to work on
  const auth = { authorization: `Token ${token}`, 'content-type': 'application/json' };
  const post = (url: string, body: unknown) => send({ method: 'POST', url, headers: auth, payload: JSON.stringify(body), kind: 'setup' });
  await post('/projects', { name: 'hostile_project' });
  await post('/subjects', { nickname: 'HS_1', lab: 'hostilelab', projects: ['hostile_project'] });
  const session = JSON.parse((await post('/sessions', { subject: 'HS_1', number: 1, start_time: '2024-01-01T10:00:00', lab: 'hostilelab' })).body);
  await post('/weighings', { subject: 'HS_1', weight: 20 });
  await post('/water-restrictions', { subject: 'HS_1', start_time: '2024-01-01T10:00:00' });
  await post('/insertions', { session: session.id, name: 'probe00' });
  await post('/datasets', { name: 'spikes.times.npy', dataset_type: 'spikes.times', session: session.id, collection: 'alf/probe00' });
  await post('/tasks', { name: 'hostile_task', session: session.id });
  await post('/notes', { user: 'hostile', text: 'a note', content_type: 'subjects.subject', object_id: session.id });
  return { send, token, close: () => services.handle.close().then(() => app.close()) };
}

async function overHttp(base: string, token: string): Promise<{ send: Sender; token: string; close: () => Promise<void> }> {
  const send: Sender = async (r) => {
    const res = await fetch(base + r.url, { method: r.method, headers: r.headers, body: r.payload as BodyInit | undefined });
    return { status: res.status, body: await res.text() };
  };
  return { send, token, close: async () => {} };
}

async function main() {
  const url = arg('--url');
  const target = url ? await overHttp(url.replace(/\/$/, ''), arg('--token') ?? '') : await inProcess();
  const auth = { authorization: `Token ${target.token}` };
  const schema = await target.send({ method: 'GET', url: '/api/schema?format=json', headers: auth, kind: 'schema' });
  const doc = JSON.parse(schema.body);
  const real = await realLookups(doc, target.send, auth);
  const requests = hostileRequests(doc, auth, real, {
    seed: Number(arg('--seed') ?? 9),
    perParam: Number(arg('--per-param') ?? 8),
    bodyValues: Number(arg('--body-values') ?? 12),
  });
  console.log(`hostile sweep: ${requests.length} requests to send`);
  const started = performance.now();
  const result = await sweep(requests, target.send);
  const seconds = (performance.now() - started) / 1000;
  await target.close();
  console.log(`hostile sweep: ${result.sent} requests to ${Object.keys(doc.paths).length} paths in ${seconds.toFixed(1)} s`);
  console.log(`by status: ${JSON.stringify(result.byStatus)}`);
  console.log(`5xx: ${result.serverErrors.length}`);
  for (const e of result.serverErrors.slice(0, 50)) console.log(`  ${e.status} ${e.request} [${e.kind}] ${e.body}`);
  process.exitCode = result.serverErrors.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
