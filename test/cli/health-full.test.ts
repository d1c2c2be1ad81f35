// GET /health?full=1: the doctor's checks through the running server, for superusers only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { codeSchemaVersion } from '../../src/ops/schema-version.ts';

describe('GET /health?full=1', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses anonymous users and users who are not superusers', async () => {
    expect((await t.get('/health?full=1', { token: null })).status).toBe(403);
    const { token } = await t.createUser('plain_member');
    const r = await t.get('/health?full=1', { token });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('You do not have permission to perform this action.');
    expect((await t.get('/health', { token: null })).body).toMatchObject({ status: 'ok' });
  });

  it('gives superusers every check, through the server\'s own database connection', async () => {
    const r = await t.get('/health?full=1');
    const names = r.body.checks.map((c: { name: string }) => c.name);
    expect(names.slice(0, 4)).toEqual(['config', 'time zone', 'database', 'migrations']);
    expect(r.body.checks.find((c: { name: string }) => c.name === 'migrations')).toEqual({ name: 'migrations', status: 'ok', detail: `current (${codeSchemaVersion().migration})` });
    const failed = r.body.checks.some((c: { status: string }) => c.status === 'fail');
    expect(r.status).toBe(failed ? 503 : 200);
    expect(r.body.status).toBe(failed ? 'failing' : 'ok');
  });
});
