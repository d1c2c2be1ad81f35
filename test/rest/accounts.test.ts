// Safe accounts and tokens: no usable credential in the database or a dump of it (tokens as digest +
// sealed token, session keys hashed), upstream tokens imported and still working, password guessing
// throttled on every password check (auth-token, web login, HTTP Basic on file URLs), token lifetime.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { authTokens, users, webSessions } from '../../src/apps/misc/tables.ts';
import { hashPassword, passwordProblem, sealDumpTokens, sealStoredCredentials, tokenFor } from '../../src/rest/auth.ts';
import { keyringOf } from '../../src/rest/secrets.ts';
import { LoginThrottle, ThrottledError } from '../../src/rest/login-throttle.ts';
import { importDump } from '../../src/db/import/importer.ts';
import { dumpTables } from '../../src/ops/db-dump.ts';
import { TEST_DIR } from '../templates.ts';

const PW = 'correct horse battery';
const work = path.join(TEST_DIR, `accounts-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function userWithPassword(t: TestApp, username: string, fields: Partial<typeof users.$inferInsert> = {}) {
  return t.createUser(username, { password: await hashPassword(PW, 1000), ...fields });
}

/** A request from a given client address (Fastify's inject sets request.ip from remoteAddress). */
async function from(t: TestApp, address: string, method: 'GET' | 'POST', url: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: address,
    headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
    payload: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
}

describe('credentials at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ dataDir: path.join(work, 'rest') });
    await userWithPassword(t, 'alice');
  });
  afterAll(async () => t?.close());

  it('returns the same token on repeated logins and stores only its digest and sealed form', async () => {
    const a = await t.post('/auth-token', { username: 'alice', password: PW }, { token: null });
    const b = await t.post('/auth-token', { username: 'alice', password: PW }, { token: null });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual(['token']);
    expect(a.body.token).toMatch(/^[0-9a-f]{40}$/);
    expect(b.body.token).toBe(a.body.token);
    expect((await t.get('/users/alice', { token: a.body.token })).status).toBe(200);
    const rows = await t.services.db.select().from(authTokens);
    for (const row of rows) {
      expect(row.key).not.toBe(a.body.token);
      expect(row.encrypted).toMatch(/^v1:/);
      expect(row.encrypted).not.toContain(a.body.token);
    }
  });

  it('writes no token and no session cookie value into a dump of the database', async () => {
    const token = (await t.post('/auth-token', { username: 'alice', password: PW }, { token: null })).body.token;
    const login = await t.post('/auth/login', { username: 'alice', password: PW }, { token: null });
    const cookie = /alyx_session=([^;]+)/.exec(String(login.headers['set-cookie']))![1];
    expect(cookie.length).toBeGreaterThan(40);
    const me = await t.get('/auth/me', { token: null, headers: { cookie: `alyx_session=${cookie}` } });
    expect(me.body.username).toBe('alice');
    const dir = path.join(work, 'dump');
    fs.mkdirSync(dir, { recursive: true });
    await t.services.db.transaction((tx) => dumpTables(tx, dir));
    const all = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    expect(all).toContain('v1:'); // the sealed tokens are there
    expect(all).not.toContain(token);
    expect(all).not.toContain(t.adminToken);
    expect(all).not.toContain(cookie);
    // a dump restored elsewhere, with another key, opens nothing
    const other = keyringOf({ dataDir: path.join(work, 'other'), secretKey: null });
    const [row] = await t.services.db.select().from(authTokens).where(eq(authTokens.key, keyringOf(t.config).digest(token)));
    expect(other.open(row.encrypted!)).toBeNull();
    expect(keyringOf(t.config).open(row.encrypted!)).toBe(token);
    // logout deletes the hashed session
    await t.post('/auth/logout', undefined, { token: null, headers: { cookie: `alyx_session=${cookie}` } });
    expect((await t.get('/auth/me', { token: null, headers: { cookie: `alyx_session=${cookie}` } })).status).toBe(403);
  });

  it('creates the key file 0600 in the data directory, or uses the configured key', async () => {
    const file = path.join(t.config.dataDir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const a = keyringOf({ dataDir: '/nonexistent', secretKey: 'shared key of every server' });
    const b = keyringOf({ dataDir: '/elsewhere', secretKey: 'shared key of every server' });
    expect(a.digest('abc')).toBe(b.digest('abc'));
    expect(b.open(a.seal('abc'))).toBe('abc');
    expect(a.digest('abc')).not.toBe(keyringOf(t.config).digest('abc'));
  });

  it('seals imported upstream tokens: they keep working', async () => {
    const userPk = crypto.randomUUID();
    const plain = crypto.randomBytes(20).toString('hex');
    const dump = [
      { model: 'misc.labmember', pk: userPk, fields: { username: 'imported_user', password: '!x', is_active: true, date_joined: '2024-01-01T00:00:00' } },
      { model: 'authtoken.token', pk: plain, fields: { user: userPk, created: '2026-11-22T14:05:31.058' } },
    ];
    const report = await importDump(t.services.db, sealDumpTokens(t.config, dump));
    expect(report.models['authtoken.token'].inserted).toBe(1);
    expect((await t.services.db.select().from(authTokens).where(eq(authTokens.key, plain))).length).toBe(0);
    const r = await t.get('/users/imported_user', { token: plain });
    expect([r.status, r.body.username]).toEqual([200, 'imported_user']);
    // the same token back from POST /auth-token once the user has a password
    await t.services.db.update(users).set({ password: await hashPassword(PW, 1000) }).where(eq(users.id, userPk));
    expect((await t.post('/auth-token', { username: 'imported_user', password: PW }, { token: null })).body.token).toBe(plain);
  });

  it('seals plain tokens and drops plain session keys left by an older database', async () => {
    const u = await userWithPassword(t, 'legacy');
    await t.services.db.delete(authTokens).where(eq(authTokens.user, u.id));
    const plain = crypto.randomBytes(20).toString('hex');
    await t.services.db.insert(authTokens).values({ key: plain, user: u.id });
    await t.services.db.insert(webSessions).values({ key: crypto.randomBytes(32).toString('hex'), user: u.id, expires: '2999-01-01 00:00:00' });
    expect((await t.get('/users/legacy', { token: plain })).status).toBe(403);
    const sealed = await sealStoredCredentials(t.services);
    expect(sealed).toEqual({ tokens: 1, sessions: 1 });
    expect((await t.get('/users/legacy', { token: plain })).status).toBe(200);
    expect(await sealStoredCredentials(t.services)).toEqual({ tokens: 0, sessions: 0 });
  });
});

describe('password guessing', () => {
  let t: TestApp;
  beforeAll(async () => {
    const share = path.join(work, 'share');
    fs.mkdirSync(share, { recursive: true });
    t = await startTestApp({ dataDir: path.join(work, 'throttle'), loginMaxFailures: 3, repositoryDirs: { files_repo: share } });
    for (const name of ['victim', 'bystander', 'web_victim', 'basic_victim', 'other']) await userWithPassword(t, name);
    expect((await t.post('/data-repository', { name: 'files_repo', data_url: 'http://localhost/files/' })).status).toBe(201);
  });
  afterAll(async () => t?.close());

  const expectThrottled = (r: { status: number; body: { detail: string; status_code: number }; headers: Record<string, unknown> }) => {
    expect(r.status).toBe(429);
    expect(r.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/);
    expect(r.body.status_code).toBe(429);
    const wait = Number(r.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(r.body.detail).toContain(`in ${wait} seconds`);
  };

  it('POST /auth-token: 429 with Retry-After after N failures, even for the right password; others unaffected', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await from(t, '10.0.0.1', 'POST', '/auth-token', { body: { username: 'victim', password: 'guess' + i } });
      expect(r.status).toBe(400);
    }
    expectThrottled(await from(t, '10.0.0.1', 'POST', '/auth-token', { body: { username: 'victim', password: 'guess' } }));
    // the account backs off from every address, the right password included
    expectThrottled(await from(t, '10.0.0.2', 'POST', '/auth-token', { body: { username: 'victim', password: PW } }));
    // another account works, from the same address and from another
    expect((await from(t, '10.0.0.1', 'POST', '/auth-token', { body: { username: 'bystander', password: PW } })).status).toBe(200);
    expect((await from(t, '10.0.0.3', 'POST', '/auth-token', { body: { username: 'bystander', password: PW } })).status).toBe(200);
  });

  it('POST /auth/login (web UI) is throttled alike', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await from(t, '10.0.1.1', 'POST', '/auth/login', { body: { username: 'web_victim', password: 'nope' } })).status).toBe(400);
    }
    expectThrottled(await from(t, '10.0.1.1', 'POST', '/auth/login', { body: { username: 'web_victim', password: PW } }));
    expect((await from(t, '10.0.1.2', 'POST', '/auth/login', { body: { username: 'other', password: PW } })).status).toBe(200);
  });

  it('HTTP Basic on the repository file URLs is throttled alike', async () => {
    const basic = (user: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
    for (let i = 0; i < 3; i++) {
      expect((await from(t, '10.0.2.1', 'GET', '/files/a.txt', { headers: basic('basic_victim', 'nope' + i) })).status).toBe(401);
    }
    expectThrottled(await from(t, '10.0.2.1', 'GET', '/files/a.txt', { headers: basic('basic_victim', PW) }));
    // a good password of another account from another address gets through (404: no such file)
    expect((await from(t, '10.0.2.2', 'GET', '/files/a.txt', { headers: basic('other', PW) })).status).toBe(404);
  });

  it('an address backs off after 4N failures over several accounts', async () => {
    for (let i = 0; i < 12; i++) {
      const r = await from(t, '10.0.3.1', 'POST', '/auth-token', { body: { username: `nobody${i}`, password: 'x' } });
      expect(r.status).toBe(400);
    }
    expectThrottled(await from(t, '10.0.3.1', 'POST', '/auth-token', { body: { username: 'bystander', password: PW } }));
    expect((await from(t, '10.0.3.2', 'POST', '/auth-token', { body: { username: 'bystander', password: PW } })).status).toBe(200);
  });

  it('backs off exponentially, forgives after the wait, and a success clears the account', () => {
    let now = 1_000_000;
    const th = new LoginThrottle(2, () => now);
    const waitOf = () => {
      try {
        th.check('u', 'ip');
        return 0;
      } catch (e) {
        expect(e).toBeInstanceOf(ThrottledError);
        return (e as ThrottledError).waitSeconds;
      }
    };
    th.failed('u', 'ip');
    expect(waitOf()).toBe(0);
    th.failed('u', 'ip');
    expect(waitOf()).toBe(2);
    now += 2000;
    expect(waitOf()).toBe(0);
    th.failed('u', 'ip');
    expect(waitOf()).toBe(4);
    now += 4000;
    th.failed('u', 'ip');
    expect(waitOf()).toBe(8);
    now += 8000;
    th.succeeded('u');
    th.failed('u', 'ip');
    expect(waitOf()).toBe(0);
    for (let i = 0; i < 40; i++) th.failed('u', 'ip');
    expect(waitOf()).toBe(15 * 60);
  });
});

describe('token lifetime', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ dataDir: path.join(work, 'ttl'), tokenTtlSeconds: 3600 });
    await userWithPassword(t, 'ttl_user');
  });
  afterAll(async () => t?.close());

  it('answers 403 "Invalid token." past ALYX_TOKEN_TTL; the next login gets a new token', async () => {
    const first = (await t.post('/auth-token', { username: 'ttl_user', password: PW }, { token: null })).body.token;
    expect((await t.get('/users/ttl_user', { token: first })).status).toBe(200);
    // the token is made 2 hours old
    const [u] = await t.services.db.select({ id: users.id }).from(users).where(eq(users.username, 'ttl_user'));
    await t.services.db.update(authTokens).set({ created: '2020-01-01 00:00:00' }).where(eq(authTokens.user, u.id));
    const expired = await t.get('/users/ttl_user', { token: first });
    expect([expired.status, expired.body]).toEqual([403, { detail: 'Invalid token.', status_code: 403 }]);
    const second = (await t.post('/auth-token', { username: 'ttl_user', password: PW }, { token: null })).body.token;
    expect(second).not.toBe(first);
    expect((await t.get('/users/ttl_user', { token: second })).status).toBe(200);
    expect((await t.get('/users/ttl_user', { token: first })).status).toBe(403);
    expect(await tokenFor(t.services, u.id)).toBe(second);
  });
});

describe('password rules', () => {
  it('refuses passwords under the configured minimum length', () => {
    expect(passwordProblem({ passwordMinLength: 8 }, 'short')).toBe('This password is too short. It must contain at least 8 characters.');
    expect(passwordProblem({ passwordMinLength: 8 }, '12345678')).toBeNull();
    expect(passwordProblem({ passwordMinLength: 12 }, '12345678901')).toMatch(/at least 12 characters/);
  });
});
