// Slow requests: PostgreSQL's statement_timeout ends a statement that runs too long (a 503, not a
// 500), and the pool serves other requests meanwhile. PGlite runs statements one at a time in wasm,
// where no timer can interrupt them: there the bounds on requests are the guard (see input.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from '../helpers.ts';
import { buildServer } from '../../src/server.ts';

let t: TestApp;
let app: FastifyInstance;
const SLEEP_S = 1.5;

beforeAll(async () => {
  t = await startTestApp({ statementTimeoutMs: 800 });
  app = await buildServer(t.services, { serveWeb: false });
  app.get('/test/sleep', async (request) => {
    const s = Number((request.query as Record<string, string>).s ?? SLEEP_S);
    await t.services.db.execute(sql`select pg_sleep(${s})`);
    return { slept: s };
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Token ${t.adminToken}` } });

describe('slow statements', () => {
  it('a statement longer than ALYX_STATEMENT_TIMEOUT_MS is a 503 on PostgreSQL (PGlite cannot interrupt one)', async () => {
    const r = await get('/test/sleep?s=1.5');
    if (t.services.handle.driver === 'pg') {
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({
        detail: 'The request took longer than the server allows (statement timeout). Narrow the query or use smaller pages.',
        status_code: 503,
      });
    } else {
      expect(r.statusCode).toBe(200);
    }
    // a statement within the limit is served
    expect((await get('/test/sleep?s=0.05')).statusCode).toBe(200);
  });

  it('on PostgreSQL a fast request is answered while a slow one holds a pooled connection', async () => {
    const order: string[] = [];
    const slow = get('/test/sleep?s=0.7').then((r) => {
      order.push('slow');
      return r;
    });
    // let the slow statement start first
    await new Promise((r) => setTimeout(r, 100));
    const fast = get('/subjects').then((r) => {
      order.push('fast');
      return r;
    });
    const [s, f] = await Promise.all([slow, fast]);
    expect(s.statusCode).toBe(200);
    expect(f.statusCode).toBe(200);
    // PGlite serves statements one after the other; PostgreSQL's pool does not make the fast one wait
    expect(order).toEqual(t.services.handle.driver === 'pg' ? ['fast', 'slow'] : ['slow', 'fast']);
  });
});
