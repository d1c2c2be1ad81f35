// `alyx upgrade` (src/cli/upgrade.ts): backup, migrations, reference data, and the report of what changed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { eq } from 'drizzle-orm';
import { openServices } from '../../src/db/setup.ts';
import { waterTypes } from '../../src/apps/actions/tables.ts';
import { upgrade } from '../../src/cli/upgrade.ts';
import { main } from '../../src/main.ts';
import { TEST_DIR, testConfig } from '../templates.ts';
import { codeMigrations } from '../../src/ops/schema-version.ts';

const work = path.join(TEST_DIR, `upgrade-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('alyx upgrade', () => {
  it('migrates and seeds an empty database, then restores deleted reference rows after a backup', async () => {
    const config = testConfig({ databaseUrl: null, dataDir: path.join(work, 'mem'), mediaDir: path.join(work, 'mem', 'media') });
    config.backup = { ...config.backup, dir: path.join(work, 'mem', 'backups') };
    const services = await openServices(config, { inMemory: true, migrate: false });
    try {
      const lines: string[] = [];
      const first = await upgrade(services, { log: (l) => lines.push(l) });
      expect(first.backup).toBeNull();
      expect(first.migrations).toEqual(codeMigrations().map((m) => m.tag));
      const types = await services.db.select().from(waterTypes);
      expect(first.added.actions_watertype).toBe(types.length);
      expect(first.added.misc_lab).toBe(1); // the lab named by the config
      expect(lines).toEqual(['applying migrations...', 'loading reference data...']);

      await services.db.delete(waterTypes).where(eq(waterTypes.id, types[0].id));
      lines.length = 0;
      const second = await upgrade(services, { log: (l) => lines.push(l) });
      expect(second.migrations).toEqual([]);
      expect(second.added).toEqual({ actions_watertype: 1 });
      expect(second.backup).toMatch(/[\\/]alyx-safety-\d{8}-\d{6}\.tar\.gz$/);
      expect(path.dirname(second.backup!)).toBe(config.backup.dir);
      expect(lines[1]).toBe(`backup written to ${second.backup}`);
    } finally {
      await services.handle.close();
    }
  }, 300_000); // a new database: initdb, the whole schema and every seed (brain regions) on a shared machine

  it('runs as a command and says when nothing changed', async () => {
    const dataDir = path.join(work, 'site');
    const config = testConfig({ databaseUrl: null, dataDir });
    const s = await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
    await s.handle.close();
    const saved = { ...process.env };
    const logs: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logs.push(a.join(' '));
    try {
      Object.assign(process.env, { ALYX_DATA_DIR: dataDir, ALYX_LAB: 'cortexlab', ALYX_TIME_ZONE: 'Europe/London' });
      expect(await main(['upgrade', '--out', path.join(work, 'pre-upgrade.tar.gz')])).toBe(0);
      expect(logs).toEqual([
        'backing up the database, media and config...',
        `backup written to ${path.join(work, 'pre-upgrade.tar.gz')}`,
        'applying migrations...',
        'loading reference data...',
        'migrations applied: none (the schema was current)',
        'reference rows added: none',
      ]);
    } finally {
      console.log = log;
      process.env = saved;
      process.exitCode = 0;
    }
  });
});
