// `npm run bench:startup`: how long `alyx` takes to be useful, run as a user runs it (`node
// bin/alyx.mjs`, the compiled server): `alyx --help`; `alyx serve` on an empty data directory to its
// first answered request (GET /health, which queries the database); `alyx serve` again on that
// directory (reopen); and `alyx migrate`, a one-shot command that opens the database. Prints the
// medians and writes them, with the machine's load, to the "Start-up" section of bench/RESULTS.md.
//
//   npm run bench:startup [-- --runs 5] [-- --bin OTHER/bin/alyx.mjs --label before]
//   (--bin times another checkout's alyx, e.g. an older release, and leaves RESULTS.md alone)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:startup   (PostgreSQL too)
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildIsCurrent, buildServer } from '../scripts/build-server.mjs';
import { freePort, serverEnv } from './server-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const OTHER_BIN = option('--bin');
const bin = OTHER_BIN ? path.resolve(OTHER_BIN) : path.join(root, 'bin', 'alyx.mjs');
const RUNS = Math.min(20, Math.max(1, Number(argv[argv.indexOf('--runs') + 1]) || 5));
const PG_URL = process.env.BENCH_DATABASE_URL || null;
const TARGETS = { help: 300, first: 5000, reopen: 1000, command: 1500 };

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat (Linux;
 * null elsewhere): unlike wall-clock time it hardly grows with the machine's load.
 */
