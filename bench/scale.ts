// `npm run bench:scale`: the shared harness (../shared/bench/bench.py) against this checkout's server on
// both databases, in one sitting. It populates a fresh PostgreSQL database through REST, copies it before
// any ANALYZE (PostgreSQL without statistics) and again to ANALYZE the copy (PostgreSQL analyzed), imports
// it into a fresh embedded data directory, and runs bench.py's scenarios against `node bin/alyx.mjs serve`
// on each. It compares the figures with upstream's (bench/upstream-figures.json) and writes the section
// "Scale S with the shared harness (bench:scale)" of bench/RESULTS.md, with the servers' memory and the
// machine's load; the harness's JSON goes to bench/shared-harness/.
//
//   npm run bench:scale -- [--scale 1] [--duration 15] [--repeat 3] [--only a,b,e]
//                          [--databases pg-nostats,pg,embedded] [--reuse] [--keep] [--quick]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the default) names the PostgreSQL server.
//
// The populated database is never analyzed nor written to by a run (both happen on copies), so --reuse
// can start from it again; it is dropped at the end unless --keep.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent, buildServer } from '../scripts/build-server.mjs';
import {
  DATABASES,
  DATABASE_NAMES,
  LETTERS,
  READS,
  harnessFigures,
  readUpstreamFigures,
  renderChecks,
  renderTable,
  replaceSection,
  sectionHeading,
  type Database,
  type Figures,
  type Letter,
  type Memory,
} from './scale-report.ts';
import { databaseUrl, onServer, withClient } from './scratch-db.ts';
import { freePortIn, serverEnv, startServer, type RunningServer } from './server-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const BIN = path.join(root, 'bin', 'alyx.mjs');
const PASSWORD = 'pw';
const PORTS = [8400, 8499] as const;
/** how long the embedded server is left alone before its run: it analyzes 2 s after listening */
const EMBEDDED_SETTLE_MS = 10_000;

const USAGE = `usage: npm run bench:scale -- [options]
  --scale S          bench.py populate --scale (default 1)
  --duration SEC     seconds per scenario run (default 15; 3 with --quick)
  --repeat N         runs per scenario, medians kept (default 3; 1 with --quick)
  --only LETTERS     scenarios, e.g. a,b,e (default all: a–g; the no-statistics copy runs reads only)
  --databases LIST   a subset of pg-nostats,pg,embedded (default all three)
  --reuse            start from the populated database of an earlier --keep run instead of a fresh one
  --keep             keep the populated database at the end (it is dropped otherwise)
  --quick            development run: --duration 3 --repeat 1, short quiet waits; prints the table,
                     writes neither bench/RESULTS.md nor bench/shared-harness/
  --harness FILE     bench.py (default ../shared/bench/bench.py)
environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), a superuser URL`;

function usageError(message: string): never {
  console.error(`bench:scale: ${message}\n${USAGE}`);
  process.exit(2);
}

