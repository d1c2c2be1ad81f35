// The first start on an empty data directory copies the migrated empty database made by the build
// (src/db/template.ts), while it matches the migrations; otherwise it creates the database itself.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, query } from '../../src/db/client.ts';
import { seedVersions } from '../../src/db/tables.ts';
import { buildTemplate, usableTemplate } from '../../src/db/template.ts';
import { TEST_DIR } from '../templates.ts';

const work = path.join(TEST_DIR, `template-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const templateDir = path.join(work, 'template');

describe('embedded database template', () => {
  it('is built once, copied into an empty data directory only, and ignored when the migrations changed', async () => {
    expect(usableTemplate(templateDir)).toBe(null);
    expect(await buildTemplate(templateDir)).toBe('built');
    expect(await buildTemplate(templateDir)).toBe('current');
    const db = usableTemplate(templateDir);
    expect(db).toBe(path.join(templateDir, 'db'));

    // an empty data dir gets the copy: already migrated, no data
    let asked = 0;
    const template = () => (asked++, usableTemplate(templateDir));
    const handle = await openDatabase({ databaseUrl: null, pgliteDir: path.join(work, 'first', 'db'), template });
    try {
      expect(asked).toBe(1);
      expect(await handle.db.select().from(seedVersions)).toEqual([]);
      const before = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      await migrateDatabase(handle);
      expect(await query(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toEqual(before);
      await handle.db.insert(seedVersions).values({ app: 'x', hash: 'y' });
    } finally {
      await handle.close();
    }
    // a data dir that holds a database is opened as it is
    const again = await openDatabase({ databaseUrl: null, pgliteDir: path.join(work, 'first', 'db'), template });
    try {
      expect(asked).toBe(1);
      expect((await again.db.select().from(seedVersions)).map((r) => r.app)).toEqual(['x']);
    } finally {
      await again.close();
    }

    // made with other migrations: not used
    const keyFile = path.join(templateDir, 'template.json');
    fs.writeFileSync(keyFile, JSON.stringify({ key: 'other migrations' }));
    expect(usableTemplate(templateDir)).toBe(null);
  });
});
