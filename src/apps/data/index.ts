import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlyxApp, Services } from '../app.ts';
import { sql } from 'drizzle-orm';
import { dataFormats, dataRepositories, dataRepositoryTypes, datasetTypes } from './tables.ts';
import { dataResources } from './resources.ts';
import { dataRoutes, buildCache } from './routes.ts';
import { checkFiles } from './file-check.ts';
import { scheduledScan } from './scan/scanner.ts';
import { dataSessionExtensions } from './session-hooks.ts';

const SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed');
const readSeed = <T>(name: string): T[] => JSON.parse(fs.readFileSync(path.join(SEED_DIR, name), 'utf8'));

const SEED_FILES = { repositoryTypes: 'repository-types.json', formats: 'formats.json', datasetTypes: 'dataset-types.json' };
// the configured repositories are part of what the seed writes: a new one, or a changed url, seeds again
const configuredRepositories = ({ config }: Services) =>
  Object.keys(config.repositoryDirs)
    .sort()
    .map((name) => ({ name, url: config.repositoryUrls[name] ?? null }));
const seedContent = (services: Services) => [...Object.values(SEED_FILES).map(readSeed), configuredRepositories(services)];

/**
 * Every repository of the config exists in the database (the scanner and `files check` work on it),
 * and its `data_url` is the config's `url` when one is given (what `alyx configure` asked for).
 */
async function seedConfiguredRepositories(services: Services): Promise<void> {
  const repos = configuredRepositories(services);
  if (!repos.length) return;
  const withUrl = repos.filter((r) => r.url !== null);
  const withoutUrl = repos.filter((r) => r.url === null);
  if (withUrl.length) {
    await services.db
      .insert(dataRepositories)
      .values(withUrl.map((r) => ({ name: r.name, data_url: r.url, globus_is_personal: false })))
      .onConflictDoUpdate({
        target: dataRepositories.name,
        set: { data_url: sql`excluded.${sql.identifier(dataRepositories.data_url.name)}` },
        setWhere: sql`${dataRepositories.data_url} is distinct from excluded.${sql.identifier(dataRepositories.data_url.name)}`,
      });
  }
  if (withoutUrl.length) {
    await services.db
      .insert(dataRepositories)
      .values(withoutUrl.map((r) => ({ name: r.name, globus_is_personal: false })))
      .onConflictDoNothing({ target: dataRepositories.name });
  }
}

async function seed(services: Services): Promise<void> {
  const db = services.db;
  await db.insert(dataRepositoryTypes).values(readSeed<{ id: string; name: string }>(SEED_FILES.repositoryTypes)).onConflictDoNothing();
  await db.insert(dataFormats).values(readSeed<typeof dataFormats.$inferInsert>(SEED_FILES.formats)).onConflictDoNothing();
  const types = readSeed<{ id: string; name: string; description: string; filename_pattern: string }>(SEED_FILES.datasetTypes);
  await db
    .insert(datasetTypes)
    .values(types.map((t) => ({ ...t, filename_pattern: t.filename_pattern === '' ? null : t.filename_pattern })))
    .onConflictDoNothing();
  await seedConfiguredRepositories(services);
}

const app: AlyxApp = {
  name: 'data',
  extends: { sessions: dataSessionExtensions },
  resources: dataResources,
  routes: dataRoutes,
  seed,
  seedContent,
  jobs: [
    { name: 'cache tables', everySeconds: 3600, enabledByDefault: false, run: async (services) => void (await buildCache(services)) },
    { name: 'files check', everySeconds: 86400, enabledByDefault: false, run: async (services) => void (await checkFiles(services.db, services.config)) },
    // checks every minute which repositories opted in ("scan": true) and are due (scan_interval_minutes, default 10)
    { name: 'files scan', everySeconds: 60, enabledByDefault: true, run: scheduledScan },
  ],
};
export default app;
