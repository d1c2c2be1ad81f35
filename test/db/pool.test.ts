// PostgreSQL runs on a pool of connections, so concurrent requests do not queue on one; a
// transaction keeps one connection throughout. PGlite has a single connection.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/db/client.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const pid = async (db: Parameters<typeof query>[0]) => (await query<{ pid: number }>(db, sql`select pg_backend_pid() as pid`))[0].pid;

describe('database connections', () => {
  it('two concurrent transactions run on their own connection each (PostgreSQL) or one after the other (PGlite)', async () => {
    const inTx = () =>
      t.services.db.transaction(async (tx) => {
        const first = await pid(tx);
        await tx.execute(sql`select pg_sleep(0.05)`);
        return [first, await pid(tx)];
      });
    const [a, b] = await Promise.all([inTx(), inTx()]);
    expect(a[0]).toBe(a[1]); // one connection throughout a transaction
    expect(b[0]).toBe(b[1]);
    if (t.services.handle.driver === 'pg') expect(a[0]).not.toBe(b[0]);
    else expect(a[0]).toBe(b[0]);
  });

  it('the embedded database plans for a local, cached disk (random_page_cost 1.1), also inside transactions; PostgreSQL keeps its server setting', async () => {
    const cost = async (db: Parameters<typeof query>[0]) => (await query<{ random_page_cost: string }>(db, sql`show random_page_cost`))[0].random_page_cost;
    if (t.services.handle.driver === 'pglite') {
      expect(await cost(t.services.db)).toBe('1.1');
      expect(await t.services.db.transaction((tx) => cost(tx))).toBe('1.1');
      // and with a bounded buffer pool, from the config (ALYX_EMBEDDED_SHARED_BUFFERS_MB)
      expect(t.config.embeddedSharedBuffersMb).toBe(32);
      expect((await query<{ shared_buffers: string }>(t.services.db, sql`show shared_buffers`))[0].shared_buffers).toBe('32MB');
    } else expect(await cost(t.services.db)).toBe('4');
  });

  it('the pool size comes from ALYX_DB_POOL_SIZE', async () => {
    expect(t.config.dbPoolSize).toBe(10);
    const { loadConfig } = await import('../../src/config.ts');
    expect(loadConfig({ ALYX_DB_POOL_SIZE: '3' } as NodeJS.ProcessEnv).dbPoolSize).toBe(3);
    expect(() => loadConfig({ ALYX_DB_POOL_SIZE: '0' } as NodeJS.ProcessEnv)).toThrow('ALYX_DB_POOL_SIZE must be an integer between 1 and 1000, got "0"');
  });
});
