// The lab that the scanner benchmarks register files into (bench/scan.ts, bench/files-check.ts): a lab,
// a superuser to scan as, the HTTP data repository `bench_server`, a dataset type per file of a session
// (every other one matched by filename pattern) and the subjects S0, S1, ... that own the sessions.
import { sql } from 'drizzle-orm';
import type { Queryable } from '../src/db/client.ts';
import { dataRepositories, datasetTypes } from '../src/apps/data/tables.ts';
import { users } from '../src/apps/misc/tables.ts';

export async function benchLab(db: Queryable, filesPerSession: number, subjects: number): Promise<void> {
  await db.execute(sql`insert into misc_lab (name) values ('benchlab') on conflict do nothing`);
  await db.insert(users).values({ username: 'bench', password: '!', is_superuser: true });
  // the configured repository already exists once the server seeded (without a url in the config)
  const repo = { name: 'bench_server', data_url: 'http://localhost/benchlab/Subjects/', globus_is_personal: false };
  await db.insert(dataRepositories).values(repo).onConflictDoUpdate({ target: dataRepositories.name, set: repo });
  await db.insert(datasetTypes).values(
    Array.from({ length: filesPerSession }, (_, k) => (k % 2 ? { name: `_bench_obj${k}.raw`, filename_pattern: `_bench_obj${k}.raw.*` } : { name: `obj${k}.attr`, filename_pattern: null })),
  );
  await db.execute(sql`insert into subjects_subject (nickname, lab_id)
    select 'S' || g, (select id from misc_lab where name = 'benchlab') from generate_series(0, ${subjects - 1}::int) g`);
}
