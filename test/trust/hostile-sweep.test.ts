// A sample of bench/hostile-sweep.ts: hostile requests to every endpoint of /api/schema, as a
// superuser and as a plain user, answer no 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { hostileRequests, realLookups, sweep, type Sender } from '../../bench/hostile-requests.ts';

let t: TestApp;
let send: Sender;
beforeAll(async () => {
  t = await startTestApp();
  send = async (r) => {
    const res = await t.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, payload: r.payload });
    return { status: res.statusCode, body: res.body };
  };
  expect((await t.post('/subjects', { nickname: 'HS_1', lab: 'cortexlab' })).status).toBe(201);
  expect((await t.post('/sessions', { subject: 'HS_1', number: 1, start_time: '2024-01-01T10:00:00' })).status).toBe(201);
});
afterAll(async () => t?.close());

async function run(token: string, seed: number, perOperation: number) {
  const auth = { authorization: `Token ${token}` };
  const doc = JSON.parse((await send({ method: 'GET', url: '/api/schema?format=json', headers: auth, kind: 'schema' })).body);
  const real = await realLookups(doc, send, auth);
  expect(Object.keys(real).length).toBeGreaterThan(10);
  const requests = hostileRequests(doc, auth, real, { seed, perOperation });
  expect(requests.length).toBeGreaterThan(500);
  return sweep(requests, send);
}

describe('hostile sweep (sample)', () => {
  it('answers no 5xx to a superuser', async () => {
    const result = await run(t.adminToken, 3, 6);
    expect(result.serverErrors).toEqual([]);
    expect(result.byStatus['4xx']).toBeGreaterThan(300);
  }, 400_000);

  it('answers no 5xx to a plain user', async () => {
    const u = await t.createUser('plain_hostile');
    const result = await run(u.token, 5, 3);
    expect(result.serverErrors).toEqual([]);
  }, 400_000);
});
