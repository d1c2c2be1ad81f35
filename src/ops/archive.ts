// A backup archive (.tar.gz) holds everything a lab needs to come back:
//   manifest.json                what is inside, with counts and checksums (written first)
//   database/<table>.jsonl       every table's rows (src/ops/db-dump.ts)
//   media/...                    the uploaded files (note images, ALYX_MEDIA_DIR)
//   config/alyx.config.json      the config file, secrets redacted unless --with-secrets
//   secret/secret.key            the token key of the data directory, only with --with-secrets
// Tokens are stored sealed (src/rest/secrets.ts): an archive without the key holds no usable token;
// one with it (--with-secrets, and every safety backup) restores tokens that keep working.
// Creating works on open services (the CLI, the scheduled job and the running server share it);
// restoring and verifying open their own database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// tar and pg are loaded when a backup is written or read, not when the server starts (bench:startup)
import type * as Tar from 'tar';
const loadTar = () => import('tar');
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { migrateDatabase, openDatabase, type DbHandle } from '../db/client.ts';
import { openServices } from '../db/setup.ts';
import { CliError } from '../cli/args.ts';
import { PACKAGE_ROOT } from '../paths.ts';
import { digestFile, digestTables, dumpTables, loadTables, type DumpedTable } from './db-dump.ts';
import { codeSchemaVersion, databaseSchemaVersion, isNewerThanCode, type SchemaVersion } from './schema-version.ts';
import { hasRedactions, redactConfig, unredactConfig } from './redact.ts';
import { forgetKeyrings, SECRET_KEY_FILE, secretKeyFile } from '../rest/secrets.ts';

export const FORMAT = 'alyx-local-backup';
export const FORMAT_VERSION = 1;

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  appVersion: string;
  /** the last migration applied to the database that was backed up */
  schema: SchemaVersion;
  createdAt: string;
  kind: BackupKind;
  database: {
    driver: 'pglite' | 'pg';
    /** how `sha256` is computed, for readers of the manifest */
    checksum: string;
    tables: Record<string, DumpedTable>;
  };
  media: { files: Record<string, { bytes: number; sha256: string }> };
  config: { file: string; redacted: boolean } | null;
  /** the archive holds the data directory's token key (secret/secret.key) */
  secretKey?: boolean;
}

/** manual (`alyx backup`), scheduled (pruned by retention), safety (before a restore or an upgrade) */
export type BackupKind = 'backup' | 'scheduled' | 'safety';

export class BackupError extends CliError {}

/** The package's version, read when a backup needs it (not at import: a build loads this module to list the commands). */
export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const CHECKSUM_DOC = 'sum mod 2^256 of sha256(row_to_json text of each row, columns in manifest order)';

export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** File names: alyx-<kind>-YYYYMMDD-HHMMSS.tar.gz (UTC), so a listing sorts by age. */
export const BACKUP_NAME = /^alyx-(backup|scheduled|safety)-(\d{8})-(\d{6})(?:-\d+)?\.tar\.gz$/;

