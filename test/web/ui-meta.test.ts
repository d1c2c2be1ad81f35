// GET /api/ui-meta: the metadata the web UI builds its screens from (src/rest/ui-meta.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
let meta: Array<Record<string, any>>;
const byPath = (p: string) => meta.find((m) => m.path === p)!;

beforeAll(async () => {
  t = await startTestApp();
  const res = await t.get('/api/ui-meta');
  expect(res.status).toBe(200);
  meta = res.body;
});
afterAll(async () => t.close());

describe('GET /api/ui-meta', () => {
  it('needs authentication', async () => {
    const res = await t.get('/api/ui-meta', { token: null });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.', status_code: 403 });
  });

  it('describes a resource: keys, lookup, title, actions, field sets, search and group', () => {
    const labs = byPath('labs');
    expect(Object.keys(labs)).toEqual([
      'path', 'model', 'app', 'group', 'description', 'lookup', 'title', 'actions', 'listFields', 'detailFields', 'fields', 'filters', 'search', 'admin',
    ]);
    expect(labs).toMatchObject({
      path: 'labs',
      model: 'Lab',
      app: 'misc',
      group: 'Lab admin',
      lookup: 'name',
      title: 'name',
      actions: ['list', 'create', 'read', 'update', 'partial_update', 'delete'],
      search: { column: 'name', via: 'django' },
    });
    expect(labs.listFields.slice(0, 4)).toEqual(['name', 'institution', 'address', 'timezone']);
    expect(labs.fields.name).toEqual({
      kind: 'column',
      schema: { type: 'string', maxLength: 255 },
      readOnly: false,
      writeOnly: false,
      required: true,
      nullable: false,
      many: false,
      help: null,
      ref: null,
    });
    expect(labs.fields.json.schema).toEqual({ nullable: true });
    expect(labs.filters.django).toEqual({ schema: { type: 'string' }, help: expect.any(String) });
  });

  it('gives relations their target resource and how to open a value', () => {
    const subjects = byPath('subjects');
    expect(subjects.fields.lab.ref).toEqual({ resource: 'labs', slug: 'name', via: 'show' });
    expect(subjects.fields.responsible_user.ref).toEqual({ resource: 'users', slug: 'username', via: 'show' });
    expect(subjects.fields.projects).toMatchObject({ many: true, ref: { resource: 'projects', slug: 'name', via: 'show' } });
    expect(subjects.fields.url).toMatchObject({ kind: 'url', readOnly: true, ref: null });
    // a hyperlink names its route
    expect(byPath('datasets').fields.session.ref).toEqual({ resource: 'sessions', slug: 'id', via: 'show' });
    // a reverse relation of users
    expect(byPath('users').fields.subjects_responsible.ref).toEqual({ resource: 'subjects', slug: 'nickname', via: 'show' });
  });

  it('merges the list and detail declarations that share a path', () => {
    const paths = meta.map((m) => m.path);
    expect(new Set(paths).size).toBe(paths.length);
    const insertions = byPath('insertions');
    expect(insertions.actions).toEqual(['list', 'create', 'read', 'update', 'partial_update', 'delete']);
    expect(insertions.detailFields).toContain('datasets');
    expect(insertions.fields.datasets).toBeDefined();
  });

  it('lists every resource path served by the API', async () => {
    const root = await t.get('/', { headers: { accept: 'application/json' } });
    const listed = Object.keys(root.body).map((k) => k.replace(/-url$/, ''));
    for (const p of listed) expect(meta.some((m) => m.path === p)).toBe(true);
  });
});
