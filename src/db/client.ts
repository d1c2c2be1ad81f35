// One typed database handle over either driver: embedded PGlite (default) or node-postgres.
// The rest of the code only sees `Db` (a drizzle PgDatabase) and never the driver.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import { installAuditGuard } from '../apps/audit/guard.ts';
import { installDerivedTables } from './derived.ts';
import * as schema from './schema.ts';
import { closingWith, embeddedStartParams, prepareDataDir } from './embedded.ts';

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

export { DataDirLockedError, lockDataDir } from './lock.ts';

export interface OpenOptions {
  databaseUrl: string | null;
  /** PGlite data directory; null opens an in-memory database */
  pgliteDir: string | null;
  /** a PGlite dump (from dumpDataDir) to start from, for fast test fixtures */
  loadDataDir?: Blob;
  /** pool size for node-postgres */
  poolSize?: number;
  /** PGlite: shared_buffers in MB (default 32) */
  sharedBuffersMb?: number;
  /**
   * node-postgres: PostgreSQL's statement_timeout on every pooled connection (0: none). PGlite runs
   * single-threaded in wasm, where no timer can interrupt a running statement: there, requests are
   * bounded before they reach the database instead (page sizes, list lengths, django= complexity).
   */
  statementTimeoutMs?: number;
  /**
   * PGlite: when `pgliteDir` is empty, a data directory to copy into it first (a migrated empty
   * database, src/db/template.ts); called only then, under the data-dir lock
   */
  template?: () => string | null;
  /**
   * PGlite: run the database on a worker thread (src/db/pglite-thread.ts) so that its statements
   * and the caller's JavaScript use two cores; the server does. `pglite` is then null: the dump
   * and restore tools open the database in-thread.
   */
  thread?: boolean;
  /** an embedded database already starting on its thread (src/db/embedded.ts): the other options are ignored */
  started?: import('./embedded.ts').EmbeddedStart;
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    const pg = (await import('pg')).default;
    // int8 (counts, file sizes) as JS numbers, as PGlite gives them.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    });
    // data statements as named prepared statements on each connection (src/db/pg-statements.ts)
    const { nameStatements } = await import('./pg-statements.ts');
    pool.on('connect', (client) => nameStatements(client));
    pool.on('error', () => {
      /* idle client errors are reported on the next query */
    });
    const db = drizzle(pool, { schema }) as unknown as Db;
    return { db, driver: 'pg', pglite: null, close: () => pool.end() };
  }
  if (opts.started) return adoptThread(opts.started.thread, opts.started.close);
  const unlock = opts.pgliteDir ? prepareDataDir(opts.pgliteDir, { loadingDump: !!opts.loadDataDir, template: opts.template }) : () => {};
  const startParams = embeddedStartParams(opts.sharedBuffersMb);
  try {
    if (opts.thread) {
      const { PGliteThread } = await import('./pglite-thread.ts');
      const thread = await PGliteThread.open({ dataDir: opts.pgliteDir ?? undefined, loadDataDir: opts.loadDataDir, startParams });
      return adoptThread(thread, closingWith(thread, unlock));
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create({
      dataDir: opts.pgliteDir ?? undefined,
      loadDataDir: opts.loadDataDir,
      startParams: [...PGlite.defaultStartParams, ...startParams],
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

/** A handle over the embedded database on its worker thread (src/db/pglite-thread.ts). */
async function adoptThread(thread: import('./pglite-thread.ts').PGliteThread, close: () => Promise<void>): Promise<DbHandle> {
  const { drizzle } = await import('drizzle-orm/pglite');
  // drizzle's PGlite driver calls only query() and transaction(), which PGliteThread has
  const db = drizzle(thread as never, { schema }) as unknown as Db;
  return { db, driver: 'pglite', pglite: null, close };
}

export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (await migrationsPending(handle.db)) await runMigrations(handle);
  // database objects that live outside the migrations, so that a regenerated migration cannot lose them
  await installAuditGuard(handle.db);
  await installDerivedTables(handle.db);
}

async function runMigrations(handle: DbHandle): Promise<void> {
  if (handle.driver === 'pg') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}

/**
 * Whether drizzle's migrator has work to do: it applies the journal's migrations newer than the last
 * one it recorded. Asked first because the migrator's own check begins with DDL (CREATE SCHEMA /
 * TABLE IF NOT EXISTS) and a transaction, ~50-250 ms of a reopen on a cold embedded catalog, where
 * this is two small reads.
 */
async function migrationsPending(db: Db): Promise<boolean> {
  const { appliedMigrations, codeSchemaVersion } = await import('../ops/schema-version.ts');
  const last = (await appliedMigrations(db)).at(-1);
  return !last || last.when < codeSchemaVersion().when;
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
