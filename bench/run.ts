// `npm run bench`: times the endpoints that ONE leans on, over HTTP on loopback, against a fresh
// embedded database filled through the tables: 300 subjects with 30 weighings and 10 water
// administrations each, 40 sessions with 100 datasets (and 2 file records per dataset) each.
// Endpoints that do not exist yet are skipped with a note. Prints a table and writes
// bench/RESULTS.md. Bounded: a fixed number of requests per endpoint, loopback only.
//
//   npm run bench [-- --keep] [-- --runs 15]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   (PostgreSQL)
import { countStatements, type StatementStats } from './statement-count.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { buildServer } from '../src/server.ts';
import { streamDumpFile } from '../src/db/import/read.ts';
import { importDump } from '../src/db/import/importer.ts';
import { tokenFor, hashPassword } from '../src/rest/auth.ts';
import { labs, users } from '../src/apps/misc/tables.ts';
import { species, subjects } from '../src/apps/subjects/tables.ts';
import { sessions, sessionUsers, waterAdministrations, waterTypes, weighings } from '../src/apps/actions/tables.ts';
import { dataFormats, dataRepositories, datasets, datasetTypes, fileRecords, labRepositories } from '../src/apps/data/tables.ts';

const argv = process.argv.slice(2);
const KEEP = argv.includes('--keep');
const RUNS = Math.min(100, Math.max(3, Number(argv[argv.indexOf('--runs') + 1]) || 15));
const TRACE_MS = Number(process.env.BENCH_TRACE) || 0;
/** BENCH_DATABASE_URL=postgres://...: run against a fresh database on that PostgreSQL server instead */
const PG_URL = process.env.BENCH_DATABASE_URL || null;
const PG_DB = `alyx_bench_${process.pid}`;
const withDatabase = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
/** the upstream dump imported at the end (BENCH_DUMP) */
const DUMP = process.env.BENCH_DUMP || '/work/shared/samples/alyx-3.6-dumpdata.json.gz';
const N_SUBJECTS = 300;
const WEIGHINGS_PER_SUBJECT = 30;
const WATER_PER_SUBJECT = 10;
const N_SESSIONS = 40;
const DATASETS_PER_SESSION = 100;
const FILES_PER_DATASET = 2;
const REGISTER_REQUESTS = 20;
const FILES_PER_REGISTER = 10;

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(os.tmpdir(), `alyx-bench-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);

interface Timing {
  ms: number;
  note?: string;
  rate?: number;
  /** SQL statements and time spent in them, per request */
  queries?: number;
  dbMs?: number;
}

interface Row {
  name: string;
  upstream: string;
  target: string;
  /** target in ms (or files/s when `rate`) */
  targetValue: number;
  rate?: boolean;
  measured?: string;
  value?: number;
  note?: string;
  sql?: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 19);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const base0 = loadConfig({ ALYX_DATA_DIR: dataDir, ALYX_LAB: 'benchlab', ALYX_TIME_ZONE: 'Europe/London' } as NodeJS.ProcessEnv);
  const config = { ...base0, databaseUrl: null as string | null, throttleBurstPerMinute: 0, schedulerIntervalSeconds: 0 };
  if (PG_URL) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create database ${PG_DB}`);
    await admin.end();
    config.databaseUrl = withDatabase(PG_URL, PG_DB);
    console.log(`bench: PostgreSQL database ${PG_DB}`);
  } else console.log(`bench: embedded database in ${path.join(dataDir, 'db')}`);
  const services = await openServices(config);
  // count SQL statements and their time (embedded database only), to show where a request spends it
  const stats: StatementStats = { queries: 0, ms: 0 };
  if (services.handle.pglite) {
    countStatements(services.handle.pglite, stats, (sql, ms) => {
      // BENCH_TRACE=<ms>: print the statements slower than that, to find what to index or batch
      if (TRACE_MS && ms >= TRACE_MS) console.log(`  [${ms.toFixed(1)} ms] ${sql.replace(/\s+/g, ' ').slice(0, 400)}`);
    });
  }
  const t0 = performance.now();
  await seedAll(services);
  const { db } = services;

  // --- data, through the tables -------------------------------------------------------------
  const [lab] = await db.select({ id: labs.id }).from(labs).where(eq(labs.name, 'benchlab'));
  const [admin] = await db
    .insert(users)
    .values({ username: 'bench_admin', password: await hashPassword('bench-pw', 1000), is_superuser: true, is_staff: true })
    .returning({ id: users.id });
  const token = await tokenFor(services, admin.id);
  const [mouse] = await db.select({ id: species.id }).from(species).limit(1);
  const [water] = await db.select({ id: waterTypes.id }).from(waterTypes).limit(1);
  const [npy] = await db.select({ id: dataFormats.id }).from(dataFormats).where(eq(dataFormats.name, 'npy'));
  const types = await db.select({ id: datasetTypes.id, name: datasetTypes.name, pattern: datasetTypes.filename_pattern }).from(datasetTypes).orderBy(datasetTypes.name);
  const [repo] = await db.insert(dataRepositories).values({ name: 'bench_repo', hostname: 'bench', globus_path: '/mnt/bench/Subjects', data_url: 'http://bench.invalid/Subjects/' }).returning({ id: dataRepositories.id });
  await db.insert(labRepositories).values({ lab: lab.id, datarepository: repo.id } as never).onConflictDoNothing();

  const subjectIds: string[] = [];
  await db.transaction(async (tx) => {
    for (let i = 0; i < N_SUBJECTS; i += 100) {
      const rows = Array.from({ length: Math.min(100, N_SUBJECTS - i) }, (_, k) => ({
        nickname: `bench_${String(i + k).padStart(4, '0')}`,
        lab: lab.id,
        responsible_user: admin.id,
        species: mouse?.id ?? null,
        sex: (i + k) % 2 ? 'F' : 'M',
        birth_date: '2023-01-15',
      }));
      const ins = await tx.insert(subjects).values(rows as never).returning({ id: subjects.id });
      subjectIds.push(...ins.map((r) => r.id));
    }
    const start = new Date('2024-01-01T09:00:00Z');
    const w: Array<Record<string, unknown>> = [];
    const wa: Array<Record<string, unknown>> = [];
    subjectIds.forEach((s, i) => {
      for (let d = 0; d < WEIGHINGS_PER_SUBJECT; d++) {
        w.push({ subject: s, user: admin.id, weight: 20 + ((i + d) % 7) * 0.3, date_time: iso(new Date(start.getTime() + d * 86400e3)) });
      }
      for (let d = 0; d < WATER_PER_SUBJECT; d++) {
        wa.push({ subject: s, user: admin.id, water_administered: 1 + (d % 3) * 0.1, water_type: water?.id ?? null, date_time: iso(new Date(start.getTime() + d * 86400e3 + 3600e3)) });
      }
    });
    for (let i = 0; i < w.length; i += 2000) await tx.insert(weighings).values(w.slice(i, i + 2000) as never);
    for (let i = 0; i < wa.length; i += 2000) await tx.insert(waterAdministrations).values(wa.slice(i, i + 2000) as never);
  });

  const sessionIds: string[] = [];
  await db.transaction(async (tx) => {
    const rows = Array.from({ length: N_SESSIONS }, (_, i) => ({
      subject: subjectIds[i],
      lab: lab.id,
      start_time: '2024-02-01T10:00:00',
      number: 1,
      task_protocol: 'bench_protocol',
      type: 'Experiment',
    }));
    const ins = await tx.insert(sessions).values(rows as never).returning({ id: sessions.id });
    sessionIds.push(...ins.map((r) => r.id));
    await tx.insert(sessionUsers).values(sessionIds.map((id) => ({ owner: id, labmember: admin.id })) as never).onConflictDoNothing();
    for (const [si, sid] of sessionIds.entries()) {
      const ds = Array.from({ length: DATASETS_PER_SESSION }, (_, k) => ({
        name: `${types[k % types.length].name}.npy`,
        session: sid,
        dataset_type: types[k % types.length].id,
        data_format: npy.id,
        collection: `alf/probe${String(Math.floor(k / types.length)).padStart(2, '0')}`,
        created_by: admin.id,
        file_size: 1000 + k,
        hash: crypto.createHash('md5').update(`${si}-${k}`).digest('hex'),
        version: '1.0.0',
      }));
      const dsIns = await tx.insert(datasets).values(ds as never).returning({ id: datasets.id, name: datasets.name, collection: datasets.collection });
      const fr = dsIns.flatMap((d) =>
        Array.from({ length: FILES_PER_DATASET }, (_, f) => ({
          dataset: d.id,
          data_repository: repo.id,
          relative_path: `bench_${String(si).padStart(4, '0')}/2024-02-01/001/${d.collection}/${f ? `#copy${f}#/` : ''}${d.name}`,
          exists: true,
        })),
      );
      await tx.insert(fileRecords).values(fr as never);
    }
  });
  const counts = {
    subjects: N_SUBJECTS,
    weighings: N_SUBJECTS * WEIGHINGS_PER_SUBJECT,
    water: N_SUBJECTS * WATER_PER_SUBJECT,
    sessions: N_SESSIONS,
    datasets: N_SESSIONS * DATASETS_PER_SESSION,
    files: N_SESSIONS * DATASETS_PER_SESSION * FILES_PER_DATASET,
  };
  // planner statistics, as `alyx serve` refreshes them at start and hourly on the embedded
  // database (which has no autovacuum) and autovacuum does after a bulk load on PostgreSQL
  await db.execute(sql`analyze`);
  console.log(`bench: data generated in ${((performance.now() - t0) / 1000).toFixed(1)} s (${JSON.stringify(counts)})`);

  // --- server on loopback ----------------------------------------------------------------------
  const app = await buildServer(services, { logger: false, serveWeb: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const headers = { authorization: `Token ${token}`, accept: 'application/json' };
  // the client: node:http with one kept-alive connection, as ONE's requests.Session does (Node's
  // fetch adds several ms per request of its own on a loaded machine)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const httpFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; text(): Promise<string>; json(): Promise<unknown>; arrayBuffer(): Promise<Buffer> }>((resolve, reject) => {
      const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            text: async () => buf.toString('utf8'),
            json: async () => JSON.parse(buf.toString('utf8')),
            arrayBuffer: async () => buf,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(init.body);
    });

  const exists = async (method: string, url: string): Promise<boolean> => {
    const r = await httpFetch(base + url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    await r.text();
    return r.status !== 404 && r.status !== 405;
  };
  const timeGet = async (url: string, check: (body: any) => string | null): Promise<Timing> => { // eslint-disable-line
    const first = await httpFetch(base + url, { headers });
    const body = await first.json().catch(() => null);
    if (first.status !== 200) return { ms: NaN, note: `answered ${first.status}` };
    const problem = check(body);
    if (problem) return { ms: NaN, note: problem };
    await (await httpFetch(base + url, { headers })).text(); // warm-up
    const times: number[] = [];
    const before = { ...stats };
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      const r = await httpFetch(base + url, { headers });
      await r.arrayBuffer();
      times.push(performance.now() - s);
    }
    return { ms: median(times), queries: (stats.queries - before.queries) / RUNS, dbMs: (stats.ms - before.ms) / RUNS };
  };

  const rows: Row[] = [
    { name: 'GET /subjects (250 per page)', upstream: '4 s', target: '0.4 s', targetValue: 400 },
    { name: 'GET /datasets?session=<id> (100)', upstream: '200 ms', target: '20 ms', targetValue: 20 },
    { name: 'GET /sessions/<id>', upstream: '310 ms', target: '31 ms', targetValue: 31 },
    { name: 'POST /register-file', upstream: '55 files/s', target: '550 files/s', targetValue: 550, rate: true },
  ];
  const sid = sessionIds[N_SESSIONS - 1];

  const run = async (row: Row, method: string, probe: string, fn: () => Promise<Timing>) => {
    if (!(await exists(method, probe))) {
      row.note = `skipped: ${method} ${probe.split('?')[0]} does not exist yet`;
      return;
    }
    const r = await fn();
    if (r.queries !== undefined && !PG_URL) row.sql = `${r.queries.toFixed(1)} / ${r.dbMs!.toFixed(1)} ms`;
    if (r.note) row.note = `skipped: ${r.note}`;
    else if (row.rate) {
      row.value = r.rate!;
      row.measured = `${Math.round(r.rate!)} files/s`;
    } else {
      row.value = r.ms;
      row.measured = r.ms >= 1000 ? `${(r.ms / 1000).toFixed(2)} s` : `${r.ms.toFixed(1)} ms`;
    }
  };

  // floors, to read the figures against: one trivial statement, and one trivial HTTP request
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t1 = performance.now();
    await services.db.execute(sql`select 1`);
    floor.push(performance.now() - t1);
  }
  const health: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t1 = performance.now();
    await (await httpFetch(`${base}/health`)).arrayBuffer();
    health.push(performance.now() - t1);
  }
  const floors = `select 1 through the database handle: ${median(floor).toFixed(2)} ms; GET /health over HTTP: ${median(health).toFixed(2)} ms (medians)`;
  console.log(`bench: ${floors}`);

  await run(rows[0], 'GET', '/subjects?limit=1', () =>
    timeGet('/subjects', (b) => (Array.isArray(b?.results) && b.results.length === 250 ? null : `expected 250 subjects in the first page, got ${b?.results?.length}`)),
  );
  await run(rows[1], 'GET', '/datasets?limit=1', () =>
    timeGet(`/datasets?session=${sid}`, (b) => {
      const n = Array.isArray(b) ? b.length : b?.results?.length;
      return n === DATASETS_PER_SESSION ? null : `expected ${DATASETS_PER_SESSION} datasets, got ${n}`;
    }),
  );
  await run(rows[2], 'GET', `/sessions/${sid}`, () => timeGet(`/sessions/${sid}`, (b) => (b?.id === sid ? null : 'the session detail has no id')));
  await run(rows[3], 'POST', '/register-file', async () => {
    // ALF names of the seeded dataset types: <object>.<attribute>
    const names = types.filter((t) => t.pattern === `*${t.name.toLowerCase()}*.npy`).map((t) => t.name).slice(0, FILES_PER_REGISTER);
    const nick = (i: number) => `bench_${String(i).padStart(4, '0')}`;
    const body = (k: number) => ({
      name: 'bench_repo',
      path: `${nick(k % N_SESSIONS)}/2024-02-01/001`,
      filenames: names.map((n) => `alf/reg${String(k).padStart(3, '0')}/${n}.npy`),
      filesizes: names.map((_, i) => 100 + i),
      hashes: names.map((_, i) => crypto.createHash('md5').update(`${k}-${i}`).digest('hex')),
      created_by: 'bench_admin',
      server_only: true,
    });
    const post = (k: number) => httpFetch(base + '/register-file', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body(k)) });
    const first = await post(0);
    const firstBody = await first.text();
    if (first.status !== 201) return { ms: NaN, note: `POST /register-file answered ${first.status}: ${firstBody.slice(0, 200)}` };
    const s = performance.now();
    const before = { ...stats };
    for (let k = 1; k <= REGISTER_REQUESTS; k++) {
      const r = await post(k);
      const text = await r.text();
      if (r.status !== 201) return { ms: NaN, note: `POST /register-file answered ${r.status}: ${text.slice(0, 200)}` };
    }
    const secs = (performance.now() - s) / 1000;
    return {
      ms: (secs * 1000) / REGISTER_REQUESTS,
      rate: (REGISTER_REQUESTS * names.length) / secs,
      queries: (stats.queries - before.queries) / REGISTER_REQUESTS,
      dbMs: (stats.ms - before.ms) / REGISTER_REQUESTS,
    };
  });

  // alyx import of an upstream dump into this database (no upstream figure: Django's loaddata is the reference)
  const importRow: Row = { name: `alyx import of ${path.basename(DUMP)}`, upstream: '', target: '', targetValue: 0, rate: true };
  rows.push(importRow);
  if (!fs.existsSync(DUMP)) importRow.note = `skipped: ${DUMP} not found (set BENCH_DUMP)`;
  else {
    const s = performance.now();
    const before = { ...stats };
    const report = await importDump(services.db, streamDumpFile(DUMP));
    const secs = (performance.now() - s) / 1000;
    const written = Object.values(report.models).reduce((n, c) => n + c.inserted, 0);
    const total = Object.values(report.models).reduce((n, c) => n + c.rows, 0) + Object.values(report.skippedModels).reduce((n, c) => n + c.rows, 0);
    importRow.value = total / secs;
    importRow.measured = `${total} rows (${written} new) in ${secs.toFixed(1)} s: ${Math.round(total / secs)} rows/s`;
    if (!PG_URL) importRow.sql = `${stats.queries - before.queries} / ${(stats.ms - before.ms).toFixed(0)} ms in all`;
  }
  agent.destroy();
  await app.close();
  await services.handle.close();
  await cleanup();

  // --- report ---------------------------------------------------------------------------------
  const ok = (r: Row) => (r.value === undefined || !r.target ? '' : r.rate ? (r.value >= r.targetValue ? 'yes' : 'no') : r.value <= r.targetValue ? 'yes' : 'no');
  const table = [
    '| endpoint | upstream Alyx | target | measured (median) | meets target | SQL statements / DB time per request, mean (embedded only) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.upstream} | ${r.target} | ${r.measured ?? r.note ?? ''} | ${ok(r)} | ${r.sql ?? ''} |`),
  ].join('\n');
  console.log('\n' + table + '\n');
  const cpus = os.cpus();
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
  console.log(`bench: load average ${load} on ${cpus.length} CPUs (other processes slow the figures down)`);
  const heading = PG_URL ? '## PostgreSQL' : '## Embedded database (PGlite)';
  const section = [
    heading,
    '',
    `Measured by \`${PG_URL ? 'BENCH_DATABASE_URL=... ' : ''}npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version}, ` +
      `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${PG_URL ? 'a fresh database on the PostgreSQL server of BENCH_DATABASE_URL' : `embedded database (PGlite) in a data dir under ${os.tmpdir()}`}, ` +
      `HTTP on loopback (\`app.listen\` on 127.0.0.1, node:http with one kept-alive connection as the client, one request at a time).`,
    '',
    `Data generated through the tables: ${counts.subjects} subjects with ${WEIGHINGS_PER_SUBJECT} weighings and ${WATER_PER_SUBJECT} water administrations each, ` +
      `${counts.sessions} sessions with ${DATASETS_PER_SESSION} datasets each (${counts.datasets} datasets, ${counts.files} file records). ` +
      `Planner statistics are refreshed (ANALYZE) after the load, as \`alyx serve\` does at start and hourly on the embedded database and autovacuum does on PostgreSQL. ` +
      `GET figures are the median of ${RUNS} requests after one warm-up; /register-file registers ${FILES_PER_REGISTER} files per request, ${REGISTER_REQUESTS} requests in a row.`,
    '',
    table,
    '',
    `Floors: ${floors}.`,
    '',
    `Load average when the run ended (1 / 5 / 15 min): ${load} on ${cpus.length} CPUs. The figures scale with the machine's load: ` +
      'rerun `npm run bench` on an idle machine for comparable numbers. `BENCH_TRACE=20 npm run bench` prints the SQL statements slower than 20 ms.',
    '',
  ].join('\n');
  // RESULTS.md keeps one section per database; this run replaces its own
  const file = path.join(here, 'RESULTS.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const sections = new Map<string, string>();
  for (const part of old.split(/^(?=## )/m)) if (part.startsWith('## ')) sections.set(part.split('\n')[0], part.trimEnd() + '\n');
  sections.set(heading, section);
  const known = ['## Embedded database (PGlite)', '## PostgreSQL'];
  const order = [...known, ...[...sections.keys()].filter((h) => !known.includes(h))]; // e.g. bench/startup.ts's
  const md = ['# Benchmark results', '', ...order.filter((h) => sections.has(h)).map((h) => sections.get(h)!)].join('\n');
  if (TRACE_MS) {
    console.log('bench: RESULTS.md left as it is (BENCH_TRACE slows the requests down)');
    return;
  }
  fs.writeFileSync(file, md);
  console.log(`bench: wrote ${path.join(here, 'RESULTS.md')}`);
}

async function cleanup() {
  if (KEEP) return;
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (PG_URL) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${PG_DB} with (force)`);
    await admin.end();
  }
}

main().catch(async (e) => {
  console.error(e);
  await cleanup().catch(() => undefined);
  process.exit(1);
});
