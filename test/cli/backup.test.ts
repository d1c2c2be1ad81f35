// `alyx backup` / `alyx restore`: round trips on the embedded database (data-dir tarball and SQL),
// on PostgreSQL (pg_dump / psql), and from the embedded database to PostgreSQL; refusals.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { openServices } from '../../src/db/setup.ts';
import { labs, users } from '../../src/apps/misc/tables.ts';
import { backupDatabase } from '../../src/cli/backup.ts';
import { restoreDatabase } from '../../src/cli/restore.ts';
import { main } from '../../src/main.ts';
import type { Config } from '../../src/config.ts';
import { TEST_DIR, testConfig, withDatabase } from '../templates.ts';
import { codeSchemaVersion } from '../../src/ops/schema-version.ts';

const usePg = process.env.ALYX_TEST_DB === 'pg';
const tag = () => `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
const work = path.join(TEST_DIR, `backup-${tag()}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function pgliteConfig(name: string): Config {
  const dataDir = path.join(work, name);
  return testConfig({ databaseUrl: null, dataDir, mediaDir: path.join(dataDir, 'media') });
}

/** An embedded database in a data dir, with a few recognisable rows. */
async function makePgliteDb(config: Config, fromTemplate: boolean): Promise<void> {
  const services = fromTemplate
    ? await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) })
    : await openServices(config);
  await services.db.insert(labs).values({ name: 'backup_lab', institution: 'Round Trip Institute' });
  await services.db.insert(users).values({ username: 'backup_user', email: 'b@example.org' });
  await services.handle.close();
}