export function backupTime(name: string): Date | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  const [d, t] = [m[2], m[3]];
  return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4)}Z`);
}

/** `--out`: an existing directory (or one written with a trailing separator) gets the default name. */
function outputFile(out: string | undefined, dir: string, kind: BackupKind): string {
  const target = path.resolve(out ?? dir);
  const isDir = out === undefined || /[\\/]$/.test(out) || (fs.existsSync(target) && fs.statSync(target).isDirectory());
  if (!isDir) return target;
  fs.mkdirSync(target, { recursive: true });
  let file = path.join(target, `alyx-${kind}-${stamp()}.tar.gz`);
  for (let i = 1; fs.existsSync(file); i++) file = path.join(target, `alyx-${kind}-${stamp()}-${i}.tar.gz`);
  return file;
}

function* walk(dir: string, rel = ''): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(dir, r);
    else if (entry.isFile()) yield r;
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export interface BackupOptions {
  /** a file, or a directory for the default name (default: the configured backup directory) */
  out?: string;
  withSecrets?: boolean;
  kind?: BackupKind;
}

/** Writes a backup archive of the open database, the media directory and the config file. */
export async function createBackup(services: Services, opts: BackupOptions = {}): Promise<{ file: string; bytes: number; manifest: Manifest }> {
  const { config } = services;
  const kind = opts.kind ?? 'backup';
  const schema = await databaseSchemaVersion(services.db);
  if (!schema) throw new BackupError('the database has no tables yet (it was never started): there is nothing to back up');
  const file = outputFile(opts.out, config.backup.dir, kind);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(file), '.alyx-backup-'));
  try {
    fs.mkdirSync(path.join(staging, 'database'));
    // one snapshot of every table (on the embedded database, other queries wait meanwhile)
    const tables = await services.db.transaction((tx) => dumpTables(tx, path.join(staging, 'database')), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
    const media: Manifest['media']['files'] = {};
    fs.mkdirSync(path.join(staging, 'media'));
    for (const rel of walk(config.mediaDir)) {
      const from = path.join(config.mediaDir, rel);
      const to = path.join(staging, 'media', rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      try {
        fs.linkSync(from, to); // no copy when on the same file system
      } catch {
        fs.copyFileSync(from, to);
      }
      media[rel] = { bytes: fs.statSync(to).size, sha256: await sha256File(to) };
    }
    let configEntry: Manifest['config'] = null;
    if (config.configFile && fs.existsSync(config.configFile)) {
      const raw = readJson(config.configFile);
      const value = opts.withSecrets ? raw : redactConfig(raw);
      fs.mkdirSync(path.join(staging, 'config'));
      fs.writeFileSync(path.join(staging, 'config', 'alyx.config.json'), JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
      configEntry = { file: path.basename(config.configFile), redacted: !opts.withSecrets && hasRedactions(value) };
    }
    // the token key: only with --with-secrets (a key set in the config travels with the config)
    const keyFile = secretKeyFile(config);
    const withKey = Boolean(opts.withSecrets && config.secretKey === null && fs.existsSync(keyFile));
    if (withKey) {
      fs.mkdirSync(path.join(staging, 'secret'));
      fs.copyFileSync(keyFile, path.join(staging, 'secret', SECRET_KEY_FILE));
      fs.chmodSync(path.join(staging, 'secret', SECRET_KEY_FILE), 0o600);
    }
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      appVersion: appVersion(),
      schema,
      createdAt: new Date().toISOString(),
      kind,
      database: { driver: services.handle.driver, checksum: CHECKSUM_DOC, tables },
      media: { files: media },
      config: configEntry,
      ...(withKey ? { secretKey: true } : {}),
    };
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const partial = `${file}.partial`;
    const entries = ['manifest.json', 'database', 'media', ...(configEntry ? ['config'] : []), ...(withKey ? ['secret'] : [])];
    await (await loadTar()).c({ gzip: true, file: partial, cwd: staging, portable: true, mode: 0o600 } as Tar.TarOptionsWithAliasesAsyncFile, entries);
    fs.chmodSync(partial, 0o600); // it may hold secrets (--with-secrets) and always holds password hashes
    fs.renameSync(partial, file);
    return { file, bytes: fs.statSync(file).size, manifest };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Whether the file is an archive of ours (else a database-only backup of an earlier release). */
export async function isBackupArchive(file: string): Promise<boolean> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) return false;
  let found = false;
  try {
    await (await loadTar()).t({ file, onReadEntry: (e) => void (found ||= e.path === 'manifest.json') });
  } catch {
    return false;
  }
  return found;
}

/** Extracts an archive into `dir` and returns its manifest (checked to be ours and readable). */
export async function extractBackup(file: string, dir: string): Promise<Manifest> {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    await (await loadTar()).x({ file, cwd: dir, strict: true });
  } catch (e) {
    throw new BackupError(`${file} is not a readable backup archive: ${(e as Error).message}`);
  }
  const mf = path.join(dir, 'manifest.json');
  if (!fs.existsSync(mf)) throw new BackupError(`${file} has no manifest.json: it is not a backup archive from "alyx backup"`);
  const manifest = readJson(mf) as Manifest;
  if (manifest.format !== FORMAT) throw new BackupError(`${file}: manifest.json is not an Alyx-local backup manifest`);
  if (manifest.formatVersion > FORMAT_VERSION) {
    throw new BackupError(`${file} was written by a newer Alyx-local (archive format ${manifest.formatVersion}, this one reads ${FORMAT_VERSION}): upgrade Alyx-local first`);
  }
  return manifest;
}

/** Differences between the extracted files and the manifest (an empty list: the archive is whole). */
export async function checkExtracted(dir: string, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, t] of Object.entries(manifest.database.tables)) {
    const file = path.join(dir, 'database', `${name}.jsonl`);
    if (!fs.existsSync(file)) {
      problems.push(`table ${name}: missing from the archive`);
      continue;
    }
    const d = await digestFile(file);
    if (d.rows !== t.rows) problems.push(`table ${name}: ${d.rows} rows in the archive, ${t.rows} in the manifest`);
    else if (d.sha256 !== t.sha256) problems.push(`table ${name}: checksum differs from the manifest`);
  }
  const mediaDir = path.join(dir, 'media');
  const seen = new Set<string>();
  for (const rel of walk(mediaDir)) {
    seen.add(rel);
    const want = manifest.media.files[rel];
    if (!want) problems.push(`media file ${rel}: not in the manifest`);
    else if ((await sha256File(path.join(mediaDir, rel))) !== want.sha256) problems.push(`media file ${rel}: checksum differs from the manifest`);
  }
  for (const rel of Object.keys(manifest.media.files)) if (!seen.has(rel)) problems.push(`media file ${rel}: missing from the archive`);
  if (manifest.config && !fs.existsSync(path.join(dir, 'config', 'alyx.config.json'))) problems.push('config file: missing from the archive');
  if (manifest.secretKey && !fs.existsSync(path.join(dir, 'secret', SECRET_KEY_FILE))) problems.push('token key: missing from the archive');
  return problems;
}

function refuseNewerSchema(manifest: Manifest, file: string): void {
  if (isNewerThanCode(manifest.schema)) {
    const code = codeSchemaVersion();
    throw new BackupError(
      `${file} comes from a newer database schema (migration ${manifest.schema.migration ?? `of ${new Date(manifest.schema.when).toISOString()}`}, ` +
        `Alyx-local ${manifest.appVersion}) than this Alyx-local knows (${code.migration}, ${appVersion()}): upgrade Alyx-local, then restore`,
    );
  }
}

export interface RestoreOptions {
  /** also restore alyx.config.json (redacted secrets keep their current values) */
  config?: boolean;
  /** progress lines */
  log?: (line: string) => void;
}

export interface RestoreReport {
  manifest: Manifest;
  /** the safety backup of what was there (null: there was no database yet) */
  safety: string | null;
  rows: number;
  tables: number;
  mediaFiles: number;
  configWritten: string | null;
}

/**
 * Replaces the database content (one transaction), the media directory and, when asked, the
 * config file with the archive's, after a safety backup of what is there.
 */
export async function restoreBackup(config: Config, file: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const log = opts.log ?? (() => {});
  const mediaParent = path.dirname(path.resolve(config.mediaDir));
  fs.mkdirSync(mediaParent, { recursive: true });
  // extracted next to the media directory, so that the restored media moves into place by a rename
  const work = fs.mkdtempSync(path.join(mediaParent, '.alyx-restore-'));
  try {
    const manifest = await extractBackup(file, work);
    refuseNewerSchema(manifest, file);
    const problems = await checkExtracted(work, manifest);
    if (problems.length) throw new BackupError(`${file} is damaged, nothing was restored:\n  ${problems.join('\n  ')}`);
    const services = await openServices(config, { migrate: false });
    let safety: string | null = null;
    let rows = 0;
    try {
      const current = await databaseSchemaVersion(services.db);
      if (current && isNewerThanCode(current)) {
        throw new BackupError('the database has a newer schema than this Alyx-local: upgrade Alyx-local before restoring into it');
      }
      if (current) {
        log('taking a safety backup of the current database, media and config...');
        safety = (await createBackup(services, { kind: 'safety', withSecrets: true })).file;
        log(`safety backup written to ${safety}`);
      }
      await migrateDatabase(services.handle);
      log('restoring the database (one transaction)...');
      const counts = await services.db.transaction((tx) => loadTables(tx, path.join(work, 'database'), manifest.database.tables));
      rows = Object.values(counts).reduce((a, b) => a + b, 0);
    } finally {
      await services.handle.close();
    }
    // the media directory is swapped by renames right after the database commit
    const restoredMedia = path.join(work, 'media');
    fs.mkdirSync(restoredMedia, { recursive: true });
    const media = path.resolve(config.mediaDir);
    const old = `${media}.before-restore-${stamp()}`;
    if (fs.existsSync(media)) fs.renameSync(media, old);
    fs.renameSync(restoredMedia, media);
    fs.rmSync(old, { recursive: true, force: true }); // it is in the safety backup
    // the archive's token key replaces the data directory's (the safety backup holds the old one)
    if (manifest.secretKey && config.secretKey === null) {
      const keyFile = secretKeyFile(config);
      fs.mkdirSync(path.dirname(keyFile), { recursive: true });
      fs.copyFileSync(path.join(work, 'secret', SECRET_KEY_FILE), keyFile);
      fs.chmodSync(keyFile, 0o600);
      forgetKeyrings();
      log(`token key restored to ${keyFile}`);
    }
    let configWritten: string | null = null;
    if (opts.config && manifest.config) {
      const target = config.configFile ?? path.resolve('alyx.config.json');
      const restored = readJson(path.join(work, 'config', 'alyx.config.json'));
      const current = fs.existsSync(target) ? readJson(target) : {};
      fs.writeFileSync(target, JSON.stringify(unredactConfig(restored, current), null, 2) + '\n', { mode: 0o600 });
      configWritten = target;
    }
    return { manifest, safety, rows, tables: Object.keys(manifest.database.tables).length, mediaFiles: Object.keys(manifest.media.files).length, configWritten };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export interface VerifyReport {
  ok: boolean;
  manifest: Manifest | null;
  problems: string[];
  /** where the scratch database was */
  scratch: string;
}

/** A scratch database: a new database on the PostgreSQL server of DATABASE_URL, or PGlite in memory. */
async function openScratch(config: Config): Promise<{ handle: DbHandle; where: string; drop(): Promise<void> }> {
  if (!config.databaseUrl) {
    const handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
    return { handle, where: 'an in-memory embedded database', drop: () => handle.close() };
  }
  const name = `alyx_verify_${crypto.randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } catch (e) {
    await admin.end();
    throw new BackupError(`could not create a scratch database on the PostgreSQL server (the role needs CREATEDB): ${(e as Error).message}`);
  }
  const url = new URL(config.databaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), pgliteDir: null, poolSize: 1 });
  return {
    handle,
    where: `scratch database ${name} on the PostgreSQL server (dropped afterwards)`,
    async drop() {
      await handle.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Restores the archive into a scratch database and compares counts and checksums with the manifest. */
export async function verifyBackup(config: Config, file: string, log: (line: string) => void = () => {}): Promise<VerifyReport> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-verify-'));
  let scratchWhere = '';
  try {
    const manifest = await extractBackup(file, work);
    const problems = await checkExtracted(work, manifest);
    try {
      refuseNewerSchema(manifest, file);
    } catch (e) {
      return { ok: false, manifest, problems: [...problems, (e as Error).message], scratch: '' };
    }
    log('restoring into a scratch database...');
    const scratch = await openScratch(config);
    scratchWhere = scratch.where;
    try {
      await migrateDatabase(scratch.handle);
      const tables = manifest.database.tables;
      await scratch.handle.db.transaction(async (tx) => {
        try {
          await loadTables(tx, path.join(work, 'database'), tables);
        } catch (e) {
          problems.push(`restore failed: ${(e as Error).message}`);
          return;
        }
        const got = await digestTables(tx, tables);
        for (const [name, want] of Object.entries(tables)) {
          const have = got[name];
          if (!have) problems.push(`table ${name}: not restored`);
          else if (have.rows !== want.rows) problems.push(`table ${name}: ${have.rows} rows restored, ${want.rows} in the manifest`);
          else if (have.sha256 !== want.sha256) problems.push(`table ${name}: restored rows differ from the manifest's checksum`);
        }
      });
    } finally {
      await scratch.drop();
    }
    return { ok: problems.length === 0, manifest, problems, scratch: scratchWhere };
  } catch (e) {
    if (e instanceof BackupError) return { ok: false, manifest: null, problems: [e.message], scratch: scratchWhere };
    throw e;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
