// startTestApp(): a fresh database (PGlite in memory, or a fresh PostgreSQL database when
// ALYX_TEST_DB=pg) with migrations and seed data, an app built on it, and an admin user with a
// token. Requests go through Fastify's inject (no network).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../src/config.ts';
import { openServices } from '../src/db/setup.ts';
import { users } from '../src/apps/misc/tables.ts';
import { buildServer } from '../src/server.ts';
import type { Services } from '../src/apps/app.ts';
import { tokenFor } from '../src/rest/auth.ts';
import { testConfig, TEST_DIR, withDatabase } from './templates.ts';

export interface TestResponse {
  status: number;
  body: any; // eslint-disable-line
  text: string;
  headers: Record<string, string | undefined>;
}

export interface RequestOptions {
  token?: string | null;
  /** send the body form-urlencoded instead of JSON */
  form?: boolean;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  adminToken: string;
  adminId: string;
  request(method: string, url: string, body?: unknown, opts?: RequestOptions): Promise<TestResponse>;
  get(url: string, opts?: RequestOptions): Promise<TestResponse>;
  post(url: string, body?: unknown, opts?: RequestOptions): Promise<TestResponse>;
  put(url: string, body?: unknown, opts?: RequestOptions): Promise<TestResponse>;
  patch(url: string, body?: unknown, opts?: RequestOptions): Promise<TestResponse>;
  del(url: string, opts?: RequestOptions): Promise<TestResponse>;
  /** creates a user (cheap password hash) and returns its id and token */
  createUser(username: string, fields?: Partial<typeof users.$inferInsert>): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

function formEncode(body: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else if (v !== undefined && v !== null) params.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return params.toString();
}

/** `thread`: the embedded database on a worker thread, as `alyx serve` runs it (PGlite only) */
export async function startTestApp(overrides: Partial<Config> = {}, opts: { thread?: boolean } = {}): Promise<TestApp> {
  const usePg = process.env.ALYX_TEST_DB === 'pg';
  const mediaDir = path.join(TEST_DIR, `media-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  let dropDatabase: (() => Promise<void>) | null = null;
  let services: Services;
  if (usePg) {
    const url = process.env.TEST_DATABASE_URL!;
    const template = inject('pgTemplate');
    const name = `${template.replace('tpl', 't')}_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // copies from one template may not run concurrently; retry while another file is copying
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (e) {
        if (attempt > 50 || !/being accessed by other users/.test(String((e as Error).message))) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    await admin.end();
    services = await openServices(testConfig({ databaseUrl: withDatabase(url, name), mediaDir, ...overrides }), { migrate: false });
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    const template = fs.readFileSync(inject('pgliteTemplate'));
    services = await openServices(testConfig({ databaseUrl: null, mediaDir, ...overrides }), {
      inMemory: true,
      migrate: false,
      loadDataDir: new Blob([template]),
      thread: opts.thread ?? process.env.ALYX_TEST_THREAD === '1',
    });
  }
  const app = await buildServer(services, { serveWeb: false });
  await app.ready();

  const createUser: TestApp['createUser'] = async (username, fields = {}) => {
    const [u] = await services.db
      .insert(users)
      .values({ username, password: fields.password ?? '!unusable', ...fields })
      .returning({ id: users.id });
    return { id: u.id, token: await tokenFor(services, u.id) };
  };
  const admin = await createUser('test_admin', { is_superuser: true, is_staff: true });

  const request: TestApp['request'] = async (method, url, body, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? admin.token : opts.token;
    if (token) headers.authorization = `Token ${token}`;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
      else if (opts.form) {
        payload = formEncode(body as Record<string, unknown>);
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else {
        payload = JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const res = await app.inject({ method: method as 'GET', url, headers, payload });
    let parsed: any = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers as TestResponse['headers'] };
  };

  return {
    app,
    services,
    config: services.config,
    adminToken: admin.token,
    adminId: admin.id,
    request,
    get: (url, opts) => request('GET', url, undefined, opts),
    post: (url, body, opts) => request('POST', url, body, opts),
    put: (url, body, opts) => request('PUT', url, body, opts),
    patch: (url, body, opts) => request('PATCH', url, body, opts),
    del: (url, opts) => request('DELETE', url, undefined, opts),
    createUser,
    async close() {
      await app.close();
      await services.handle.close();
      if (dropDatabase) await dropDatabase();
      fs.rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
