// Opening the embedded database's data directory, in a module that loads nothing heavy (no schema,
// no drizzle): `alyx serve` starts PostgreSQL on its worker thread from here first, then loads the
// server while it starts (src/cli/serve.ts).
import fs from 'node:fs';
import path from 'node:path';
import { lockDataDir } from './lock.ts';
import type { PGliteThread } from './pglite-thread.ts';
import type { Config } from '../config.ts';

/** Where the embedded database of a site lives: `db/` in its data directory. */
export function pgliteDirOf(config: Config): string {
  return path.join(config.dataDir, 'db');
}

/** True when the site has no embedded database yet (a first start fills it from the template). */
export function hasNoDatabase(config: Config): boolean {
  const dir = pgliteDirOf(config);
  return !(fs.existsSync(dir) && fs.readdirSync(dir).length);
}

/** PostgreSQL settings of the embedded database, after PGlite's own. */
export function embeddedStartParams(sharedBuffersMb = 32): string[] {
  return [
    // The embedded database's files sit on the local disk and mostly in the OS cache: a random
    // page costs about what a sequential one does. With PostgreSQL's default (4, for spinning
    // disks) the planner scans small tables once per outer row instead of probing their primary
    // key, e.g. a list's subject nicknames: ONE's session search took 13-27 ms per query at
    // scale 1, 10 ms with 1.1 (bench/RESULTS.md).
    '-c',
    'random_page_cost=1.1',
    // PGlite touches all of its shared buffers at start (PostgreSQL's default 128 MB was 250 MB
    // of the server's resident memory); pages that do not fit are read from the OS cache
    '-c',
    `shared_buffers=${sharedBuffersMb}MB`,
  ];
}

/**
 * Takes the data directory's lock and, when the directory is empty, fills it from `template` (a
 * migrated empty database) unless a dump is to be loaded. Returns the unlock function.
 */
export function prepareDataDir(pgliteDir: string, opts: { loadingDump?: boolean; template?: () => string | null }): () => void {
  const unlock = lockDataDir(path.dirname(pgliteDir));
  try {
    fs.mkdirSync(pgliteDir, { recursive: true });
    const template = !opts.loadingDump && fs.readdirSync(pgliteDir).length === 0 ? opts.template?.() : null;
    if (template) fs.cpSync(template, pgliteDir, { recursive: true });
    return unlock;
  } catch (e) {
    unlock();
    throw e;
  }
}

/** An embedded database whose worker thread is starting; `openDatabase({ started })` adopts it. */
export interface EmbeddedStart {
  thread: PGliteThread;
  /** closes the database (PostgreSQL writes its state) and releases the data-dir lock, even when closing fails */
  close(): Promise<void>;
}

/** The close of a threaded database and its lock, in one place for every caller. */
export function closingWith(thread: PGliteThread, unlock: () => void): () => Promise<void> {
  return async () => {
    try {
      await thread.close();
    } finally {
      unlock();
    }
  };
}

/**
 * Locks and prepares `pgliteDir`, then starts PostgreSQL on its worker thread without waiting for
 * it: statements sent meanwhile run once it is up.
 */
export async function startEmbedded(pgliteDir: string, opts: { sharedBuffersMb?: number; template?: () => string | null }): Promise<EmbeddedStart> {
  const unlock = prepareDataDir(pgliteDir, { template: opts.template });
  try {
    const { PGliteThread } = await import('./pglite-thread.ts');
    const thread = PGliteThread.start({ dataDir: pgliteDir, startParams: embeddedStartParams(opts.sharedBuffersMb) });
    return { thread, close: closingWith(thread, unlock) };
  } catch (e) {
    unlock();
    throw e;
  }
}

/**
 * The site's embedded database, starting on its worker thread, or null on PostgreSQL. An empty
 * data directory is filled from the install's template (a migrated empty database) first.
 */
export async function startSiteDatabase(config: Config): Promise<EmbeddedStart | null> {
  if (config.databaseUrl) return null;
  const template = hasNoDatabase(config) ? (await import('./template.ts')).usableTemplate : undefined;
  return startEmbedded(pgliteDirOf(config), { sharedBuffersMb: config.embeddedSharedBuffersMb, template });
}
