// `alyx restore FILE`: loads a backup made by `alyx backup` into an empty database.
// - embedded data-dir tarball -> a new embedded database (ALYX_DATA_DIR/db must be empty);
// - SQL script -> the embedded database (empty data dir), or PostgreSQL with DATABASE_URL (empty
//   database; needs `psql` on PATH). So `backup --sql` + `restore` with DATABASE_URL moves a lab
//   from the embedded database to a PostgreSQL server.
// Restore never overwrites: it refuses a non-empty target, and holds the data-dir lock meanwhile.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import pg from 'pg';
import { loadConfig, type Config } from '../config.ts';
import { lockDataDir, openDatabase } from '../db/client.ts';
import { pgliteDirOf } from '../db/setup.ts';
import { requireTool } from './backup.ts';
import { CliError, parseArgs } from './args.ts';
import type { Command } from './index.ts';

export type BackupKind = 'pglite-tar' | 'sql';

/** Tells a PGlite data-dir tarball (gzip + tar) from an SQL script (plain or gzipped). */
export function backupKind(data: Buffer): { kind: BackupKind; text?: string } {
  const gz = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
  const raw = gz ? zlib.gunzipSync(data) : data;
  if (raw.length > 262 && raw.subarray(257, 262).toString('latin1') === 'ustar') return { kind: 'pglite-tar' };
  const text = raw.toString('utf8');
  if (!/^(--|SET |\\restrict|CREATE |SELECT )/m.test(text.slice(0, 4096))) {
    throw new CliError('this file is neither an embedded-database backup (.tar.gz) nor an SQL script from "alyx backup"', 1);
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

export async function restoreDatabase(config: Config, file: string): Promise<{ kind: BackupKind; users: number; target: string }> {
  if (!fs.existsSync(file)) throw new CliError(`${file} does not exist`, 1);
  const data = fs.readFileSync(file);
  const { kind, text } = backupKind(data);

  if (config.databaseUrl) {
    if (kind !== 'sql') {
      throw new CliError(
        'this is a backup of an embedded database (data-dir tarball): restore it with DATABASE_URL unset, ' +
          'then "alyx backup --sql" gives a script that restores into PostgreSQL',
        1,
      );
    }
    requireTool('psql');
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const r = await client.query(`select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`);
      if (r.rows[0].n > 0) throw new CliError('the database of DATABASE_URL is not empty: restore into a new, empty database', 1);
    } finally {
      await client.end();
    }
    const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${config.databaseUrl}`, '-f', '-'], {
      input: scriptFor('psql', text!),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new CliError(`psql failed, nothing was restored: ${(r.stderr || r.error?.message || '').trim()}`, 1);
    const check = new pg.Client({ connectionString: config.databaseUrl });
    await check.connect();
    try {
      const n = await check.query('select count(*)::int as n from public.misc_labmember');
      return { kind, users: n.rows[0].n, target: 'PostgreSQL' };
    } finally {
      await check.end();
    }
  }

  const dir = pgliteDirOf(config);
  const unlock = lockDataDir(config.dataDir);
  let created = false;
  try {
    if (!dirIsEmpty(dir)) {
      throw new CliError(`${dir} already holds a database: restore into an empty data directory (move the existing one away, or set ALYX_DATA_DIR)`, 1);
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
      } catch (e) {
        throw new CliError(`the SQL script failed, nothing was restored: ${(e as Error).message}`, 1);
      }
    }
    const rows = (await handle.pglite!.query<{ n: number }>('select count(*)::int as n from public.misc_labmember')).rows;
    return { kind, users: rows[0].n, target: dir };
  } catch (e) {
    if (handle) await handle.close();
    handle = undefined;
    if (created) fs.rmSync(dir, { recursive: true, force: true }); // leave the data dir as empty as we found it
    throw e;
  } finally {
    if (handle) await handle.close();
  }
}

export const restoreCommand: Command = {
  name: 'restore',
  usage: 'FILE',
  describe: 'load a backup from "alyx backup" into an empty database (embedded data dir, or DATABASE_URL with psql)',
  async run(argv) {
    const args = parseArgs(argv);
    const file = args.positionals[0];
    if (!file) throw new CliError('give the backup file: alyx restore FILE');
    const r = await restoreDatabase(loadConfig(), file);
    console.log(`restored ${r.kind === 'sql' ? 'SQL script' : 'embedded data directory'} into ${r.target} (${r.users} users)`);
  },
};
