// The repository scanner on a synthetic share: <files> files in sessions of <per-session> files
// (collections alf/ and raw_data/), subjects of 20 sessions each, every session registered in the
// database beforehand (as rigs do) unless --create-sessions. Measures the first scan (files/s and
// peak RSS), a rescan with nothing new, and a rescan after one new session.
//
//   npx tsx bench/scan.ts [--files 100000] [--per-session 20] [--hash] [--create-sessions] [--keep] [--concurrency N]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/scan.ts   (PostgreSQL)
//   (without BENCH_DATABASE_URL the embedded database is used, on disk; its WASM heap counts in RSS)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratch-db.ts';
import { benchLab } from './scan-fixture.ts';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { scanRepositories } from '../src/apps/data/scan/scanner.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const FILES = arg('files', 100_000);
const PER_SESSION = arg('per-session', 20);
const SESSIONS = Math.ceil(FILES / PER_SESSION);
const SESSIONS_PER_SUBJECT = 20;
const HASH = args.includes('--hash');
const CREATE = args.includes('--create-sessions');
const KEEP = args.includes('--keep');
const CONCURRENCY = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : null;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const sessionDir = (s: number) => `S${Math.floor(s / SESSIONS_PER_SUBJECT)}/${day(s % SESSIONS_PER_SUBJECT)}/001`;
const fileOf = (k: number) => (k % 2 ? `raw_data/_bench_obj${k}.raw.bin` : `alf/obj${k}.attr.npy`);

function makeShare(root: string, from: number, to: number) {
  for (let s = from; s < to; s++) {
    const dir = path.join(root, sessionDir(s));
    fs.mkdirSync(path.join(dir, 'alf'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'raw_data'), { recursive: true });
    for (let k = 0; k < PER_SESSION; k++) fs.writeFileSync(path.join(dir, fileOf(k)), `session ${s} file ${k}\n`);
  }
}

async function main() {
  const scratch = await scratchDatabase('alyx_bench_scan');
  const dbUrl = scratch.url;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-bench-scan-'));
  const share = path.join(work, 'share');
  const env = { ALYX_DATA_DIR: path.join(work, 'data'), ALYX_TIME_ZONE: 'UTC', ALYX_LAB: 'benchlab' } as NodeJS.ProcessEnv;
  const config = {
    ...loadConfig(env, work),
    databaseUrl: dbUrl,
    repositoryDirs: { bench_server: share },
    repositoryScan: { bench_server: { path: share, hash: HASH, hash_rate_mb: 0, ...(CONCURRENCY ? { scan_concurrency: CONCURRENCY } : {}) } },
  };
  const services = await openServices(config);
  try {
    await seedAll(services);
    const db = services.db;
    let t0 = Date.now();
    makeShare(share, 0, SESSIONS);
    console.log(`share: ${SESSIONS * PER_SESSION} files in ${SESSIONS} sessions, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await benchLab(db, PER_SESSION, Math.ceil(SESSIONS / SESSIONS_PER_SUBJECT));
    if (!CREATE) {
      await db.execute(sql`insert into actions_session (subject_id, lab_id, start_time, number, type)
        select (select id from subjects_subject where nickname = 'S' || (g / ${SESSIONS_PER_SUBJECT})), (select id from misc_lab where name = 'benchlab'),
               timestamp '2020-01-01 10:00' + ((g % ${SESSIONS_PER_SUBJECT}) || ' days')::interval, 1, 'Experiment'
        from generate_series(0, ${SESSIONS - 1}::int) g`);
    }
    await db.execute(sql`analyze`);

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const first = await scanRepositories(services, { rebuildCache: false });
    const cpu = process.cpuUsage(cpu0);
    const firstS = (Date.now() - t0) / 1000;
    clearInterval(timer);
    t0 = Date.now();
    const noop = await scanRepositories(services, { rebuildCache: false });
    const noopS = (Date.now() - t0) / 1000;
    // a new day of the first subject (a new session folder; the session is created by the scan)
    const extra = path.join(share, 'S0/2030-01-01/001/alf');
    fs.mkdirSync(extra, { recursive: true });
    for (let k = 0; k < PER_SESSION; k += 2) fs.writeFileSync(path.join(extra, fileOf(k).slice(4)), 'new\n');
    t0 = Date.now();
    const one = await scanRepositories(services, { rebuildCache: false });
    const oneS = (Date.now() - t0) / 1000;
    const lines = [
      `database: ${dbUrl ? 'PostgreSQL' : 'embedded (PGlite, on disk)'}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; hash ${HASH ? 'on' : 'off'}; sessions ${CREATE ? 'created by the scan' : 'registered beforehand'}`,
      `first scan: ${first.filesRegistered} files in ${first.sessionsRead} sessions (${first.sessionsCreated} created) in ${firstS.toFixed(1)} s = ${Math.round(first.filesRegistered / firstS)} files/s; RSS ${MB(base)} before, peak ${MB(peak)}; CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
      `rescan, nothing new: ${noopS.toFixed(2)} s (${noop.directoriesListed} directories listed, ${noop.sessionsUnchanged} sessions unchanged)`,
      `rescan after one new session: ${oneS.toFixed(2)} s (${one.directoriesListed} directories listed, ${one.sessionsRead} session read, ${one.filesRegistered} files registered)`,
    ];
    for (const l of lines) console.log(l);
    const issues = Object.entries(first.issues);
    if (issues.length) console.log('unexpected issues:', issues);
  } finally {
    await services.handle.close();
    if (!KEEP) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
    if (!KEEP) await scratch.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
