// `npx tsx bench/writes.ts`: how fast the server creates the rows a lab writes all day (sessions,
// weighings, water administrations), under wrk like the shared harness's scenarios: `alyx serve`
// from the checkout (the compiled server) on a fresh embedded database, and on a fresh PostgreSQL
// database when BENCH_DATABASE_URL names a server. 8 connections (2 wrk threads) and 1 connection,
// medians of --repeat runs of --duration seconds; every answer must be a 201. Also the server
// process's CPU time per request. Prints a table and writes bench/writes.md.
//
//   npx tsx bench/writes.ts [--duration 10] [--repeat 3] [--only sessions,weighings]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/writes.ts
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { freePort, serverEnv, startServer } from './server-process.ts';
import { scratchDatabase } from './scratch-db.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
function options() {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string', default: '10' },
        repeat: { type: 'string', default: '3' },
        only: { type: 'string' },
        out: { type: 'string', default: path.join(here, 'writes.md') },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`bench/writes.ts: ${(e as Error).message} (options: --duration S --repeat N --only sessions,weighings,water-administrations --out FILE)`);
    process.exit(2);
  }
}
const args = options();
const DURATION = Math.max(1, Number(args.duration) || 10);
const REPEAT = Math.max(1, Number(args.repeat) || 3);
const PASSWORD = 'bench-writes-password';

interface Scenario {
  name: string;
  path: string;
  /** the body, with @@N@@ where a number unique to the request goes */
  body: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'sessions',
    path: '/sessions',
    // as the shared harness's populate creates them
    body: {
      subject: 'bw_mouse',
      lab: 'bw_lab',
      number: '@@N@@',
      start_time: '2026-01-05T10:00:00',
      end_time: '2026-01-05T11:00:00',
      users: ['admin'],
      projects: ['bw_project'],
      procedures: ['Behavior training/tasks'],
      task_protocol: '_iblrig_tasks_trainingChoiceWorld6.4.2',
      type: 'Experiment',
      n_trials: 500,
      n_correct_trials: 400,
    },
  },
  { name: 'weighings', path: '/weighings', body: { subject: 'bw_mouse', date_time: '2026-01-05T08:15:00', weight: 22.5, user: 'admin' } },
  {
    name: 'water-administrations',
    path: '/water-administrations',
    body: { subject: 'bw_mouse', date_time: '2026-01-05T16:20:00', water_administered: 1.1, water_type: 'Water', user: 'admin' },
  },
].filter((s) => !args.only || args.only.split(',').includes(s.name));


/** user + system CPU milliseconds of a process (Linux /proc; 0 elsewhere) */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function call(base: string, method: string, urlPath: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(base + urlPath, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Token ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The lab, project and subject the bodies name. */
async function prepare(base: string): Promise<string> {
  const { token } = (await call(base, 'POST', '/auth-token', { username: 'admin', password: PASSWORD })) as { token: string };
  await call(base, 'POST', '/labs', { name: 'bw_lab' }, token);
  await call(base, 'POST', '/projects', { name: 'bw_project' }, token);
  await call(base, 'POST', '/subjects', { nickname: 'bw_mouse', lab: 'bw_lab', responsible_user: 'admin', sex: 'F', birth_date: '2025-06-01' }, token);
  return token;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
}

let runCount = 0;
function wrk(base: string, token: string, s: Scenario, connections: number, seconds: number, serverPid: number): Run {
  const out = path.join(os.tmpdir(), `alyx-writes-${process.pid}-${++runCount}.json`);
  const env = {
    ...process.env,
    BENCH_PATH: s.path,
    BENCH_BODY: JSON.stringify(s.body).replace('"@@N@@"', '@@N@@'),
    BENCH_TOKEN: token,
    BENCH_OUT: out,
    BENCH_BASE: String(runCount * 10_000_000),
  };
  const cpu0 = cpuMs(serverPid);
  const threads = String(Math.min(2, connections));
  const r = spawnSync('wrk', ['-t', threads, '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', path.join(here, 'writes.lua'), base], {
    env,
    encoding: 'utf8',
  });
  const cpu1 = cpuMs(serverPid);
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`wrk failed: ${r.error?.message ?? r.stderr}`);
  const w = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(out);
  if (w.non2xx || w.socket_errors) throw new Error(`${s.name}: ${w.non2xx} answers were not 2xx, ${w.socket_errors} socket errors`);
  return { rps: w.requests / (w.duration_us / 1e6), p50: w.latency_us.p50 / 1000, p99: w.latency_us.p99 / 1000, cpuPerRequest: (cpu1 - cpu0) / w.requests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function measure(label: string, databaseUrl: string | null): Promise<string[]> {
  const dataDir = path.join(os.tmpdir(), `alyx-writes-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);
  const port = await freePort();
  const { base, child, stop } = await startServer(
    serverEnv(dataDir, databaseUrl, port, PASSWORD, { ALYX_THROTTLE_PER_MINUTE: '0', ALYX_SKIP_WEB_BUILD: '1' }),
  );
  const rows: string[] = [];
  try {
    const token = await prepare(base);
    for (const s of SCENARIOS) {
      wrk(base, token, s, 8, 2, child.pid!); // warm-up
      for (const connections of [8, 1]) {
        const runs = Array.from({ length: REPEAT }, () => wrk(base, token, s, connections, DURATION, child.pid!));
        const m = (k: keyof Run) => median(runs.map((r) => r[k]));
        console.log(`${label} ${s.name} c=${connections}: ${runs.map((r) => r.rps.toFixed(1)).join(', ')} req/s`);
        rows.push(
          `| ${label} | POST ${s.path} | ${connections} | ${m('rps').toFixed(1)} | ${m('p50').toFixed(1)} | ${m('p99').toFixed(1)} | ${m('cpuPerRequest').toFixed(2)} |`,
        );
      }
    }
  } finally {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

async function main() {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk not found: apt-get install -y wrk');
  const load0 = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const rows = await measure('embedded', null);
  if (process.env.BENCH_DATABASE_URL) {
    const db = await scratchDatabase('alyx_bench_writes');
    try {
      rows.push(...(await measure('PostgreSQL', db.url)));
    } finally {
      await db.drop();
    }
  }
  const load1 = os.loadavg().map((l) => l.toFixed(2)).join(' / ');
  const text = [
    '# Writes: creating sessions, weighings and water administrations',
    '',
    `Measured by \`npx tsx bench/writes.ts\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}; \`alyx serve\` (compiled, request log and throttling off) on a fresh database; ` +
      `wrk POSTing the shared harness's bodies, ${REPEAT} runs of ${DURATION} s per line, medians. Every answer was a 201. ` +
      'Server CPU: user + system time of the server process per request (PostgreSQL\'s own processes not included).',
    '',
    '| database | request | connections | requests/s | p50 ms | p99 ms | server CPU ms/request |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Load average (1 / 5 / 15 min) before: ${load0}, after: ${load1}.`,
    '',
  ].join('\n');
  console.log('\n' + text);
  fs.writeFileSync(args.out!, text);
  console.log(`bench: wrote ${args.out}`);
}

await main();
