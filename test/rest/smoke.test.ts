import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('smoke', () => {
  it('lists labs', async () => {
    const r = await t.get('/labs');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['count', 'next', 'previous', 'results']);
  });
});
