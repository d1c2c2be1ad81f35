// `alyx backup [--out DIR|FILE] [--with-secrets]`: one archive with the database, the uploaded
// media and the config, and a manifest (src/ops/archive.ts). While `alyx serve` runs on the
// embedded data directory, the server writes it (src/ops/control.ts): PGlite must not be opened twice.
// `alyx backup verify FILE`: restores an archive into a scratch database and compares it with its manifest.
// `alyx backup --sql`: the database alone as a plain SQL script (PGlite's pg_dump, or pg_dump from
// PATH with DATABASE_URL), for other tools; `alyx restore` still reads it (and the data-dir tarballs
// of earlier releases) into an empty database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { pgliteDirOf } from '../db/setup.ts';
import { DataDirLockedError } from '../db/client.ts';
import { openServices } from '../db/setup.ts';
import { createBackup, verifyBackup, type Manifest } from '../ops/archive.ts';
import { backupThroughServer } from '../ops/control.ts';
import { CliError, command, UsageError } from './args.ts';

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

function describeBackup(r: { file: string; bytes: number; manifest: Manifest }): string {
  const tables = Object.values(r.manifest.database.tables);
  const rows = tables.reduce((a, t) => a + t.rows, 0);
  const media = Object.keys(r.manifest.media.files).length;
  const cfg = r.manifest.config ? `, config (${r.manifest.config.redacted ? 'secrets redacted' : 'with secrets'})` : ', no config file';
  return `backup written to ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB): database (${tables.length} tables, ${rows} rows, schema ${r.manifest.schema.migration}), ${media} media files${cfg}`;
}

/** A backup archive of the configured site; through the running server when it holds the data directory. */
export async function backupSite(config: Config, opts: { out?: string; withSecrets?: boolean }): Promise<{ file: string; bytes: number; manifest: Manifest; viaServer: boolean }> {
  const dir = pgliteDirOf(config);
  if (!config.databaseUrl && !fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    throw new CliError(`there is no embedded database in ${dir} to back up (ALYX_DATA_DIR=${config.dataDir})`);
  }
  let services;
  try {
    services = await openServices(config, { migrate: false });
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    const remote = await backupThroughServer(config, opts);
    if (!remote) throw e;
    return { ...remote, viaServer: true };
  }
  try {
    return { ...(await createBackup(services, opts)), viaServer: false };
  } finally {
    await services.handle.close();
  }
}

export const backupCommand = command({
  name: 'backup',
  describe: 'write one archive with the database, the uploaded media and the config (secrets redacted), with a manifest',
  options: {
    out: { type: 'string', short: 'o', value: 'DIR|FILE', describe: 'a directory (gets alyx-backup-<date>-<time>.tar.gz) or a file (default: the backup directory, ALYX_BACKUP_DIR)' },
    'with-secrets': { type: 'boolean', describe: 'keep passwords and tokens of alyx.config.json in the archive' },
    sql: { type: 'boolean', describe: 'instead: the database alone as a plain SQL script (--out names the file)' },
  },
  async run({ values }) {
    const config = loadConfig();
    if (values.sql) {
      if (values['with-secrets']) throw new UsageError('--with-secrets applies to archives, not to --sql');
      const r = await backupDatabase(config, values.out ?? null, { sql: true });
      console.log(`SQL script written to ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB): the database only, without media or config`);
      return;
    }
    const r = await backupSite(config, { out: values.out, withSecrets: values['with-secrets'] });
    console.log(describeBackup(r) + (r.viaServer ? ' (written by the running server)' : ''));
  },
});

export const backupVerifyCommand = command({
  name: 'backup verify',
  describe: 'restore a backup archive into a scratch database and compare counts and checksums with its manifest',
  positionals: [{ name: 'FILE', describe: 'an archive written by "alyx backup"' }],
  async run({ positionals: [file] }) {
    const config = loadConfig();
    const r = await verifyBackup(config, path.resolve(file), (line) => console.log(line));
    const m = r.manifest;
    if (m) {
      const rows = Object.values(m.database.tables).reduce((a, t) => a + t.rows, 0);
      console.log(`${file}: made ${m.createdAt} by Alyx-local ${m.appVersion}, schema ${m.schema.migration}, ${Object.keys(m.database.tables).length} tables, ${rows} rows, ${Object.keys(m.media.files).length} media files`);
    }
    if (r.ok) {
      console.log(`OK: every table's row count and checksum and every media file match the manifest (restored into ${r.scratch})`);
      return 0;
    }
    console.log(`FAILED: ${r.problems.length} problem(s):`);
    for (const p of r.problems) console.log(`  - ${p}`);
    return 1;
  },
});
