// `alyx backup [--output FILE] [--sql]`: a consistent copy of the database.
// - Embedded database: the PGlite data directory as a .tar.gz (exact, fast, restored by `alyx restore`
//   into an empty data directory), or with --sql a plain SQL script (PGlite's pg_dump), which
//   `alyx restore` also loads into PostgreSQL: the way to move from the embedded database to a server.
// - PostgreSQL (DATABASE_URL): `pg_dump` from PATH, as a plain SQL script.
// The embedded database is opened under the data-dir lock: while `alyx serve` runs on it, backup
// refuses (stop the server, or back up its files with the server stopped).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { pgliteDirOf } from '../db/setup.ts';
import { CliError, command } from './args.ts';

export type BackupFormat = 'pglite-tar' | 'sql';

/** pg_dump options shared by both engines: a plain script that either engine can load back. */
const DUMP_ARGS = ['--no-owner', '--no-privileges', '--inserts', '--rows-per-insert=500'];

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Checks that a PostgreSQL client tool is on PATH, with a clear message when it is not. */
export function requireTool(tool: 'pg_dump' | 'psql'): void {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new CliError(
      `${tool} is not on PATH; it is needed to ${tool === 'pg_dump' ? 'back up' : 'restore'} a PostgreSQL database (DATABASE_URL). ` +
        'Install the PostgreSQL client tools of your server\'s major version (e.g. "apt install postgresql-client-15").',
      1,
    );
  }
}

export async function backupDatabase(config: Config, output: string | null, opts: { sql?: boolean } = {}): Promise<{ file: string; format: BackupFormat; bytes: number }> {
  if (config.databaseUrl) {
    requireTool('pg_dump');
    const file = path.resolve(output ?? `alyx-backup-${stamp()}.sql`);
    const r = spawnSync('pg_dump', [...DUMP_ARGS, `--file=${file}`, `--dbname=${config.databaseUrl}`], { encoding: 'utf8' });
    if (r.status !== 0) {
      fs.rmSync(file, { force: true });
      throw new CliError(`pg_dump failed: ${(r.stderr || r.error?.message || '').trim()}`, 1);
    }
    return { file, format: 'sql', bytes: fs.statSync(file).size };
  }
  const dir = pgliteDirOf(config);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    throw new CliError(`there is no embedded database in ${dir} to back up (ALYX_DATA_DIR=${config.dataDir})`, 1);
  }
  const format: BackupFormat = opts.sql ? 'sql' : 'pglite-tar';
  const file = path.resolve(output ?? `alyx-backup-${stamp()}${format === 'sql' ? '.sql' : '.tar.gz'}`);
  const handle = await openDatabase({ databaseUrl: null, pgliteDir: dir }); // takes the data-dir lock
  try {
    const pg = handle.pglite!;
    let data: Buffer;
    if (format === 'sql') {
      const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
      const dump = await pgDump({ pg, args: DUMP_ARGS });
      data = Buffer.from(await dump.arrayBuffer());
    } else {
      const blob = await pg.dumpDataDir('gzip');
      data = Buffer.from(await blob.arrayBuffer());
    }
    const tmp = `${file}.partial`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return { file, format, bytes: data.length };
  } finally {
    await handle.close();
  }
}

export const backupCommand = command({
  name: 'backup',
  describe: 'write a consistent copy of the database (embedded: data-dir .tar.gz, or SQL with --sql; PostgreSQL: pg_dump)',
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', describe: 'where to write it (default alyx-backup-<date>-<time>.tar.gz or .sql)' },
    sql: { type: 'boolean', describe: 'embedded database: a plain SQL script (restorable into PostgreSQL)' },
  },
  async run({ values }) {
    const config = loadConfig();
    const r = await backupDatabase(config, values.output ?? null, { sql: values.sql });
    const what = r.format === 'sql' ? 'SQL script' : 'embedded data directory (tar.gz)';
    console.log(`backup written to ${r.file} (${what}, ${(r.bytes / 1e6).toFixed(1)} MB)`);
    console.log(`uploaded files in ${config.mediaDir} are not in the backup: copy that directory too.`);
  },
});
