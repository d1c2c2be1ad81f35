// `alyx restore FILE [--config]`: a backup archive from `alyx backup` replaces the database content
// (one transaction), the uploaded media and, with --config, alyx.config.json, after a safety backup
// of what is there (src/ops/archive.ts). Refuses an archive from a newer schema. Never runs at start.
// Older backups (the database alone: an embedded data-dir tarball or an SQL script) are still read,
// into an empty database only:
// - embedded data-dir tarball -> a new embedded database (ALYX_DATA_DIR/db must be empty);
// - SQL script -> the embedded database (empty data dir), or PostgreSQL with DATABASE_URL (empty
//   database; needs `psql` on PATH).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { users } from '../apps/misc/tables.ts';
import { loadConfig, type Config } from '../config.ts';
import { lockDataDir, openDatabase, query, type DbHandle } from '../db/client.ts';
import { pgliteDirOf } from '../db/setup.ts';
import { requireTool } from './backup.ts';
import { isBackupArchive, restoreBackup } from '../ops/archive.ts';
import { CliError, command } from './args.ts';

export type BackupKind = 'pglite-tar' | 'sql';

/** Tells a PGlite data-dir tarball (gzip + tar) from an SQL script (plain or gzipped). */
export function backupKind(data: Buffer): { kind: BackupKind; text?: string } {
  const gz = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
  const raw = gz ? zlib.gunzipSync(data) : data;
  if (raw.length > 262 && raw.subarray(257, 262).toString('latin1') === 'ustar') return { kind: 'pglite-tar' };
  const text = raw.toString('utf8');
  if (!/^(--|SET |\\restrict|CREATE |SELECT )/m.test(text.slice(0, 4096))) {
    throw new CliError('this file is neither an embedded-database backup (.tar.gz) nor an SQL script from "alyx backup"');
  }
  return { kind: 'sql', text };
}

/** Lines of a pg_dump script that only psql (or only newer servers) understand. */
function scriptFor(target: 'pglite' | 'psql', text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^SET transaction_timeout\b/.test(line))
    .filter((line) => target === 'psql' || !/^\\(un)?restrict\b/.test(line))
    .join('\n');
}

function dirIsEmpty(dir: string): boolean {
  return !fs.existsSync(dir) || fs.readdirSync(dir).length === 0;
}

/** Users in the restored database: shows that the restore produced a working schema. */
async function countUsers(handle: DbHandle): Promise<number> {
  return handle.db.$count(users);
}

/** An SQL script into the (empty) PostgreSQL database of DATABASE_URL, with psql. */
async function restoreIntoPostgres(databaseUrl: string, kind: BackupKind, text: string | undefined): Promise<number> {
  if (kind !== 'sql') {
    throw new CliError(
      'this is a backup of an embedded database (data-dir tarball): restore it with DATABASE_URL unset, ' +
        'then "alyx backup --sql" gives a script that restores into PostgreSQL',
    );
  }
  requireTool('psql');
  const before = await openDatabase({ databaseUrl, pgliteDir: null, poolSize: 1 });
  try {
    const [{ n }] = await query<{ n: number }>(
      before.db,
      sql`select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
    );
    if (n > 0) throw new CliError('the database of DATABASE_URL is not empty: restore into a new, empty database');
  } finally {
    await before.close();
  }
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${databaseUrl}`, '-f', '-'], {
    input: scriptFor('psql', text!),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new CliError(`psql failed, nothing was restored: ${(r.stderr || r.error?.message || '').trim()}`);
  const after = await openDatabase({ databaseUrl, pgliteDir: null, poolSize: 1 });
  try {
    return await countUsers(after);
  } finally {
    await after.close();
  }
}

/** A tarball or an SQL script into a new embedded database; an empty data dir is left empty on failure. */
async function restoreIntoPglite(dir: string, dataDir: string, kind: BackupKind, data: Buffer<ArrayBuffer>, text: string | undefined): Promise<number> {
  const unlock = lockDataDir(dataDir);
  let created = false;
  try {
    if (!dirIsEmpty(dir)) {
      throw new CliError(`${dir} already holds a database: restore into an empty data directory (move the existing one away, or set ALYX_DATA_DIR)`);
    }
    created = true;
  } finally {
    unlock(); // openDatabase takes the lock again just below
  }
  let handle;
  try {
    handle = await openDatabase({ databaseUrl: null, pgliteDir: dir, loadDataDir: kind === 'pglite-tar' ? new Blob([data]) : undefined });
    if (kind === 'sql') {
      try {
        await handle.pglite!.exec(scriptFor('pglite', text!));
        await handle.pglite!.exec('reset search_path'); // pg_dump scripts empty it for their session
      } catch (e) {
        throw new CliError(`the SQL script failed, nothing was restored: ${(e as Error).message}`);
      }
    }
    return await countUsers(handle);
  } catch (e) {
    if (handle) await handle.close();
    handle = undefined;
    if (created) fs.rmSync(dir, { recursive: true, force: true }); // leave the data dir as empty as we found it
    throw e;
  } finally {
    if (handle) await handle.close();
  }
}

export async function restoreDatabase(config: Config, file: string): Promise<{ kind: BackupKind; users: number; target: string }> {
  if (!fs.existsSync(file)) throw new CliError(`${file} does not exist`);
  const data = fs.readFileSync(file);
  const { kind, text } = backupKind(data);
  if (config.databaseUrl) return { kind, users: await restoreIntoPostgres(config.databaseUrl, kind, text), target: 'PostgreSQL' };
  const dir = pgliteDirOf(config);
  return { kind, users: await restoreIntoPglite(dir, config.dataDir, kind, data, text), target: dir };
}

export const restoreCommand = command({
  name: 'restore',
  describe: 'replace the database, media (and with --config the config) with a backup, after a safety backup of what is there',
  positionals: [{ name: 'FILE', describe: 'an archive written by "alyx backup" (or an older database-only .tar.gz / .sql backup)' }],
  options: {
    config: { type: 'boolean', describe: 'also restore alyx.config.json (redacted secrets keep their current values)' },
  },
  async run({ positionals: [file], values }) {
    const config = loadConfig();
    if (!fs.existsSync(file)) throw new CliError(`${file} does not exist`);
    if (!(await isBackupArchive(file))) {
      if (values.config) throw new CliError(`${file} is a database-only backup: it has no config to restore`);
      const r = await restoreDatabase(config, file);
      console.log(`restored ${r.kind === 'sql' ? 'SQL script' : 'embedded data directory'} into ${r.target} (${r.users} users)`);
      return;
    }
    const r = await restoreBackup(config, file, { config: values.config, log: (line) => console.log(line) });
    if (!r.safety) console.log('there was no database yet: no safety backup needed');
    const what = r.configWritten ? `, config written to ${r.configWritten}` : r.manifest.config ? ' (config not restored: add --config)' : '';
    console.log(`restored ${file} (made ${r.manifest.createdAt}): ${r.tables} tables, ${r.rows} rows, ${r.mediaFiles} media files${what}`);
    if (r.safety) console.log(`what was there before is in ${r.safety}`);
  },
});