async function readBack(config: Config) {
  const services = await openServices(config, { migrate: false });
  try {
    const lab = await services.db.select().from(labs).where(eq(labs.name, 'backup_lab'));
    const user = await services.db.select({ email: users.email }).from(users).where(eq(users.username, 'backup_user'));
    const tables = await services.db.execute(sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    return { institution: lab[0]?.institution, email: user[0]?.email, tables: (tables as unknown as { rows: Array<{ n: number }> }).rows[0].n };
  } finally {
    await services.handle.close();
  }
}

if (!usePg) {
  describe('backup and restore of the embedded database', () => {
    const source = pgliteConfig('source');
    let sourceState: Awaited<ReturnType<typeof readBack>>;
    beforeAll(async () => {
      await makePgliteDb(source, true);
      sourceState = await readBack(source);
    });

    it('round-trips through a data-dir tarball into an empty data dir', async () => {
      const file = path.join(work, 'b.tar.gz');
      const b = await backupDatabase(source, file);
      expect(b.format).toBe('pglite-tar');
      expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const target = pgliteConfig('restored-tar');
      const r = await restoreDatabase(target, file);
      expect(r).toEqual({ kind: 'pglite-tar', users: 1, target: path.join(target.dataDir, 'db') });
      expect(await readBack(target)).toEqual(sourceState);
      expect(sourceState).toMatchObject({ institution: 'Round Trip Institute', email: 'b@example.org' });
    });

    it('round-trips through an SQL script', async () => {
      const file = path.join(work, 'b.sql');
      const b = await backupDatabase(source, file, { sql: true });
      expect(b.format).toBe('sql');
      expect(fs.readFileSync(file, 'utf8')).toContain('INSERT INTO public.misc_lab');
      const target = pgliteConfig('restored-sql');
      const r = await restoreDatabase(target, file);
      expect(r.kind).toBe('sql');
      expect(await readBack(target)).toEqual(sourceState);
    });

    it('refuses to restore over an existing database and leaves it alone', async () => {
      const file = path.join(work, 'b.tar.gz');
      await expect(restoreDatabase(source, file)).rejects.toThrow(/already holds a database: restore into an empty data directory/);
      expect(await readBack(source)).toEqual(sourceState);
    });

    it('refuses while another process (a running server) holds the data dir', async () => {
      const lock = path.join(source.dataDir, 'alyx.lock');
      fs.writeFileSync(lock, String(process.ppid)); // a live process that is not us
      try {
        await expect(backupDatabase(source, path.join(work, 'locked.tar.gz'))).rejects.toThrow(/in use by another alyx process/);
        await expect(restoreDatabase(pgliteConfig('unused'), path.join(work, 'b.tar.gz'))).resolves.toMatchObject({ users: 1 });
      } finally {
        fs.rmSync(lock, { force: true });
      }
      expect(fs.existsSync(path.join(work, 'locked.tar.gz'))).toBe(false);
    });

    it('refuses files that are not backups', async () => {
      const file = path.join(work, 'junk.bin');
      fs.writeFileSync(file, 'hello');
      await expect(restoreDatabase(pgliteConfig('junk'), file)).rejects.toThrow(/neither an embedded-database backup/);
      expect(fs.existsSync(path.join(work, 'junk', 'db'))).toBe(false);
    });

    it('runs as alyx backup / restore / backup verify with archives', async () => {
      const env = { ...process.env };
      const logs: string[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void logs.push(a.join(' '));
      try {
        process.env.ALYX_DATA_DIR = source.dataDir;
        process.env.ALYX_LOG = 'off';
        // an archive (database, media, config) restores over an existing database after a safety backup
        const archive = path.join(work, 'cli-archive.tar.gz');
        expect(await main(['backup', '--out', archive])).toBe(0);
        expect(logs[0]).toMatch(
          new RegExp(`^backup written to ${archive} \\([0-9.]+ MB\\): database \\(\\d+ tables, \\d+ rows, schema ${codeSchemaVersion().migration}\\), 0 media files, no config file$`),
        );
        process.env.ALYX_DATA_DIR = path.join(work, 'cli-archive-restored');
        expect(await main(['restore', archive])).toBe(0);
        expect(logs.slice(1)).toEqual([
          'restoring the database (one transaction)...',
          'there was no database yet: no safety backup needed',
          expect.stringMatching(/^restored .*cli-archive\.tar\.gz \(made [0-9T:.Z-]+\): \d+ tables, \d+ rows, 0 media files$/),
        ]);
        expect(await readBack(pgliteConfig('cli-archive-restored'))).toEqual(sourceState);
        logs.length = 0;
        expect(await main(['restore', archive])).toBe(0);
        expect(logs.at(-1)).toMatch(new RegExp(`^what was there before is in ${path.join(work, 'cli-archive-restored', 'backups')}/alyx-safety-\\d{8}-\\d{6}\\.tar\\.gz$`));
        expect(await main(['backup', 'verify', archive])).toBe(0);
        expect(logs.at(-1)).toMatch(/^OK: every table's row count and checksum and every media file match the manifest \(restored into an in-memory embedded database\)$/);
      } finally {
        console.log = log;
        process.env = env;
        process.exitCode = 0;
      }
    }, 240_000);

    it('restores database-only backups of earlier releases with alyx restore; alyx import', async () => {
      const env = { ...process.env };
      const logs: string[] = [];
      const log = console.log;
      console.log = (...a: unknown[]) => void logs.push(a.join(' '));
      try {
        process.env.ALYX_LOG = 'off';
        // a database-only tarball of an earlier release restores into an empty data directory only
        process.env.ALYX_DATA_DIR = source.dataDir;
        const file = path.join(work, 'cli.tar.gz');
        await backupDatabase(source, file);
        process.env.ALYX_DATA_DIR = path.join(work, 'cli-restored');
        await main(['restore', file]);
        expect(logs[0]).toBe(`restored embedded data directory into ${path.join(work, 'cli-restored', 'db')} (1 users)`);
        await main(['restore', file]);
        expect(process.exitCode).toBe(1);
        process.exitCode = 0;
        await main(['import', '/work/shared/samples/alyx-3.6-dumpdata.json.gz']);
        expect(logs.at(-1)).toMatch(/^imported \d+ new rows from /);
        expect(logs.join('\n')).toContain('subjects.subject                     84       84');
      } finally {
        console.log = log;
        process.env = env;
        process.exitCode = 0;
      }
    }, 240_000);
  });
} else {
  describe('backup and restore on PostgreSQL (pg_dump / psql)', () => {
    const url = process.env.TEST_DATABASE_URL!;
    const created: string[] = [];
    const admin = new pg.Client({ connectionString: url });
    const newDb = async () => {
      const name = `alyx_bk_${crypto.randomBytes(5).toString('hex')}`;
      await admin.query(`create database ${name}`);
      created.push(name);
      return name;
    };
    const pgConfig = (name: string) => testConfig({ databaseUrl: withDatabase(url, name), mediaDir: path.join(work, 'media') });
    beforeAll(async () => {
      await admin.connect();
    });
    afterAll(async () => {
      for (const name of created) await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });

    it('round-trips a database into an empty one', async () => {
      const source = pgConfig(await newDb());
      await makePgliteDbOnPg(source);
      const state = await readBack(source);
      expect(state).toMatchObject({ institution: 'Round Trip Institute', email: 'b@example.org' });
      const file = path.join(work, 'pg.sql');
      fs.mkdirSync(work, { recursive: true });
      const b = await backupDatabase(source, file);
      expect(b.format).toBe('sql');
      const target = pgConfig(await newDb());
      expect(await restoreDatabase(target, file)).toEqual({ kind: 'sql', users: 1, target: 'PostgreSQL' });
      expect(await readBack(target)).toEqual(state);
      await expect(restoreDatabase(target, file)).rejects.toThrow('the database of DATABASE_URL is not empty: restore into a new, empty database');
    });

    it('moves an embedded database to PostgreSQL through backup --sql', async () => {
      const embedded = pgliteConfig('to-pg');
      await makePgliteDb(embedded, false);
      const state = await readBack(embedded);
      const file = path.join(work, 'embedded.sql');
      await backupDatabase(embedded, file, { sql: true });
      const target = pgConfig(await newDb());
      expect(await restoreDatabase(target, file)).toMatchObject({ kind: 'sql', users: 1 });
      expect(await readBack(target)).toEqual(state);
      const tarball = path.join(work, 'embedded.tar.gz');
      await backupDatabase(embedded, tarball);
      await expect(restoreDatabase(pgConfig(await newDb()), tarball)).rejects.toThrow(/backup of an embedded database/);
    }, 240_000); // a new embedded database (initdb, migrations) and two dumps: over a minute on a loaded 2-core machine
  });
}

async function makePgliteDbOnPg(config: Config): Promise<void> {
  const services = await openServices(config);
  await services.db.insert(labs).values({ name: 'backup_lab', institution: 'Round Trip Institute' });
  await services.db.insert(users).values({ username: 'backup_user', email: 'b@example.org' });
  await services.handle.close();
}
