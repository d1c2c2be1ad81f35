// Start-up: open the database, apply pending migrations, load idempotent seed data when it changed,
// and make sure an administrator exists. Used by `alyx serve`, the other CLI commands and the tests.
import crypto from 'node:crypto';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import { apps as allApps } from '../apps/index.ts';
import type { AlyxApp, Services } from '../apps/app.ts';
import { hashPassword } from '../rest/auth.ts';
import { users } from '../apps/misc/tables.ts';
import { migrateDatabase, openDatabase, type DbHandle } from './client.ts';
import { seedVersions } from './tables.ts';
import { usableTemplate } from './template.ts';
import { pgliteDirOf, type EmbeddedStart } from './embedded.ts';

export { pgliteDirOf } from './embedded.ts';

/**
 * `thread`: the embedded database on a worker thread (the server; see src/db/pglite-thread.ts);
 * `started`: one already starting there (src/db/embedded.ts, `alyx serve`)
 */
export async function openServices(
  config: Config,
  opts: { migrate?: boolean; loadDataDir?: Blob; inMemory?: boolean; thread?: boolean; started?: EmbeddedStart } = {},
): Promise<Services> {
  // PostgreSQL: the pool's connections carry the per-statement time limit; migrations (which may
  // build indexes for minutes) run first on a connection of their own without it
  const statementTimeoutMs = config.databaseUrl ? config.statementTimeoutMs : 0;
  let migrated = false;
  if (statementTimeoutMs && opts.migrate !== false) {
    const plain = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: null, poolSize: 1 });
    try {
      await migrateDatabase(plain);
    } finally {
      await plain.close();
    }
    migrated = true;
  }
  const handle: DbHandle = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.databaseUrl || opts.inMemory ? null : pgliteDirOf(config),
    loadDataDir: opts.loadDataDir,
    poolSize: config.dbPoolSize,
    sharedBuffersMb: config.embeddedSharedBuffersMb,
    statementTimeoutMs,
    // the template is a migrated empty database: only for callers that migrate anyway, so that
    // one opening without migrations (restore, doctor) still sees that there was no database yet
    template: opts.migrate === false ? undefined : usableTemplate,
    thread: opts.thread,
    started: opts.started,
  });
  const services: Services = { config, handle, db: handle.db };
  if (opts.migrate !== false && !migrated) {
    try {
      await migrateDatabase(handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }
  return services;
}

/** The hash of what an app's seed writes, or null when the app does not declare it (seed always). */
export function seedHash(app: AlyxApp, services: Services): string | null {
  if (!app.seedContent) return null;
  return crypto.createHash('sha256').update(JSON.stringify(app.seedContent(services))).digest('hex');
}

/**
 * Seeds each app's reference data, in app order, unless its content is unchanged since the last
 * seed (the hash stored in alyx_seed_version). `force` seeds regardless.
 */
export async function seedAll(
  services: Services,
  opts: { force?: boolean; apps?: AlyxApp[]; onSeed?: (app: string) => void } = {},
): Promise<{ seeded: string[]; skipped: string[] }> {
  const { db } = services;
  const stored = new Map((await db.select({ app: seedVersions.app, hash: seedVersions.hash }).from(seedVersions)).map((r) => [r.app, r.hash]));
  const report = { seeded: [] as string[], skipped: [] as string[] };
  for (const app of opts.apps ?? allApps) {
    if (!app.seed) continue;
    const hash = seedHash(app, services);
    if (hash && !opts.force && stored.get(app.name) === hash) {
      report.skipped.push(app.name);
      continue;
    }
    opts.onSeed?.(app.name);
    await app.seed(services);
    // after the seed: if it failed, the next start tries again
    if (hash) {
      await db
        .insert(seedVersions)
        .values({ app: app.name, hash })
        .onConflictDoUpdate({ target: seedVersions.app, set: { hash, seeded_at: sql`now()` } });
    }
    report.seeded.push(app.name);
  }
  return report;
}

/**
 * First start with no superuser: creates `admin` with ALYX_ADMIN_PASSWORD, or a random password
 * that is returned (to print once). Never a fixed default password.
 */
export async function ensureAdmin(services: Services): Promise<{ created: boolean; password?: string; generated: boolean }> {
  const existing = await services.db.select({ id: users.id }).from(users).where(eq(users.is_superuser, true)).limit(1);
  if (existing.length) return { created: false, generated: false };
  const generated = !services.config.adminPassword;
  const password = services.config.adminPassword ?? crypto.randomBytes(12).toString('base64url');
  const taken = await services.db.select({ id: users.id }).from(users).where(eq(users.username, 'admin')).limit(1);
  const hashed = await hashPassword(password);
  if (taken.length) {
    await services.db.update(users).set({ is_superuser: true, is_staff: true, is_active: true, password: hashed }).where(eq(users.id, taken[0].id));
  } else {
    await services.db.insert(users).values({ username: 'admin', password: hashed, is_superuser: true, is_staff: true });
  }
  return { created: true, password: generated ? password : undefined, generated };
}
