// Migrations from an earlier release's schema (issue 11): a database left at each earlier migration,
// holding a lab's data as that release wrote it, is brought up to date by `alyx upgrade`, and then
// everything is still there and usable over REST: the same rows, an API token issued before the
// upgrade still logs in (it is sealed on the way), and new writes work.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { authTokens, labs, users } from '../../src/apps/misc/tables.ts';
import { subjects } from '../../src/apps/subjects/tables.ts';
import { sessions, weighings } from '../../src/apps/actions/tables.ts';
import { dataFormats, dataRepositories, datasetTypes, datasets, fileRecords } from '../../src/apps/data/tables.ts';
import { MIGRATIONS_DIR } from '../../src/db/client.ts';
import { openServices } from '../../src/db/setup.ts';
import { columnsInDatabase } from '../../src/ops/db-dump.ts';
import { codeMigrations } from '../../src/ops/schema-version.ts';
import { upgrade } from '../../src/cli/upgrade.ts';
import { buildServer } from '../../src/server.ts';
import type { Services } from '../../src/services.ts';
import { TEST_DIR, testConfig, withDatabase } from '../templates.ts';

const usePg = process.env.ALYX_TEST_DB === 'pg';
const work = path.join(TEST_DIR, `migrate-prev-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
const dropped: string[] = [];

afterAll(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  if (!dropped.length) return;
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  for (const name of dropped) await c.query(`drop database if exists ${name} with (force)`);
  await c.end();
});

/** A migrations folder holding only the first `count` migrations of this code: an earlier release's. */
function earlierMigrations(count: number): string {
  const dir = path.join(work, `migrations-${count}`);
  fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const entries = codeMigrations().slice(0, count);
  for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

/** An empty database (no migration applied), on the driver of this test project. */
async function emptyDatabase(name: string): Promise<Services> {
  const dataDir = path.join(work, name);
  if (!usePg) return openServices(testConfig({ databaseUrl: null, dataDir, mediaDir: path.join(dataDir, 'media') }), { inMemory: true, migrate: false });
  const dbName = `migprev_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  dropped.push(dbName);
  const url = withDatabase(process.env.TEST_DATABASE_URL!, dbName);
  return openServices(testConfig({ databaseUrl: url, dataDir, mediaDir: path.join(dataDir, 'media') }), { migrate: false });
}

async function migrateTo(services: Services, folder: string): Promise<void> {
  if (services.handle.driver === 'pg') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(services.db as never, { migrationsFolder: folder });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(services.db as never, { migrationsFolder: folder });
  }
}

/**
 * Inserts a row as an earlier release could: only the columns that its schema has (a column added
 * later is left out, as that release did not know it). Values are keyed by field name.
 */
async function insertAsEarlier(services: Services, table: PgTable, row: Record<string, unknown>): Promise<void> {
  const present = new Set((await columnsInDatabase(services.db, table)) ?? []);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const fields = Object.keys(row).filter((f) => present.has(columns[f].name));
  const names = sql.join(fields.map((f) => sql.identifier(columns[f].name)), sql`, `);
  const values = sql.join(fields.map((f) => sql`${row[f]}`), sql`, `);
  await services.db.execute(sql`insert into ${table} (${names}) values (${values})`);
}

