// No 500 from any input, DRF's field messages, bounded requests (issue 9).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { buildServer } from '../../src/server.ts';
import { depthMessage, MAX_JSON_DEPTH } from '../../src/rest/input-guard.ts';
import { MAX_DJANGO_LOOKUPS, MAX_LOOKUP_PARTS } from '../../src/rest/django.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  expect((await t.post('/subjects', { nickname: 'S1', lab: 'cortexlab' })).status).toBe(201);
});
afterAll(async () => t?.close());

async function raw(method: string, url: string, payload: string | Buffer, contentType: string) {
  const r = await t.app.inject({ method: method as 'POST', url, payload, headers: { 'content-type': contentType, authorization: `Token ${t.adminToken}` } });
  return { status: r.statusCode, body: r.json() };
}

describe('malformed bodies are 4xx', () => {
  it('multipart without a boundary, or cut short, is a 400 on write endpoints', async () => {
    for (const url of ['/subjects', '/sessions', '/tags', '/projects', '/datasets', '/register-file']) {
      const a = await raw('POST', url, 'nickname=x', 'multipart/form-data');
      expect([url, a.status]).toEqual([url, 400]);
      expect(a.body.detail).toMatch(/^Multipart form parse error - /);
      const cut = '--XYZ\r\nContent-Disposition: form-data; name="nickname"\r\n\r\nabc';
      const b = await raw('POST', url, cut, 'multipart/form-data; boundary=XYZ');
      expect([url, b.status]).toEqual([url, 400]);
      expect(b.body.detail).toMatch(/^Multipart form parse error - /);
    }
    const p = await raw('PATCH', '/subjects/S1', '--Q\r\nContent-Disp', 'multipart/form-data; boundary=Q');
    expect(p.status).toBe(400);
  });

  it('JSON nested beyond the limit is a 400 naming it, as a body and inside a field', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const a = await raw('POST', '/subjects', deep, 'application/json');
    expect(a).toEqual({ status: 400, body: { detail: depthMessage, status_code: 400 } });
    const b = await raw('POST', '/subjects', `{"nickname":"D","json":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`, 'application/json');
    expect(b.status).toBe(400);
    expect(b.body.detail).toBe(depthMessage);
    // at the limit is fine
    const ok = await raw('PATCH', '/subjects/S1', `{"json":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`, 'application/json');
    expect(ok.status).toBe(200);
  });

  it('a body over the size limit is a 413', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024 + 10, 0x20);
    const r = await raw('POST', '/subjects', big, 'application/json');
    expect(r.status).toBe(413);
    expect(r.body.status_code).toBe(413);
  });
});

describe('server errors', () => {
  it('answer only an id; the log holds the error under it, with no SQL or parameters for the client', async () => {
    const app = await buildServer(t.services, { serveWeb: false });
    app.get('/test/boom', async () => {
      await t.services.db.execute(sql`select * from no_such_table_for_the_test where x = ${'param-value-xyz'}`);
      return {};
    });
    await app.ready();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const r = await app.inject({ method: 'GET', url: '/test/boom', headers: { authorization: `Token ${t.adminToken}` } });
      expect(r.statusCode).toBe(500);
      const body = r.json();
      expect(Object.keys(body)).toEqual(['detail', 'status_code']);
      expect(body.detail).toMatch(/^Server error \(id [0-9a-f]{12}\)$/);
      expect(body.status_code).toBe(500);
      expect(r.body).not.toMatch(/select|no_such_table|param-value/i);
      const id = /id ([0-9a-f]+)/.exec(body.detail)![1];
      const logged = spy.mock.calls.find((c) => String(c[0]).includes(id));
      expect(logged).toBeDefined();
      expect(String((logged![1] as Error).message ?? logged![1])).toMatch(/no_such_table_for_the_test/);
    } finally {
      spy.mockRestore();
      await app.close();
    }
  });

  it('database errors answered as 4xx never carry the query text', async () => {
    const r = await t.get('/subjects?django=birth_date__gt,notadate');
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/Failed query|select |params/i);
  });
});

