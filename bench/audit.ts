// The cost of the audit trail on writes: median time of a generic POST (/subjects) and of
// POST /register-file with 10 files, on an in-memory embedded database, through Fastify's inject.
// Run: npx tsx bench/audit.ts (the same script on a checkout without the audit trail gives "before").
import { countStatements, type StatementStats } from './statement-count.ts';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { buildServer } from '../src/server.ts';
import { tokenFor } from '../src/rest/auth.ts';
import { labs, labMemberships, users } from '../src/apps/misc/tables.ts';
import { subjects } from '../src/apps/subjects/tables.ts';
import { sessions } from '../src/apps/actions/tables.ts';

import { dataRepositories, labRepositories } from '../src/apps/data/tables.ts';

void labMemberships;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const config = { ...loadConfig({ ALYX_TIME_ZONE: 'Europe/London', ALYX_LAB: 'benchlab', ALYX_DATA_DIR: '/tmp/alyx-bench-audit' } as NodeJS.ProcessEnv, process.cwd()), throttleBurstPerMinute: 0, schedulerIntervalSeconds: 0 };
const services = await openServices(config, { inMemory: true });
// SQL statements and DB time per request (as bench/run.ts counts them)
const stats: StatementStats = { queries: 0, ms: 0 };
countStatements(services.handle.pglite!, stats);
await seedAll(services);
const app = await buildServer(services, { serveWeb: false });
await app.ready();
const [admin] = await services.db.insert(users).values({ username: 'bench', is_superuser: true }).returning();
const token = await tokenFor(services, admin.id);
const [lab] = await services.db.insert(labs).values({ name: 'blab' }).returning();
const [subj] = await services.db.insert(subjects).values({ nickname: 'B_1', lab: lab.id }).returning();
const [repo] = await services.db.insert(dataRepositories).values({ name: 'brepo', globus_is_personal: true, hostname: 'h' }).returning();
await services.db.insert(labRepositories).values({ lab: lab.id, datarepository: repo.id });

const call = async (method: string, url: string, body: unknown) => {
  const r = await app.inject({ method: method as 'POST', url, headers: { authorization: `Token ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
};
await services.db.insert(sessions).values({ subject: subj.id, lab: lab.id, start_time: '2020-01-01T10:00:00', number: 1, type: 'Experiment' });
await call('POST', '/dataset-types', { name: 'b.x', filename_pattern: '' });
await call('POST', '/data-formats', { name: 'bx', file_extension: '.bx' });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn: (i: number) => Promise<void>): Promise<Record<string, number>> {
  await fn(-1); // warm-up
  const ms: number[] = [];
  stats.queries = 0;
  stats.ms = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn(i);
    ms.push(performance.now() - t0);
  }
  return { median_ms: +median(ms).toFixed(1), statements: +(stats.queries / ROUNDS).toFixed(1), db_ms: +(stats.ms / ROUNDS).toFixed(1) };
}

const post = await time((i) => call('POST', '/subjects', { nickname: `b_${i + 1}`, lab: 'blab', description: 'bench' }));
const patch = await time((i) => call('PATCH', '/subjects/B_1', { description: `d${i}` }));
const reg = await time(async (i) => {
  await call('POST', '/register-file', {
    created_by: 'bench',
    name: 'brepo',
    path: `B_1/2020-01-01/001`,
    filenames: Array.from({ length: 10 }, (_, k) => `alf/r${i + 1}/c${k}/b.x.bx`),
    hashes: Array.from({ length: 10 }, (_, k) => `h${k}`),
  });
});
// the same 10 files again: 10 updated datasets (new hashes)
const rereg = await time((i) =>
  call('POST', '/register-file', {
    created_by: 'bench',
    name: 'brepo',
    path: `B_1/2020-01-01/001`,
    filenames: Array.from({ length: 10 }, (_, k) => `alf/r1/c${k}/b.x.bx`),
    hashes: Array.from({ length: 10 }, (_, k) => `h${k}-${i}`),
  }),
);
console.log(JSON.stringify({ rounds: ROUNDS, post_subject: post, patch_subject: patch, register_10_new: reg, register_10_updated: rereg }));
await app.close();
await services.handle.close();
