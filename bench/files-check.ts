// `alyx files check` on a synthetic share: <files> files in sessions of 20 (bench/scan.ts's layout),
// registered by a first scan, then checked (1) with the current check (one walk of the share with
// the scanner's walker, a stat only for records the walk did not see) and (2) with the former check
// (one statSync per record, same batched reads and updates; re-implemented here for the comparison).
// Then one session folder is removed and both are run again (dry) to count what they find.
//
//   npx tsx bench/files-check.ts [--files 50000]
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/files-check.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, gt } from 'drizzle-orm';
import { scratchDatabase } from './scratch-db.ts';
import { benchLab } from './scan-fixture.ts';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import type { Queryable } from '../src/db/client.ts';
import { scanRepositories } from '../src/apps/data/scan/scanner.ts';
import { checkFiles } from '../src/apps/data/file-check.ts';
import { safeJoin } from '../src/apps/data/serve-files.ts';
import { dataRepositories, fileRecords } from '../src/apps/data/tables.ts';

const args = process.argv.slice(2);
const FILES = args.includes('--files') ? Number(args[args.indexOf('--files') + 1]) : 50_000;
const PER_SESSION = 20;
const SESSIONS = Math.ceil(FILES / PER_SESSION);
const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const sessionDir = (s: number) => `S${Math.floor(s / 20)}/${day(s % 20)}/001`;
const fileOf = (k: number) => (k % 2 ? `raw_data/_bench_obj${k}.raw.bin` : `alf/obj${k}.attr.npy`);

/** the former check: one statSync per record */
async function statPerRecord(db: Queryable, dir: string, repoId: string) {
  let after: string | null = null;
  let present = 0;
  let missing = 0;
  for (;;) {
    const rows: Array<{ id: string; path: string }> = await db
      .select({ id: fileRecords.id, path: fileRecords.relative_path })
      .from(fileRecords)
      .where(and(eq(fileRecords.data_repository, repoId), after ? gt(fileRecords.id, after) : undefined))
      .orderBy(asc(fileRecords.id))
      .limit(5000);
    if (!rows.length) break;
    for (const r of rows) {
      let ok = false;
      try {
        ok = fs.statSync(safeJoin(dir, r.path)!).isFile();
      } catch {
        ok = false;
      }
      if (ok) present++;
      else missing++;
    }
    after = rows[rows.length - 1].id;
  }
  return { present, missing };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e9];
}

async function main() {
  const scratch = await scratchDatabase('alyx_bench_check');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-bench-check-'));
  const share = path.join(work, 'share');
  const env = { ALYX_DATA_DIR: path.join(work, 'data'), ALYX_TIME_ZONE: 'UTC', ALYX_LAB: 'benchlab' } as NodeJS.ProcessEnv;
  const config = { ...loadConfig(env, work), databaseUrl: scratch.url, repositoryDirs: { bench_server: share }, repositoryScan: { bench_server: { path: share } } };
  const services = await openServices(config);
  try {
    await seedAll(services);
    const db = services.db;
    for (let s = 0; s < SESSIONS; s++) {
      const dir = path.join(share, sessionDir(s));
      fs.mkdirSync(path.join(dir, 'alf'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'raw_data'), { recursive: true });
      for (let k = 0; k < PER_SESSION; k++) fs.writeFileSync(path.join(dir, fileOf(k)), `session ${s} file ${k}\n`);
    }
    await benchLab(db, PER_SESSION, Math.ceil(SESSIONS / 20));
    const scan = await scanRepositories(services, { rebuildCache: false });
    const [{ id: repoId }] = await db.select({ id: dataRepositories.id }).from(dataRepositories).where(eq(dataRepositories.name, 'bench_server'));
    console.log(`database: ${scratch.url ? 'PostgreSQL' : 'embedded (PGlite, on disk)'}; load ${os.loadavg()[0].toFixed(1)}; ${scan.filesRegistered} records in ${SESSIONS} sessions`);
    for (let round = 0; round < 2; round++) {
      const [walk, walkS] = await timed(() => db.transaction((tx) => checkFiles(tx, config, { dry: true })));
      const [old, oldS] = await timed(() => statPerRecord(db, share, repoId));
      console.log(`${round ? 'after removing one session folder' : 'all present'}: walk ${walkS.toFixed(2)} s (${walk.present} present, ${walk.missing} missing); stat per record ${oldS.toFixed(2)} s (${old.present} present, ${old.missing} missing)`);
      if (!round) fs.rmSync(path.join(share, sessionDir(7)), { recursive: true });
    }
    const [real, realS] = await timed(() => db.transaction((tx) => checkFiles(tx, config)));
    console.log(`check writing the flags: ${realS.toFixed(2)} s (${real.changed} changed)`);
  } finally {
    await services.handle.close();
    fs.rmSync(work, { recursive: true, force: true });
    await scratch.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
