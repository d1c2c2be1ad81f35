// `alyx upgrade`: after installing a new Alyx-local, bring the database up to it and say what
// changed: a backup first (src/ops/archive.ts), then the pending migrations, then the reference
// data of the new version (the apps' idempotent seeds), reporting the migrations applied and the
// reference rows added per table.
import { loadConfig } from '../config.ts';
import { migrateDatabase, type Queryable } from '../db/client.ts';
import { openServices, seedAll } from '../db/setup.ts';
import type { Services } from '../services.ts';
import { createBackup } from '../ops/archive.ts';
import { backupTables, columnsInDatabase, tableName } from '../ops/db-dump.ts';
import { appliedMigrations } from '../ops/schema-version.ts';
import { command } from './args.ts';

export interface UpgradeReport {
  backup: string | null;
  migrations: string[];
  /** reference rows the seeds added, by table */
  added: Record<string, number>;
}

async function rowCounts(db: Queryable): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of backupTables) if (await columnsInDatabase(db, table)) out[tableName(table)] = await db.$count(table);
  return out;
}

export async function upgrade(services: Services, opts: { out?: string; log?: (line: string) => void } = {}): Promise<UpgradeReport> {
  const log = opts.log ?? (() => {});
  const before = await appliedMigrations(services.db);
  let backup: string | null = null;
  if (before.length) {
    log('backing up the database, media and config...');
    backup = (await createBackup(services, { out: opts.out, kind: 'safety', withSecrets: true })).file;
    log(`backup written to ${backup}`);
  }
  log('applying migrations...');
  await migrateDatabase(services.handle);
  const known = new Set(before.map((m) => m.when));
  const migrations = (await appliedMigrations(services.db)).filter((m) => !known.has(m.when)).map((m) => m.migration ?? String(m.when));
  log('loading reference data...');
  const counts = await rowCounts(services.db);
  // forced: an upgrade puts back reference rows even when the seed files did not change
  await seedAll(services, { force: true });
  const after = await rowCounts(services.db);
  const added: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) if (n > (counts[name] ?? 0)) added[name] = n - (counts[name] ?? 0);
  return { backup, migrations, added };
}

export const upgradeCommand = command({
  name: 'upgrade',
  describe: 'back up, apply pending migrations, load the new reference data, and report what changed',
  options: {
    out: { type: 'string', short: 'o', value: 'DIR|FILE', describe: 'where the backup goes (default: the backup directory, ALYX_BACKUP_DIR)' },
  },
  async run({ values }) {
    const services = await openServices(loadConfig(), { migrate: false });
    try {
      const r = await upgrade(services, { out: values.out, log: (line) => console.log(line) });
      if (!r.backup) console.log('backup: none (the database was empty)');
      console.log(`migrations applied: ${r.migrations.length ? r.migrations.join(', ') : 'none (the schema was current)'}`);
      const added = Object.entries(r.added);
      console.log(`reference rows added: ${added.length ? added.map(([t, n]) => `${t} +${n}`).join(', ') : 'none'}`);
    } finally {
      await services.handle.close();
    }
  },
});
