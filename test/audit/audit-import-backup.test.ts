// The importer's audit entries (one per model) and the audit trail through backup -> restore.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { tempDir } from '../data/fixtures.ts';
import { testConfig } from '../templates.ts';
import { SAMPLE } from '../import/dump-forms.ts';
import { readDumpFile } from '../../src/db/import/read.ts';
import { importDump, type ImportReport } from '../../src/db/import/importer.ts';
import { auditEntries } from '../../src/apps/audit/tables.ts';
import { createBackup, restoreBackup } from '../../src/ops/archive.ts';
import { openServices } from '../../src/db/setup.ts';
import type { Config } from '../../src/config.ts';

const usePg = process.env.ALYX_TEST_DB === 'pg';
let t: TestApp;
let work: string;
let report: ImportReport;

beforeAll(async () => {
  work = tempDir('audit-bk');
  t = await startTestApp({ dataDir: work, backup: { dir: path.join(work, 'backups'), intervalHours: 0, keep: { daily: 7, weekly: 4, monthly: 12 } } });
  report = await importDump(t.services.db, await readDumpFile(SAMPLE), { source: 'sample.json.gz' });
  expect((await t.post('/labs', { name: 'bk_lab' })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const imports = () => t.services.db.select().from(auditEntries).where(eq(auditEntries.action, 'import'));

describe('audit trail of an import', () => {
  it('records one summary entry per imported model, with its counts', async () => {
    const rows = await imports();
    expect(rows).toHaveLength(Object.keys(report.models).length);
    expect(rows.length).toBeGreaterThan(5);
    const subjects = rows.find((r) => r.model === 'subjects.subject')!;
    const c = report.models['subjects.subject'];
    expect(subjects).toMatchObject({ channel: 'import', object_id: '' });
    expect(subjects.repr).toBe(`${c.inserted} new of ${c.rows} rows from sample.json.gz`);
    expect(subjects.changes).toMatchObject({ rows: c.rows, inserted: c.inserted, source: 'sample.json.gz' });
  });

  it('records nothing for a dry run', async () => {
    const before = (await imports()).length;
    await importDump(t.services.db, await readDumpFile(SAMPLE), { dryRun: true });
    expect((await imports()).length).toBe(before);
  });
});

describe('audit trail through backup and restore', () => {
  it('is in the archive and comes back whole, still append-only', async () => {
    const [{ n }] = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(auditEntries);
    expect(n).toBeGreaterThan(0);
    const { file, manifest } = await createBackup(t.services, { out: path.join(work, 'audit.tar.gz') });
    expect(manifest.database.tables.alyx_audit.rows).toBe(n);
    // PostgreSQL: back into the same database; embedded: into a new data directory
    const target: Config = usePg ? t.config : testConfig({ databaseUrl: null, dataDir: path.join(work, 'target'), mediaDir: path.join(work, 'target', 'media') });
    await restoreBackup(target, file);
    const services = await openServices(target, { migrate: false });
    try {
      const [{ m }] = await services.db.select({ m: sql<number>`count(*)::int` }).from(auditEntries);
      expect(m).toBe(n);
      const [labEntry] = await services.db.select().from(auditEntries).where(eq(auditEntries.repr, 'bk_lab'));
      expect(labEntry).toMatchObject({ action: 'create', model: 'misc.lab', channel: 'token' });
      await expect(services.db.delete(auditEntries).where(eq(auditEntries.id, labEntry.id))).rejects.toThrow();
    } finally {
      await services.handle.close();
    }
  });
});