describe("DRF's field messages", () => {
  it('refuses junk types with the messages of DRF fields', async () => {
    expect((await t.post('/subjects', { nickname: true, lab: 'cortexlab' })).body.nickname).toEqual(['Not a valid string.']);
    expect((await t.post('/subjects', { nickname: { a: 1 }, lab: 'cortexlab' })).body.nickname).toEqual(['Not a valid string.']);
    expect((await t.post('/subjects', { nickname: 12, lab: 'cortexlab' })).status).toBe(201);
    expect((await t.post('/tags', { name: 'tag1', protected: ['true'] })).body.protected).toEqual(['Must be a valid boolean.']);
    expect((await t.post('/tags', { name: 'tag1', protected: { a: true } })).body.protected).toEqual(['Must be a valid boolean.']);
    const s = await t.post('/sessions', { subject: 'S1', number: [1] });
    expect(s.status).toBe(400);
    expect(s.body.number).toEqual(['A valid integer is required.']);
  });

  it('refuses a UTC offset of a day or more', async () => {
    const r = await t.post('/sessions', { subject: 'S1', start_time: '2024-01-01T10:00:00+99:00' });
    expect(r.status).toBe(400);
    expect(r.body.start_time).toEqual([
      'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
    ]);
    expect((await t.post('/sessions', { subject: 'S1', start_time: '2024-01-01T10:00:00+24:00' })).status).toBe(400);
    expect((await t.post('/sessions', { subject: 'S1', start_time: '2024-01-01T10:00:00+23:59' })).status).toBe(201);
  });

  it('refuses NUL and lone surrogates in bodies, JSON values and query parameters', async () => {
    expect((await t.post('/subjects', { nickname: 'a\u0000b', lab: 'cortexlab' })).body).toEqual({ nickname: ['Null characters are not allowed.'], status_code: 400 });
    expect((await t.post('/subjects', { nickname: 'a\ud800b', lab: 'cortexlab' })).body).toEqual({
      nickname: ['Surrogate characters are not allowed: U+D800.'],
      status_code: 400,
    });
    expect((await t.patch('/subjects/S1', { json: { k: ['x\u0000'] } })).body).toEqual({ json: ['Null characters are not allowed.'], status_code: 400 });
    expect((await t.post('/subjects', { nickname: 'ok2', lab: 'cortexlab' }, { form: true })).status).toBe(201);
    const f = await t.post('/subjects', { nickname: 'x\u0000', lab: 'cortexlab' }, { form: true });
    expect(f.body).toEqual({ nickname: ['Null characters are not allowed.'], status_code: 400 });
    const q = await t.get('/subjects?nickname=a%00b');
    expect(q.body).toEqual({ nickname: ['Null characters are not allowed.'], status_code: 400 });
    const d = await t.get('/subjects?django=nickname__icontains,a%00');
    expect(d.body).toEqual({ django: ['Null characters are not allowed.'], status_code: 400 });
    const l = await t.get('/subjects?lab=%00');
    expect(l.status).toBe(400);
  });

  it('the subjects projects filter names a malformed UUID as Django does', async () => {
    const r = await t.get('/subjects?projects=x');
    expect(r.body).toEqual({ projects: ['“x” is not a valid UUID.'], status_code: 400 });
  });
});

describe('bounded requests', () => {
  it('a list of more than 1000 items in a body is refused before any work', async () => {
    const names = Array.from({ length: 10_000 }, (_, k) => `p${k}`);
    const r = await t.post('/subjects', { nickname: 'L1', lab: 'cortexlab', projects: names });
    expect(r.body).toEqual({ projects: ['Ensure this field has no more than 1000 elements.'], status_code: 400 });
    const nested = await t.patch('/subjects/S1', { json: { a: Array.from({ length: 1001 }, () => 1) } });
    expect(nested.body).toEqual({ json: ['Ensure this field has no more than 1000 elements.'], status_code: 400 });
    const bulk = await t.post('/weighings', Array.from({ length: 1001 }, () => ({ subject: 'S1', weight: 20 })));
    expect(bulk.status).toBe(400);
    expect(bulk.body.non_field_errors ?? bulk.body).toEqual(['Ensure this field has no more than 1000 elements.']);
  });

  it('the list limit is a setting', async () => {
    const small = await startTestApp({ maxListItems: 3 });
    try {
      const r = await small.post('/projects', { name: 'pp', users: ['a', 'b', 'c', 'd'] });
      expect(r.body).toEqual({ users: ['Ensure this field has no more than 3 elements.'], status_code: 400 });
    } finally {
      await small.close();
    }
  });

  it('django= filters are bounded in lookups, path length, list size and nesting', async () => {
    const tooMany = Array.from({ length: MAX_DJANGO_LOOKUPS + 1 }, (_, k) => `json__k${k},1`).join(',');
    const a = await t.get(`/subjects?django=${encodeURIComponent(tooMany)}`);
    expect(a.body).toEqual({ django: [`At most ${MAX_DJANGO_LOOKUPS} lookups are allowed in one filter.`], status_code: 400 });
    const long = Array.from({ length: MAX_LOOKUP_PARTS }, () => 'lab').join('__') + '__name';
    const b = await t.get(`/subjects?django=${long},x`);
    expect(b.status).toBe(400);
    expect(b.body.django[0]).toMatch(/at most 10 are allowed/);
    const bigList = `[${Array.from({ length: 1001 }, (_, k) => `"${k}"`).join(',')}]`;
    const c = await t.get(`/subjects?django=nickname__in,${encodeURIComponent(bigList)}`);
    expect(c.body).toEqual({ django: ['Lists of more than 1000 values are not allowed.'], status_code: 400 });
    // date/time transforms exist on date and datetime fields only (was a 500: cannot cast uuid to date)
    const tr = await t.get('/subjects?django=id__date,2020-01-01');
    expect(tr.body).toEqual({ django: ["Unsupported lookup 'date' for Subject.id, or join on the field not permitted."], status_code: 400 });
    expect((await t.get('/subjects?django=birth_date__hour,3')).status).toBe(400);
    expect((await t.get('/subjects?django=birth_date__year,2020')).status).toBe(200);
    const d = await t.get(`/subjects?django=nickname__in,${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(d.status).toBe(400);
    expect(d.body.django[0]).toMatch(/nested deeper than 8 levels/);
  });
});
