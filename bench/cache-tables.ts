// Memory of the ONE cache-table build: generates sessions and datasets (each with one existing
// file record on an HTTP repository) directly in SQL, then builds the tables at growing sizes
// while sampling the process memory. Flat memory = the peak does not grow with the row count.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/cache-tables.ts [--datasets 1000000]
//   (without BENCH_DATABASE_URL an in-memory PGlite is used; its WASM heap then counts in RSS)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratch-db.ts';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openServices, seedAll } from '../src/db/setup.ts';
import { buildCacheTables } from '../src/apps/data/cache-tables.ts';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const TOTAL = arg('datasets', 1_000_000);
const PER_SESSION = arg('per-session', 100);
const BATCH = arg('batch', 50_000);
const STEPS = [TOTAL / 10, TOTAL].map(Math.round);

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const scratch = await scratchDatabase('alyx_bench');
  const dbUrl = scratch.url;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-bench-'));
  const config = { ...loadConfig({ ALYX_DATA_DIR: work, ALYX_TIME_ZONE: 'UTC', ALYX_LAB: 'benchlab' } as NodeJS.ProcessEnv, work), databaseUrl: dbUrl, statementTimeoutMs: 0 }; // generating 1M rows is one statement
  const services = await openServices(config, { inMemory: !dbUrl });
  try {
    await seedAll(services);
    const db = services.db;
    await db.execute(sql`insert into misc_lab (name) values ('benchlab') on conflict do nothing`);
    await db.execute(sql`insert into data_datarepository (name, data_url, globus_is_personal) values ('bench_server', 'http://localhost/benchlab/Subjects/', false)`);
    let made = 0;
    for (const target of STEPS) {
      const sessionsFrom = made / PER_SESSION;
      const sessionsTo = target / PER_SESSION;
      const t0 = Date.now();
      await db.execute(sql`
        insert into subjects_subject (nickname, lab_id)
        select 'S' || g, (select id from misc_lab where name = 'benchlab') from generate_series(${sessionsFrom / 10 + 1}::int, ${sessionsTo / 10}::int) g`);
      await db.execute(sql`
        insert into actions_session (subject_id, lab_id, start_time, number, task_protocol)
        select (select id from subjects_subject where nickname = 'S' || ((g - 1) / 10 + 1)), (select id from misc_lab where name = 'benchlab'),
               timestamp '2020-01-01' + ((g % 10) || ' days')::interval, g % 10 + 1, 'bench_protocol'
        from generate_series(${sessionsFrom + 1}::int, ${sessionsTo}::int) g`);
      await db.execute(sql`
        insert into data_dataset (name, session_id, collection, dataset_type_id, data_format_id, hash, file_size, qc, default_dataset)
        select 'obj' || (g % ${PER_SESSION}) || '.attr.npy', s.id, 'alf', (select id from data_datasettype where name = 'spikes.times'),
               (select id from data_dataformat where name = 'npy'), md5(g::text), g, (array[0, 10, 30, 40, 50])[g % 5 + 1], true
        from generate_series(1, ${PER_SESSION}) g cross join (select id from actions_session order by id offset ${sessionsFrom} limit ${sessionsTo - sessionsFrom}) s`);
      await db.execute(sql`
        insert into data_filerecord (dataset_id, data_repository_id, relative_path, exists)
        select d.id, (select id from data_datarepository where name = 'bench_server'), 'x/' || d.id::text, true
        from data_dataset d where not exists (select 1 from data_filerecord f where f.dataset_id = d.id)`);
      made = target;
      console.log(`generated ${made} datasets in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

      (globalThis as { gc?: () => void }).gc?.();
      const base = process.memoryUsage();
      let peak = { rss: base.rss, heapUsed: base.heapUsed, external: base.external + base.arrayBuffers };
      const timer = setInterval(() => {
        const m = process.memoryUsage();
        peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed), external: Math.max(peak.external, m.external + m.arrayBuffers) };
      }, 10);
      const t1 = Date.now();
      let queryMs = 0;
      let writeMs = 0;
      const retained: number[] = [];
      const gc = (globalThis as { gc?: () => void }).gc;
      const info = await buildCacheTables(db, {
        destination: path.join(work, 'tables'),
        origin: 'bench',
        timeZone: 'UTC',
        batchSize: BATCH,
        onBatch: (table, _rows, q, w) => {
          queryMs += q;
          writeMs += w;
          if (table === 'datasets' && gc) {
            gc();
            retained.push(process.memoryUsage().heapUsed);
          }
        },
      });
      clearInterval(timer);
      const zip = fs.statSync(path.join(work, 'tables', 'cache.zip')).size;
      console.log(
        `build ${info.tables.datasets.nrecs} datasets / ${info.tables.sessions.nrecs} sessions: ${((Date.now() - t1) / 1000).toFixed(1)} s, ` +
          `zip ${MB(zip)}; heapUsed ${MB(base.heapUsed)} -> peak ${MB(peak.heapUsed)}, external+buffers peak ${MB(peak.external)}, ` +
          `rss ${MB(base.rss)} -> peak ${MB(peak.rss)} (batch ${BATCH}); queries ${(queryMs / 1000).toFixed(1)} s, parquet ${(writeMs / 1000).toFixed(1)} s; ` +
          `heap retained after each batch (gc): first ${MB(retained[0] ?? 0)}, max ${MB(Math.max(0, ...retained))}, last ${MB(retained[retained.length - 1] ?? 0)}`,
      );
    }
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
