// migrateDatabase on a database that has every migration reads drizzle's record and stops there:
// no DDL, no transaction (drizzle's migrator starts with CREATE SCHEMA / CREATE TABLE IF NOT EXISTS,
// slow on a cold embedded catalog at every start). A database behind the code is still migrated:
// test/db/migrate-from-previous.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase, query, type DbHandle } from '../../../src/db/client.ts';

describe('migrateDatabase on an up-to-date database', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
    await migrateDatabase(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('runs only reads', async () => {
    type Method = (...a: unknown[]) => Promise<unknown>;
    const pglite = handle.pglite as unknown as Record<'query' | 'exec' | 'transaction', Method>;
    const statements: string[] = [];
    const spied = ['query', 'exec', 'transaction'] as const;
    const originals = spied.map((m) => pglite[m]);
    for (const m of spied) {
      const orig = pglite[m].bind(pglite);
      pglite[m] = (...a: unknown[]) => {
        statements.push(m === 'transaction' ? 'BEGIN' : String(a[0]));
        return orig(...a);
      };
    }
    try {
      await migrateDatabase(handle);
    } finally {
      spied.forEach((m, i) => (pglite[m] = originals[i]));
    }
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s.trim().toLowerCase()).toMatch(/^select /);
    const [{ n }] = await query<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(n).toBeGreaterThan(0);
  });
});