describe('upgrading a database from an earlier release', () => {
  const all = codeMigrations();
  // every earlier release's last migration (the current one is what the other tests run on)
  for (let count = 1; count < all.length; count++) {
    it(`keeps a lab's data when it upgrades from ${all[count - 1].tag}`, async () => {
      const services = await emptyDatabase(`from-${count}`);
      try {
        await migrateTo(services, earlierMigrations(count));
        expect(await columnsInDatabase(services.db, labs)).not.toBeNull();
        const id = () => crypto.randomUUID();
        const ids = { lab: id(), user: id(), subject: id(), session: id(), type: id(), format: id(), repo: id(), dataset: id(), record: id(), weighing: id() };
        const plainToken = crypto.randomBytes(20).toString('hex');
        await insertAsEarlier(services, labs, { id: ids.lab, name: 'oldlab' });
        await insertAsEarlier(services, users, { id: ids.user, username: 'olduser', password: '!unusable', is_staff: true, is_superuser: true });
        await insertAsEarlier(services, authTokens, { key: plainToken, user: ids.user, created: '2026-01-02T03:04:05' });
        await insertAsEarlier(services, subjects, { id: ids.subject, nickname: 'OLD001', lab: ids.lab, sex: 'F', birth_date: '2025-06-01', responsible_user: ids.user });
        await insertAsEarlier(services, weighings, { id: ids.weighing, subject: ids.subject, weight: 21.5, date_time: '2026-01-03T09:00:00', user: ids.user });
        await insertAsEarlier(services, sessions, { id: ids.session, subject: ids.subject, lab: ids.lab, number: 1, start_time: '2026-01-03T10:00:00', task_protocol: 'oldtask', name: '' });
        await insertAsEarlier(services, datasetTypes, { id: ids.type, name: 'oldlab.custom', filename_pattern: '' });
        await insertAsEarlier(services, dataFormats, { id: ids.format, name: 'oldformat', file_extension: '.old' });
        await insertAsEarlier(services, dataRepositories, { id: ids.repo, name: 'oldserver', data_url: 'http://files.oldlab/', globus_is_personal: false });
        await insertAsEarlier(services, datasets, {
          id: ids.dataset,
          name: '_oldlab_custom.thing.old',
          session: ids.session,
          dataset_type: ids.type,
          data_format: ids.format,
          collection: 'alf',
          created_by: ids.user,
          created_datetime: '2026-01-03T11:00:00',
          file_size: 1234,
          default_dataset: true,
        });
        await insertAsEarlier(services, fileRecords, {
          id: ids.record,
          dataset: ids.dataset,
          data_repository: ids.repo,
          relative_path: 'oldlab/Subjects/OLD001/2026-01-03/001/alf/_oldlab_custom.thing.old',
          exists: true,
        });

        const lines: string[] = [];
        const report = await upgrade(services, { out: path.join(work, `pre-upgrade-${count}.tar.gz`), log: (l) => lines.push(l) });
        expect(report.migrations).toEqual(all.slice(count).map((m) => m.tag));
        expect(report.backup).toBe(path.join(work, `pre-upgrade-${count}.tar.gz`));
        expect(fs.statSync(report.backup!).size).toBeGreaterThan(0);
        expect(report.added.actions_watertype).toBeGreaterThan(0); // the reference data of this release

        // the rows are untouched, and the columns added since hold their defaults
        const [s] = await services.db.select().from(subjects).where(eq(subjects.id, ids.subject));
        expect({ nickname: s.nickname, sex: s.sex, birth_date: s.birth_date, lab: s.lab }).toEqual({ nickname: 'OLD001', sex: 'F', birth_date: '2025-06-01', lab: ids.lab });
        const [d] = await services.db.select().from(datasets).where(eq(datasets.id, ids.dataset));
        expect({ name: d.name, file_size: d.file_size, collection: d.collection, session: d.session }).toEqual({ name: '_oldlab_custom.thing.old', file_size: 1234, collection: 'alf', session: ids.session });
        expect(await services.db.$count(fileRecords, eq(fileRecords.dataset, ids.dataset))).toBe(1);
        for (const table of [labs, users, subjects, weighings, sessions, datasets, fileRecords]) {
          expect(await columnsInDatabase(services.db, table), getTableConfig(table).name).toEqual(expect.arrayContaining(Object.values(getTableColumns(table)).map((c) => c.name)));
        }

        // over REST, with the token issued before the upgrade
        const app = await buildServer(services, { serveWeb: false });
        try {
          const [stored] = await services.db.select().from(authTokens).where(eq(authTokens.user, ids.user));
          expect(stored.key).not.toBe(plainToken); // sealed at start: no usable credential left in the table
          expect(stored.encrypted).toBeTruthy();
          const get = async (url: string) => {
            const res = await app.inject({ method: 'GET', url, headers: { authorization: `Token ${plainToken}` } });
            return { status: res.statusCode, body: JSON.parse(res.body) };
          };
          const subject = await get('/subjects/OLD001');
          expect(subject.status).toBe(200);
          expect(subject.body).toMatchObject({ nickname: 'OLD001', lab: 'oldlab', responsible_user: 'olduser' });
          const session = await get(`/sessions/${ids.session}`);
          expect(session.status).toBe(200);
          expect(session.body.task_protocol).toBe('oldtask');
          expect(session.body.data_dataset_session_related.map((x: { name: string }) => x.name)).toEqual(['_oldlab_custom.thing.old']);
          const list = await get(`/datasets?session=${ids.session}`);
          expect(list.status).toBe(200);
          expect(list.body.count).toBe(1);
          expect(list.body.results[0].file_records[0]).toMatchObject({ data_repository: 'oldserver', exists: true, data_url: expect.stringContaining('http://files.oldlab/') });
          const weighing = await app.inject({
            method: 'POST',
            url: '/weighings',
            headers: { authorization: `Token ${plainToken}`, 'content-type': 'application/json' },
            payload: JSON.stringify({ subject: 'OLD001', weight: 22.0, date_time: '2026-01-04T09:00:00' }),
          });
          expect(weighing.statusCode).toBe(201);
          expect(await services.db.$count(weighings, eq(weighings.subject, ids.subject))).toBe(2);
        } finally {
          await app.close();
        }
      } finally {
        await services.handle.close();
      }
    }, 300_000); // an empty embedded database: initdb and the whole schema on a shared machine
  }
});