function options() {
  let values;
  try {
    values = parseArgs({
      options: {
        scale: { type: 'string', default: '1' },
        duration: { type: 'string' },
        repeat: { type: 'string' },
        only: { type: 'string' },
        databases: { type: 'string', default: DATABASES.join(',') },
        reuse: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        harness: { type: 'string', default: path.resolve(root, '..', 'shared', 'bench', 'bench.py') },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    usageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // a plain decimal: it also names the databases (alyx_bench_scale_0_05), where `1e-3` would not be an identifier
  const scale = /^\d+(\.\d+)?$/.test(values.scale) ? Number(values.scale) : NaN;
  if (!(scale > 0 && scale <= 100)) usageError(`--scale must be a decimal number above 0 and at most 100 (e.g. 1 or 0.05), got ${JSON.stringify(values.scale)}`);
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) usageError(`--${name} must be a whole number of 1 or more, got ${JSON.stringify(raw)}`);
    return n;
  };
  const only = values.only === undefined ? [...LETTERS] : values.only.split(/[,\s]*/).filter(Boolean);
  const badLetter = only.find((l) => !(LETTERS as readonly string[]).includes(l));
  if (badLetter !== undefined || !only.length) usageError(`--only takes scenario letters of a–g, e.g. a,b,e; got ${JSON.stringify(values.only)}`);
  const databases = values.databases.split(',').map((d) => d.trim()).filter(Boolean);
  const badDb = databases.find((d) => !(DATABASES as readonly string[]).includes(d));
  if (badDb !== undefined || !databases.length) usageError(`--databases takes a subset of ${DATABASES.join(',')}; got ${JSON.stringify(values.databases)}`);
  return {
    scale,
    duration: whole('duration', values.duration, values.quick ? 3 : 15),
    repeat: whole('repeat', values.repeat, values.quick ? 1 : 3),
    only: LETTERS.filter((l) => only.includes(l)),
    databases: DATABASES.filter((d) => databases.includes(d)),
    reuse: values.reuse,
    keep: values.keep,
    quick: values.quick,
    harness: path.resolve(values.harness),
  };
}

const opts = options();
const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const SCALE_TAG = String(opts.scale).replace('.', '_');
const DB = { populated: `alyx_bench_scale_${SCALE_TAG}`, noStats: `alyx_bench_scale_${SCALE_TAG}_nostats`, analyzed: `alyx_bench_scale_${SCALE_TAG}_analyzed` };

const say = (message: string) => console.log(`bench:scale: ${message}`);
const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
/** "2026-12-05 12:08–12:40", or both dates when the run passed midnight */
function timeSpan(from: Date, to: Date): string {
  const [a, b] = [utc(from), utc(to)];
  return a === b ? a : a.slice(0, 10) === b.slice(0, 10) ? `${a}–${b.slice(11)}` : `${a} – ${b}`;
}

// ---- what is cleaned up at the end, on an error and on Ctrl-C ----
const servers = new Set<RunningServer>();
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const dropAtEnd = new Set<string>();
let cleaning: Promise<void> | null = null;
let interrupted = false;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of children) {
      try {
        process.kill(-child.pid!, 'SIGTERM'); // bench.py and its wrk, or `alyx import`: their own process group
      } catch {
        /* gone already */
      }
    }
    await Promise.all([...servers].map((s) => s.stop().catch(() => {})));
    for (const name of dropAtEnd) {
      try {
        await onServer(ADMIN_URL, `drop database if exists ${name} with (force)`);
        say(`dropped database ${name}`);
      } catch (e) {
        console.error(`bench:scale: could not drop database ${name}: ${(e as Error).message}`);
      }
    }
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

// the last resort if this process ends while something still runs (cleanup() normally ended it)
process.on('exit', () => {
  for (const s of servers) s.child.kill('SIGTERM');
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench:scale: ${signal}: stopping the servers and cleaning up`);
    void cleanup().finally(() => process.exit(code));
  });
}

function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `alyx-bench-scale-${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Runs a command in its own process group (so that cleanup can end it with its children); stdout captured or shown. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, captureStdout = false): Promise<string> {
  return new Promise((resolve, reject) => {
    if (cleaning) throw new Error(`cleaning up: ${path.basename(command)} not started`);
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'inherit'] });
    children.add(child);
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.once('error', (e) => {
      children.delete(child);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(command)} ${args.slice(0, 2).map((a) => path.basename(a)).join(' ')} failed (${signal ?? `exit code ${code}`})${stdout ? `:\n${stdout.slice(-2000)}` : ''}`));
    });
  });
}

const harness = (args: string[]) => run('python3', [opts.harness, ...args]);

function preflight() {
  const missing: string[] = [];
  if (!fs.existsSync(opts.harness)) missing.push(`the shared harness is not at ${opts.harness} (--harness FILE names it)`);
  if (spawnSync('wrk', ['-v']).error) missing.push('wrk is not installed: apt-get install -y wrk');
  const py = spawnSync('python3', ['-c', 'import requests']);
  if (py.error) missing.push('python3 is not installed: apt-get install -y python3 python3-requests');
  else if (py.status !== 0) missing.push('python3 lacks the requests module: apt-get install -y python3-requests (or pip install requests)');
  if (missing.length) {
    console.error(`bench:scale: cannot run:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withClient(ADMIN_URL, async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** Rows of planner statistics (pg_stats) on the tables of a database's public schema. */
async function statisticsRows(name: string): Promise<number> {
  return withClient(databaseUrl(ADMIN_URL, name), async (c) => (await c.query<{ n: number }>(`select count(*)::int as n from pg_stats where schemaname = 'public'`)).rows[0].n);
}

/** The server's resident memory now and at its peak (Linux /proc), null elsewhere. */
function memoryOf(pid: number): Memory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(peak) ? { rssMb: rss / 1024, peakMb: peak / 1024 } : null;
  } catch {
    return null;
  }
}

function gitCommit(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'bin', 'scripts'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  return dirty ? `${head} with uncommitted changes in src/, bin/ or scripts/` : head;
}

function bareNodeMs(): number {
  const times = [0, 1, 2].map(() => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t;
  });
  return times.sort((a, b) => a - b)[1];
}

interface PopulateReport {
  total_seconds: number;
  counts: { subjects: number; sessions: number; files: number; weigh_water: number };
  phases: Record<string, { created: number; failed: number; per_s: number; files_per_s?: number }>;
}

interface DatabaseRun {
  figures: Figures;
  memory: Memory | null;
  loadBefore: string;
  loadAfter: string;
  json: string | null;
}

const serverExtras = { ALYX_THROTTLE_PER_MINUTE: '0', ALYX_SKIP_WEB_BUILD: '1' };

/** `alyx serve` on a database (a PostgreSQL URL, or null: the embedded database of dataDir) in the port range. */
async function serve(url: string | null, dataDir: string, extra: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePortIn(...PORTS);
  if (cleaning) throw new Error('cleaning up: no new server');
  const server = await startServer(serverEnv(dataDir, url, port, PASSWORD, { ...serverExtras, ...extra }), { timeoutMs: 180_000, stdio: ['ignore', 'inherit', 'inherit'] });
  servers.add(server);
  return server;
}

async function stopServer(server: RunningServer) {
  await server.stop();
  servers.delete(server);
}

const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
const jsonDir = path.join(here, 'shared-harness');
let scratchDir: string | null = null;
/** where a harness JSON goes: bench/shared-harness/ on a full run, a temporary directory with --quick */
function jsonPath(label: string): string {
  if (opts.quick) return path.join((scratchDir ??= tempDir('json')), `${label}.json`);
  fs.mkdirSync(jsonDir, { recursive: true });
  return path.join(jsonDir, `scale${SCALE_TAG}-${stamp}-${label}.json`);
}

async function measure(db: Database, letters: Letter[], server: RunningServer, populateJson: string): Promise<DatabaseRun> {
  const out = jsonPath(db);
  const loadBefore = loadavg();
  say(`${DATABASE_NAMES[db]}: bench.py run, scenarios ${letters.join(',')}, ${opts.repeat} × ${opts.duration} s`);
  await harness([
    'run', server.base, '--user', 'admin', '--password', PASSWORD,
    '--duration', String(opts.duration), '--repeat', String(opts.repeat), '--only', letters.join(','),
    '--server-pid', String(server.child.pid), '--label', `alyx-local ${DATABASE_NAMES[db]}, scale ${opts.scale}`,
    '--populate-report', populateJson, '--out', out,
    // a development run does not wait up to 90 s for a quiet machine before each scenario
    ...(opts.quick ? ['--warmup', '1', '--idle-probe', '0.5', '--quiet-max-wait', '5'] : []),
  ]);
  const memory = memoryOf(server.child.pid!);
  const figures = harnessFigures(JSON.parse(fs.readFileSync(out, 'utf8')));
  return { figures, memory, loadBefore, loadAfter: loadavg(), json: opts.quick ? null : path.relative(root, out) };
}

async function main() {
  preflight();
  const upstream = readUpstreamFigures(path.join(here, 'upstream-figures.json'));
  try {
    await withClient(ADMIN_URL, (c) => c.query('select 1'));
  } catch (e) {
    console.error(`bench:scale: PostgreSQL is not reachable at ${ADMIN_URL} (${(e as Error).message}); BENCH_DATABASE_URL names a superuser URL`);
    process.exit(1);
  }
  if (!buildIsCurrent()) {
    say('building the server first');
    await buildServer();
  }
  const started = new Date();
  const loadStart = loadavg();
  const commit = gitCommit();
  const autovacuum = await withClient(ADMIN_URL, async (c) => (await c.query<{ autovacuum: string }>('show autovacuum')).rows[0].autovacuum);
  if (autovacuum !== 'off') say(`warning: autovacuum is ${autovacuum} on this PostgreSQL server: it may analyze the no-statistics copy during its run (the section reports its statistics after the run)`);

  // ---- 1. the populated database ----
  for (const name of [DB.noStats, DB.analyzed]) await onServer(ADMIN_URL, `drop database if exists ${name} with (force)`); // an interrupted run's
  const reused = opts.reuse && (await databaseExists(DB.populated));
  if (!reused) {
    await onServer(ADMIN_URL, `drop database if exists ${DB.populated} with (force)`);
    await onServer(ADMIN_URL, `create database ${DB.populated}`);
  }
  if (!opts.keep) dropAtEnd.add(DB.populated);
  const populatedUrl = databaseUrl(ADMIN_URL, DB.populated);
  say(`${reused ? 'reusing' : 'created'} database ${DB.populated}; bench.py populate --scale ${opts.scale}`);
  const populateJson = jsonPath('populate');
  let server = await serve(populatedUrl, tempDir('pg-populate'), { ALYX_JOBS_PLANNER_STATISTICS: 'off' });
  const populateArgs = ['populate', server.base, '--user', 'admin', '--password', PASSWORD, '--scale', String(opts.scale), '--out', populateJson];
  try {
    await harness(populateArgs);
  } catch (e) {
    if (interrupted) throw e;
    say(`populate reported failures (${(e as Error).message}); it resumes: once more`);
    await harness(populateArgs);
  }
  await stopServer(server);
  const populate = JSON.parse(fs.readFileSync(populateJson, 'utf8')) as PopulateReport;
  const statsPopulated = await statisticsRows(DB.populated);
  if (statsPopulated > 0) say(`warning: ${DB.populated} has ${statsPopulated} rows of planner statistics: the "no statistics" copy is not without them`);

  // ---- 2. the copies: one without statistics, one analyzed (the populated database stays as it is) ----
  const runs: Partial<Record<Database, DatabaseRun>> = {};
  const notes: string[] = [];
  const noStatsLetters = opts.only.filter((l) => READS.includes(l));
  if (opts.databases.includes('pg-nostats') && noStatsLetters.length) {
    dropAtEnd.add(DB.noStats);
    await onServer(ADMIN_URL, `create database ${DB.noStats} template ${DB.populated}`);
    const before = await statisticsRows(DB.noStats);
    server = await serve(databaseUrl(ADMIN_URL, DB.noStats), tempDir('pg-nostats'), { ALYX_JOBS_PLANNER_STATISTICS: 'off' });
    try {
      runs['pg-nostats'] = await measure('pg-nostats', noStatsLetters, server, populateJson);
    } finally {
      await stopServer(server);
    }
    const after = await statisticsRows(DB.noStats);
    notes.push(`rows of planner statistics (pg_stats, public schema) on the copy: ${before} before its run, ${after} after`);
    say(`no-statistics copy: ${before} rows of pg_stats before the run, ${after} after (autovacuum ${autovacuum})`);
  }
  if (opts.databases.includes('pg')) {
    dropAtEnd.add(DB.analyzed);
    await onServer(ADMIN_URL, `create database ${DB.analyzed} template ${DB.populated}`);
    const t = performance.now();
    await withClient(databaseUrl(ADMIN_URL, DB.analyzed), (c) => c.query('analyze'));
    say(`analyzed copy: ANALYZE took ${((performance.now() - t) / 1000).toFixed(1)} s`);
    server = await serve(databaseUrl(ADMIN_URL, DB.analyzed), tempDir('pg'), { ALYX_JOBS_PLANNER_STATISTICS: 'off' });
    try {
      runs.pg = await measure('pg', opts.only, server, populateJson);
    } finally {
      await stopServer(server);
    }
  }

  // ---- 3. the embedded database, imported from the populated one ----
  let importNote = '';
  if (opts.databases.includes('embedded')) {
    const dataDir = tempDir('embedded');
    say(`embedded: alyx import ${DB.populated} into ${dataDir}`);
    const t = performance.now();
    const output = await run(process.execPath, [BIN, 'import', populatedUrl], serverEnv(dataDir, null, 0, PASSWORD, serverExtras), true);
    const seconds = (performance.now() - t) / 1000;
    const rows = /imported (\d+) new rows/.exec(output)?.[1];
    importNote = `${rows ? `${Number(rows).toLocaleString('en-US')} rows` : 'the rows'} in ${seconds.toFixed(0)} s`;
    say(`embedded: imported ${importNote}`);
    server = await serve(null, dataDir, {});
    try {
      await sleep(EMBEDDED_SETTLE_MS); // its planner statistics job runs 2 s after listening
      runs.embedded = await measure('embedded', opts.only, server, populateJson);
    } finally {
      await stopServer(server);
    }
  }

  // ---- 4. the section ----
  const results = Object.fromEntries(Object.entries(runs).map(([db, r]) => [db, r.figures])) as Partial<Record<Database, Figures>>;
  const memory = Object.fromEntries(Object.entries(runs).flatMap(([db, r]) => (r.memory ? [[db, r.memory]] : []))) as Partial<Record<Database, Memory>>;
  const ran = DATABASES.filter((db) => runs[db]);
  const created = Object.values(populate.phases).reduce((n, p) => n + p.created, 0);
  const failed = Object.values(populate.phases).reduce((n, p) => n + p.failed, 0);
  const c = populate.counts;
  const populateText = reused
    ? `reused from an earlier run with --keep; \`bench.py populate\` found it complete (${created} objects created now, ${failed} failures)`
    : `populated through REST in ${Math.round(populate.total_seconds)} s (${Math.round(populate.phases.sessions?.per_s ?? 0)} sessions/s, ` +
      `${Math.round(populate.phases['register-file']?.files_per_s ?? 0).toLocaleString('en-US')} files/s through \`/register-file\`, ${failed} failures)`;
  const descriptions: Record<Database, string> = {
    'pg-nostats': `**${DATABASE_NAMES['pg-nostats']}**: a copy (\`CREATE DATABASE … TEMPLATE\`) of the populated database, which was never analyzed; autovacuum is ${autovacuum} on this server; ${notes.join('; ') || 'statistics not checked'}. Server with \`ALYX_JOBS_PLANNER_STATISTICS=off\`; the read scenarios only.`,
    pg: `**${DATABASE_NAMES.pg}**: another copy, after \`ANALYZE\`; the same server settings.`,
    embedded: `**${DATABASE_NAMES.embedded}**: \`alyx import postgres://…/${DB.populated}\` into a fresh data directory (${importNote}), then \`alyx serve\` on it, which analyzes 2 s after listening; the run began ${EMBEDDED_SETTLE_MS / 1000} s after it answered.`,
  };
  const section = [
    sectionHeading(opts.scale),
    '',
    `Measured by \`npm run bench:scale\` (bench/scale.ts) on ${timeSpan(started, new Date())} UTC${opts.quick ? ' (a --quick development run)' : ''}: code ${commit}, Node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}. Data: \`bench.py populate --scale ${opts.scale}\` into a PostgreSQL database ` +
      `(${c.subjects.toLocaleString('en-US')} subjects, ${c.sessions.toLocaleString('en-US')} sessions, ${c.files.toLocaleString('en-US')} files, ` +
      `${c.weigh_water.toLocaleString('en-US')} weighings and water administrations), ${populateText}. ` +
      `Load: \`bench.py run\` (wrk, 8 connections, 2 threads, warm-up, medians of ${opts.repeat} × ${opts.duration} s; it waits for a quiet machine before each run) ` +
      'against `node bin/alyx.mjs serve` (the compiled server, throttling and request log off), one database after the other:',
    '',
    ...ran.map((db) => `- ${descriptions[db]}`),
    '',
    `Upstream's figures are from bench/upstream-figures.json (measured ${upstream.measured}, same harness and scale, not in this sitting: figures on this VM move by ±20% between days). ` +
      '× divides ours by upstream: the no-statistics copy by upstream without statistics; analyzed PostgreSQL and the embedded database by upstream analyzed, ' +
      'or by upstream without statistics where it has no analyzed figure (c, e, g). Targets: reads ≥ 15× on PostgreSQL analyzed, ≥ 5× embedded and without statistics; ' +
      'e ≥ 10× on both databases; g is bound by the password hash (PBKDF2) and only reported. Requests/s:',
    '',
    ...renderTable(upstream, results),
    '',
    ...renderChecks(memory, results).flatMap((l) => [l, '']),
    `Load average (1 / 5 / 15 min) at the start: ${loadStart}; ` +
      ran.map((db) => `${DATABASE_NAMES[db]}: ${runs[db]!.loadBefore} before its run, ${runs[db]!.loadAfter} after`).join('; ') +
      `; ${os.cpus().length} CPUs. A bare \`node -e 0\` took ${Math.round(bareNodeMs())} ms at the end.` +
      (opts.quick ? '' : ` Raw JSON: ${[path.relative(root, populateJson), ...ran.map((db) => runs[db]!.json!)].join(', ')}.`),
    '',
  ].join('\n');
  console.log('\n' + section);

  if (opts.quick) {
    say('--quick: nothing written (bench/RESULTS.md and bench/shared-harness/ unchanged)');
    return;
  }
  const file = path.join(here, 'RESULTS.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  fs.writeFileSync(file, replaceSection(old, sectionHeading(opts.scale), section));
  say(`wrote the section "${sectionHeading(opts.scale).slice(3)}" of ${path.relative(process.cwd(), file)}`);
}

const t0 = performance.now();
try {
  await main();
  await cleanup();
  say(`done in ${Math.round((performance.now() - t0) / 1000)} s${opts.keep ? `; kept database ${DB.populated} (--reuse starts from it)` : ''}`);
} catch (e) {
  if (!interrupted) {
    console.error(`bench:scale: ${(e as Error).stack ?? e}`);
    await cleanup();
    process.exit(1);
  }
}