function childrenCpuMs(): number | null {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

/** Wall-clock and CPU milliseconds of one measured run. */
interface Run {
  wall: number;
  cpu: number | null;
}

async function measure(fn: () => Promise<number> | number): Promise<Run> {
  const cpu0 = childrenCpuMs();
  const wall = await fn();
  const cpu1 = childrenCpuMs();
  return { wall, cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');


function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

function envFor(dataDir: string, databaseUrl: string | null, port: number): NodeJS.ProcessEnv {
  // the web UI is built once per checkout (first `npm start`), not per data directory
  const webBuilt = fs.existsSync(path.join(root, 'dist', 'web', 'index.html'));
  return serverEnv(dataDir, databaseUrl, port, 'bench-startup-password', webBuilt ? {} : { ALYX_SKIP_WEB_BUILD: '1' });
}

/** Milliseconds from spawning `alyx serve` to its first 200 on GET /health; stops the server after. */
async function serveToFirstAnswer(dataDir: string, databaseUrl: string | null): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'serve'], { env: envFor(dataDir, databaseUrl, port), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  try {
    for (;;) {
      if (exited) throw new Error(`alyx serve exited before answering:\n${stderr}`);
      try {
        if ((await get(port, '/health')) === 200) return performance.now() - t0;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`alyx ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return ms;
}

interface Figures {
  first: Run[];
  reopen: Run[];
  command: Run[];
}

async function measureDatabase(label: string, freshDatabase: () => Promise<{ url: string | null; dataDir: string; drop(): Promise<void> }>): Promise<Figures> {
  const figures: Figures = { first: [], reopen: [], command: [] };
  for (let i = 0; i < RUNS; i++) {
    const target = await freshDatabase();
    try {
      figures.first.push(await measure(() => serveToFirstAnswer(target.dataDir, target.url)));
      figures.reopen.push(await measure(() => serveToFirstAnswer(target.dataDir, target.url)));
      figures.command.push(await measure(() => timeCommand(['migrate'], envFor(target.dataDir, target.url, 0))));
    } finally {
      await target.drop();
    }
    console.log(`${label} run ${i + 1}/${RUNS}: first start ${Math.round(figures.first[i].wall)} ms, reopen ${Math.round(figures.reopen[i].wall)} ms, alyx migrate ${Math.round(figures.command[i].wall)} ms`);
  }
  return figures;
}

const tmpDir = () => path.join(os.tmpdir(), `alyx-startup-${process.pid}-${crypto.randomBytes(3).toString('hex')}`);

async function main() {
  if (!OTHER_BIN && !buildIsCurrent()) {
    console.log('bench: building the server first (not timed)');
    await buildServer();
  }
  const loadBefore = loadavg();
  const help: Run[] = [];
  for (let i = 0; i < Math.max(RUNS, 5); i++) help.push(await measure(() => timeCommand(['--help'], envFor(tmpDir(), null, 0))));
  console.log(`alyx --help: ${help.map((m) => Math.round(m.wall)).join(', ')} ms`);

  const results: Array<[string, Figures]> = [];
  results.push([
    'embedded (PGlite)',
    await measureDatabase('embedded', async () => {
      const dataDir = tmpDir();
      return { url: null, dataDir, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
    }),
  ]);
  if (PG_URL) {
    results.push([
      'PostgreSQL',
      await measureDatabase('PostgreSQL', async () => {
        const name = `alyx_startup_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        const url = Object.assign(new URL(PG_URL), { pathname: `/${name}` }).toString();
        const dataDir = tmpDir();
        return {
          url,
          dataDir,
          drop: async () => {
            const c = new pg.Client({ connectionString: PG_URL });
            await c.connect();
            await c.query(`drop database if exists ${name} with (force)`);
            await c.end();
            fs.rmSync(dataDir, { recursive: true, force: true });
          },
        };
      }),
    ]);
  }
  const loadAfter = loadavg();

  const ms = (x: number) => `${Math.round(x)} ms`;
  const row = (what: string, runs: Run[], target: number) => {
    const wall = runs.map((r) => r.wall);
    const cpu = runs.every((r) => r.cpu !== null) ? ms(median(runs.map((r) => r.cpu!))) : '–';
    return `| ${what} | ${ms(median(wall))} | ${wall.map((x) => Math.round(x)).join(', ')} | ${cpu} | < ${ms(target)} | ${median(wall) < target ? 'yes' : 'no'} |`;
  };
  const lines = [
    '## Start-up',
    '',
    `Measured by \`npm run bench:startup\` (bench/startup.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, \`node ${OTHER_BIN ? bin : 'bin/alyx.mjs'}\` (${OTHER_BIN ? option('--label') ?? 'another checkout' : 'the compiled server in dist/server'}), ${RUNS} runs each, medians.` +
      (fs.existsSync(path.join(root, 'dist', 'web', 'index.html')) ? '' : ' The web UI was not built (ALYX_SKIP_WEB_BUILD).'),
    'First start: `alyx serve` on an empty data directory (or empty PostgreSQL database) until GET /health answers 200 (migrations, seed data, admin user, listen); ' +
      'reopen: `alyx serve` again on it; command: `alyx migrate` on it (opens the database, checks migrations and seed versions, exits). ' +
      'CPU time: user + system time of the `alyx` process (Linux), which grows far less with the load than wall-clock time: on a loaded machine it is the better guess of the idle figure.',
    '',
    '| measure | median | runs (ms) | CPU time (median) | target | meets target |',
    '|---|---|---|---|---|---|',
    row('`alyx --help`', help, TARGETS.help),
    ...results.flatMap(([label, f]) => [
      row(`first start, ${label}`, f.first, TARGETS.first),
      row(`reopen, ${label}`, f.reopen, TARGETS.reopen),
      row(`\`alyx migrate\`, ${label}`, f.command, TARGETS.command),
    ]),
    '',
    `Load average (1 / 5 / 15 min) before: ${loadBefore}, after: ${loadAfter} on ${os.cpus().length} CPUs; ` +
      `a bare \`node -e 0\` took ${ms(median([0, 1, 2].map(() => { const t = performance.now(); spawnSync(process.execPath, ['-e', '0']); return performance.now() - t; })))} at the end.`,
    '',
  ];
  const section = lines.join('\n');
  console.log('\n' + section);

  if (OTHER_BIN) return;
  // RESULTS.md keeps one section per kind of run: replace ours, keep the others
  const file = path.join(here, 'RESULTS.md');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const parts = old.split(/^(?=## )/m);
  const kept = parts.filter((p) => p.split('\n')[0].trim() !== '## Start-up');
  fs.writeFileSync(file, [...kept.map((p) => p.trimEnd() + '\n'), section].join('\n'));
  console.log(`bench: wrote ${file}`);
}

await main();
