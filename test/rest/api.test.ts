// The DRF-compatible machinery, exercised through /labs and /users: authentication, permissions,
// pagination links, errors, the django= filter, and the API description.
import zlib from 'node:zlib';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { hashPassword, verifyPassword } from '../../src/rest/auth.ts';
import { users } from '../../src/apps/misc/tables.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('authentication', () => {
  it('refuses anonymous requests with the upstream 403 body', async () => {
    const r = await t.get('/labs', { token: null });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ detail: 'Authentication credentials were not provided.', status_code: 403 });
  });

  it('answers a bad token with the literal "Invalid token."', async () => {
    const r = await t.get('/labs', { token: 'f'.repeat(40) });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ detail: 'Invalid token.', status_code: 403 });
  });

  it('issues one token per user and keeps returning it', async () => {
    const hash = await hashPassword('s3cr3t-päss', 1000);
    await t.services.db.insert(users).values({ username: 'alice', password: hash });
    const a = await t.post('/auth-token', { username: 'alice', password: 's3cr3t-päss' }, { token: null });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual(['token']);
    expect(a.body.token).toMatch(/^[0-9a-f]{40}$/);
    const b = await t.post('/auth-token', { username: 'alice', password: 's3cr3t-päss' }, { token: null, form: true });
    expect(b.body.token).toBe(a.body.token);
    const me = await t.get('/users/alice', { token: a.body.token });
    expect(me.status).toBe(200);
  });

  it('refuses wrong credentials and missing fields with 400s', async () => {
    const wrong = await t.post('/auth-token', { username: 'alice', password: 'nope' }, { token: null });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'], status_code: 400 });
    const missing = await t.post('/auth-token', {}, { token: null });
    expect(missing.body).toEqual({ username: ['This field is required.'], password: ['This field is required.'], status_code: 400 });
    const get = await t.get('/auth-token', { token: null });
    expect(get.status).toBe(405);
    expect(get.body).toEqual({ detail: 'Method "GET" not allowed.', status_code: 405 });
  });

  it('verifies the Django hash of a user from the upstream export', async () => {
    const dump = JSON.parse(zlib.gunzipSync(fs.readFileSync('../shared/samples/alyx-3.6-dumpdata.json.gz')).toString());
    const tech = dump.find((o: any) => o.model === 'misc.labmember' && o.fields.username === 'imported_tech');
    expect(await verifyPassword('imported-pw-9', tech.fields.password)).toBe(true);
    expect(await verifyPassword('imported-pw-8', tech.fields.password)).toBe(false);
  });

  it('lets public users read but not write', async () => {
    const pub = await t.createUser('viewer', { is_public_user: true });
    expect((await t.get('/labs', { token: pub.token })).status).toBe(200);
    const r = await t.post('/labs', { name: 'publab' }, { token: pub.token });
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/^You do not have permission to perform this action\./);
    expect((await t.get('/labs/publab')).status).toBe(404);
  });

  it('serves /health without credentials', async () => {
    const r = await t.get('/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
  });
});

