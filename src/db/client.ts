// One typed database handle over either driver: embedded PGlite (default) or node-postgres.
// The rest of the code only sees `Db` (a drizzle PgDatabase) and never the driver.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query API as the database handle. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Queryable = Db | Tx;

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DbHandle {
  db: Db;
  driver: 'pglite' | 'pg';
  close(): Promise<void>;
  /** the PGlite instance, for dump/restore tools (null on node-postgres) */
  pglite: import('@electric-sql/pglite').PGlite | null;
}

export class DataDirLockedError extends Error {}

/**
 * PGlite has no file lock of its own: two processes on one data dir silently lose rows.
 * We hold an exclusive lock file with our pid; a lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, 'alyx.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lockFile, 'utf8'));
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) {
        throw new DataDirLockedError(
          `the database in ${dir} is in use by another alyx process (pid ${pid}). ` +
            `Stop that server first (while it runs, use the REST API or the web UI instead).`,
        );
      }
      fs.unlinkSync(lockFile); // stale lock from a process that died
    }
  }
  throw new DataDirLockedError(`could not lock ${dir}`);
}

export interface OpenOptions {
  databaseUrl: string | null;
  /** PGlite data directory; null opens an in-memory database */
  pgliteDir: string | null;
  /** a PGlite dump (from dumpDataDir) to start from, for fast test fixtures */
  loadDataDir?: Blob;
  /** pool size for node-postgres */
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pg = (await import('pg')).default;
    // int8 (counts, file sizes) as JS numbers, as PGlite gives them.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    pool.on('error', () => {
      /* idle client errors are reported on the next query */
    });
    const db = drizzle(pool, { schema }) as unknown as Db;
    return { db, driver: 'pg', pglite: null, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  let unlock = () => {};
  if (opts.pgliteDir) {
    unlock = lockDataDir(path.dirname(opts.pgliteDir));
    fs.mkdirSync(opts.pgliteDir, { recursive: true });
  }
  try {
    const client = await PGlite.create({
      dataDir: opts.pgliteDir ?? undefined,
      loadDataDir: opts.loadDataDir,
    });
    const { drizzle } = await import('drizzle-orm/pglite');
    const db = drizzle(client, { schema }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      pglite: client,
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.driver === 'pg') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}

/** Runs a raw SQL statement and returns its rows, whichever driver is underneath. */
export async function query<T = Record<string, unknown>>(db: Queryable, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

export async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