describe('labs', () => {
  it('creates, reads, updates and deletes a lab with upstream field order', async () => {
    const c = await t.post('/labs', { name: 'hoferlab', institution: 'UCL', reference_weight_pct: 0.8 });
    expect(c.status).toBe(201);
    expect(Object.keys(c.body)).toEqual(['name', 'institution', 'address', 'timezone', 'repositories', 'reference_weight_pct', 'zscore_weight_pct', 'json'].filter((k) => k in c.body));
    expect(c.body).toMatchObject({ name: 'hoferlab', institution: 'UCL', address: '', timezone: 'Europe/London', reference_weight_pct: 0.8, json: null });
    expect(c.body).not.toHaveProperty('id');
    const p = await t.patch('/labs/hoferlab', { address: '25 Howland St' });
    expect(p.status).toBe(200);
    expect(p.body.address).toBe('25 Howland St');
    expect(p.body.institution).toBe('UCL');
    const put = await t.put('/labs/hoferlab', { name: 'hoferlab' });
    expect(put.status).toBe(200);
    expect(put.body.institution).toBe('UCL'); // PUT leaves omitted fields with defaults untouched in the row
    const d = await t.del('/labs/hoferlab');
    expect(d.status).toBe(204);
    const gone = await t.get('/labs/hoferlab');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'No Lab matches the given query.', status_code: 404 });
  });

  it('validates names and uniqueness with field errors, writing nothing', async () => {
    const before = (await t.get('/labs')).body.count;
    const bad = await t.post('/labs', { name: 'bad name!' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ name: ['Lab name must only contain letters, numbers, and underscores.'], status_code: 400 });
    const missing = await t.post('/labs', {});
    expect(missing.body).toEqual({ name: ['This field is required.'], status_code: 400 });
    await t.post('/labs', { name: 'duplab' });
    const dup = await t.post('/labs', { name: 'duplab' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ name: ['lab with this name already exists.'], status_code: 400 });
    const wrongType = await t.post('/labs', { name: 'typelab', reference_weight_pct: 'heavy' });
    expect(wrongType.body).toEqual({ reference_weight_pct: ['A valid number is required.'], status_code: 400 });
    expect((await t.get('/labs')).body.count).toBe(before + 1);
  });

  it('answers malformed JSON, unsupported media types and unknown methods in DRF shape', async () => {
    const r = await t.request('POST', '/labs', '{"name": ', { headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^JSON parse error - /);
    expect(r.body.status_code).toBe(400);
    const txt = await t.request('POST', '/labs', 'name=x', { headers: { 'content-type': 'text/plain' } });
    expect(txt.status).toBe(415);
    expect(txt.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.', status_code: 415 });
    const list = await t.post('/labs', [{ name: 'x' }]);
    expect(list.status).toBe(400);
    expect(list.body.non_field_errors[0]).toMatch(/Expected a dictionary, but got list/);
    const nul = await t.request('POST', '/labs', 'null', { headers: { 'content-type': 'application/json' } });
    expect(nul.status).toBe(400);
    expect(nul.body.non_field_errors).toEqual(['Invalid data. Expected a dictionary, but got NoneType.']);
  });

  it('accepts form bodies', async () => {
    const r = await t.post('/labs', { name: 'formlab', institution: 'Form U' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.institution).toBe('Form U');
  });

  it('does not route trailing slashes', async () => {
    expect((await t.get('/labs/')).status).toBe(404);
  });
});

describe('pagination', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) await t.post('/labs', { name: `pglab_${i}`, institution: 'pg inst' });
  });

  it('builds absolute next/previous links with sorted, re-encoded parameters', async () => {
    const r = await t.get('/labs?institution=pg+inst&limit=2&offset=2', { headers: { host: 'alyx.example.org' } });
    expect(Object.keys(r.body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(r.body.count).toBe(7);
    expect(r.body.results.map((l: any) => l.name)).toEqual(['pglab_2', 'pglab_3']);
    expect(r.body.next).toBe('http://alyx.example.org/labs?institution=pg+inst&limit=2&offset=4');
    expect(r.body.previous).toBe('http://alyx.example.org/labs?institution=pg+inst&limit=2');
    const last = await t.get('/labs?institution=pg+inst&limit=2&offset=6');
    expect(last.body.next).toBeNull();
    expect(last.body.previous).toBe('http://localhost:80/labs?institution=pg+inst&limit=2&offset=4'); // the Host header as sent
  });

  it('honours X-Forwarded-Proto and falls back on bad limits', async () => {
    const r = await t.get('/labs?institution=pg+inst&limit=abc', { headers: { 'x-forwarded-proto': 'https', host: 'a.b' } });
    expect(r.body.results).toHaveLength(7);
    expect(r.body.next).toBeNull();
    const capped = await t.get('/labs?limit=5000&offset=-3');
    expect(capped.status).toBe(200);
    expect(capped.body.previous).toBeNull();
    const small = await t.get('/labs?institution=pg+inst&limit=3', { headers: { 'x-forwarded-proto': 'https', host: 'a.b' } });
    expect(small.body.next).toBe('https://a.b/labs?institution=pg+inst&limit=3&offset=3');
  });
});

describe('django filter', () => {
  beforeAll(async () => {
    await t.post('/labs', { name: 'djlab_a', institution: 'Alpha', reference_weight_pct: 0.5 });
    await t.post('/labs', { name: 'djlab_b', institution: 'Beta', reference_weight_pct: 0.9 });
  });
  const names = async (q: string) => {
    const r = await t.get(`/labs?django=${encodeURIComponent(q)}`);
    expect(r.status).toBe(200);
    return r.body.results.map((l: any) => l.name).filter((n: string) => n.startsWith('djlab'));
  };

  it('applies lookups, exclusions and literal lists', async () => {
    expect(await names('institution__icontains,alp')).toEqual(['djlab_a']);
    expect(await names('name__startswith,djlab,~institution,Alpha')).toEqual(['djlab_b']);
    expect(await names("name__in,('djlab_a', 'djlab_b')")).toEqual(['djlab_a', 'djlab_b']);
    expect(await names('name__in,["djlab_b"]')).toEqual(['djlab_b']);
    expect(await names('reference_weight_pct__gte,0.6')).toEqual(['djlab_b']);
    expect(await names('name__startswith,djlab,json__isnull,True')).toEqual(['djlab_a', 'djlab_b']);
  });

  it('filters users through a reverse relation path', async () => {
    const r = await t.get('/users?django=username__icontains,test_adm');
    expect(r.body.results.map((u: any) => u.username)).toEqual(['test_admin']);
  });

  it('answers bad lookups with a 400 naming the part', async () => {
    const unknown = await t.get('/labs?django=nope__icontains,x');
    expect(unknown.status).toBe(400);
    expect(unknown.body.django[0]).toMatch(/^Cannot resolve keyword 'nope' into field\. Choices are: .*name/);
    const odd = await t.get('/labs?django=name,a,institution');
    expect(odd.status).toBe(400);
    expect(odd.body.django[0]).toMatch(/has no value/);
    const twice = await t.get('/labs?django=name,a,name,b');
    expect(twice.body.django[0]).toMatch(/appears twice/);
  });

  it('keeps SQL metacharacters as data', async () => {
    const r = await t.get(`/labs?django=${encodeURIComponent("name,x'; drop table misc_lab; --")}`);
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(0);
    const r2 = await t.get(`/labs?name=${encodeURIComponent("' or 1=1 --")}`);
    expect(r2.body.count).toBe(0);
    expect((await t.get('/labs')).body.count).toBeGreaterThan(2);
  });

  it('validates automatic filters like django-filter', async () => {
    const r = await t.get('/labs?id=not-a-uuid');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ id: ['Enter a valid UUID.'], status_code: 400 });
    const n = await t.get('/labs?reference_weight_pct=abc');
    expect(n.body).toEqual({ reference_weight_pct: ['Enter a number.'], status_code: 400 });
    const ignored = await t.get('/labs?no_such_filter=1&format=json');
    expect(ignored.status).toBe(200);
  });
});

describe('users', () => {
  it('creates a user with upstream fields and required lists', async () => {
    const missing = await t.post('/users', { username: 'bob' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ subjects_responsible: ['This field is required.'], allowed_users: ['This field is required.'], status_code: 400 });
    const c = await t.post('/users', { username: 'bob', email: 'bob@example.org', subjects_responsible: [], allowed_users: ['test_admin'] });
    expect(c.status).toBe(201);
    expect(Object.keys(c.body)).toEqual(['id', 'username', 'email', 'subjects_responsible', 'lab', 'allowed_users', 'is_stock_manager']);
    expect(c.body.allowed_users).toEqual(['test_admin']);
    const dup = await t.post('/users', { username: 'bob', subjects_responsible: [], allowed_users: [] });
    expect(dup.body).toEqual({ username: ['A user with that username already exists.'], status_code: 400 });
    const bad = await t.post('/users', { username: 'carol', subjects_responsible: [], allowed_users: ['ghost'] });
    expect(bad.body).toEqual({ allowed_users: ['Object with username=ghost does not exist.'], status_code: 400 });
    const email = await t.post('/users', { username: 'dave', email: 'nope', subjects_responsible: [], allowed_users: [] });
    expect(email.body).toEqual({ email: ['Enter a valid email address.'], status_code: 400 });
  });

  it('cannot log in as a REST-created user (no usable password)', async () => {
    const r = await t.post('/auth-token', { username: 'bob', password: '' }, { token: null });
    expect(r.status).toBe(400);
  });
});

describe('API description', () => {
  it('serves OpenAPI with list parameters and $ref request bodies', async () => {
    const r = await t.get('/api/schema', { token: null, headers: { accept: 'application/vnd.oai.openapi+json' } });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    expect(paths.indexOf('/labs')).toBeLessThan(paths.indexOf('/labs/{name}'));
    const params = doc.paths['/labs'].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(['django', 'name', 'institution', 'limit', 'offset']));
    const ref = doc.paths['/labs'].post.requestBody.content['application/json'].schema.$ref;
    expect(ref).toBe('#/components/schemas/LabRequest');
    expect(Object.keys(doc.components.schemas.LabRequest.properties)).toContain('institution');
    expect(doc.paths['/users/{username}'].get).toBeDefined();
  });

  it('serves the coreapi document to older clients', async () => {
    const r = await t.get('/docs/', { token: null, headers: { accept: 'application/coreapi+json' } });
    expect(r.status).toBe(200);
    expect(r.body._type).toBe('document');
    expect(r.body.labs.read.fields[0]).toMatchObject({ name: 'name', location: 'path' });
    expect(r.body.labs.list.url).toBe('/labs');
    const html = await t.get('/docs/', { token: null });
    expect(html.headers['content-type']).toMatch(/text\/html/);
  });
});
