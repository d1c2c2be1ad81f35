// The admin section of resource declarations (src/rest/admin.ts): checked when a resource is
// defined and when the apps are assembled, served by /api/ui-meta with human labels; and
// GET /api/me (src/rest/ui-permissions.ts) for public, non-staff, staff and superuser accounts.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps } from '../../src/apps/index.ts';
import { labs } from '../../src/apps/misc/tables.ts';
import { column } from '../../src/rest/fields.ts';
import { exact } from '../../src/rest/filters.ts';
import { defineResource, type ResourceSpec } from '../../src/rest/resource.ts';
import { validateAdminLinks } from '../../src/rest/admin.ts';
import { UI_NOT_STAFF, UI_PUBLIC_READ_ONLY, UI_SUPERUSER_ONLY, UI_INACTIVE } from '../../src/rest/ui-permissions.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

const base = (admin: ResourceSpec['admin']): ResourceSpec => ({
  path: 'things',
  table: labs,
  fields: { name: column(labs.name), timezone: column(labs.timezone) },
  filters: { name: exact(labs.name) },
  admin,
});

describe('admin declarations are checked', () => {
  it('accepts a declaration that names existing fields, filters and columns', () => {
    expect(() => defineResource(base({ columns: ['name', 'timezone'], filters: ['name'], ordering: ['-name'], sortable: ['name'], dateHierarchy: 'timezone' }))).not.toThrow();
  });

  it.each([
    [{ columns: ['name', 'nope'] }, 'admin columns names unknown: nope'],
    [{ columns: ['name'], filters: ['lab'] }, 'admin filters names unknown: lab'],
    [{ columns: ['name'], fieldsets: [{ fields: ['name', 'x'] }] }, 'admin fieldsets names unknown: x'],
    [{ columns: ['name'], labels: { y: 'Y' } }, 'admin labels names unknown: y'],
    [{ columns: ['name'], ordering: ['-address'] }, 'admin ordering names unknown: address'],
    [{ columns: ['name'], sortable: ['timezone'], ordering: ['name'] }, 'admin ordering names unknown: name'],
    [{ columns: ['name'], hidden: ['json'] }, 'admin hidden names unknown: json'],
    [{ columns: [] }, 'admin columns must not be empty'],
    [{ columns: ['name'], menu: 'Stuff' as never }, 'admin menu Stuff is not one of'],
  ])('refuses %j', (admin, message) => {
    expect(() => defineResource(base(admin))).toThrow(message);
  });

  it('checks inline resources and search paths once every app is loaded', () => {
    const all = apps.flatMap((a) => a.resources);
    expect(() => validateAdminLinks(all)).not.toThrow();
    const things = defineResource(base({ columns: ['name'], inlines: [{ resource: 'weighings', field: 'no_such_filter', title: 'W', columns: ['weight'] }] }));
    expect(() => validateAdminLinks([...all, things])).toThrow('things: admin inline weighings has no filter no_such_filter');
    const searching = defineResource(base({ columns: ['name'], search: ['subjects_subject__nope'] }));
    expect(() => validateAdminLinks([...all, searching])).toThrow('things: admin search path subjects_subject__nope is not valid');
    const dup = defineResource(base({ columns: ['name'], label: 'Lab members' }));
    expect(() => validateAdminLinks([...all, dup])).toThrow('things: admin label Lab members is also used by users');
  });

  it('every listed resource of every app declares its presentation', () => {
    const paths = new Set(apps.flatMap((a) => a.resources).filter((r) => r.actions.includes('list')).map((r) => r.path));
    const declared = new Set(apps.flatMap((a) => a.resources).filter((r) => r.admin).map((r) => r.path));
    expect([...paths].filter((p) => !declared.has(p))).toEqual([]);
  });
});

let t: TestApp;
let meta: Array<Record<string, any>>;
const byPath = (p: string) => meta.find((m) => m.path === p)!;

beforeAll(async () => {
  t = await startTestApp();
  meta = (await t.get('/api/ui-meta')).body;
});
afterAll(async () => t.close());

describe('/api/ui-meta admin section', () => {
  it('serves the declaration with defaults resolved and human labels', () => {
    const s = byPath('sessions').admin;
    expect(s).toMatchObject({
      label: 'Sessions',
      labelSingular: 'Session',
      menu: 'Experiments',
      columns: ['subject', 'start_time', 'number', 'lab', 'task_protocol', 'qc', 'users', 'projects'],
      ordering: ['-start_time'],
      dateHierarchy: 'start_time',
    });
    expect(s.labels).toMatchObject({ parent_session: 'Parent session', wateradmin_session_related: 'Water administrations', n_trials: 'Trials', task_protocol: 'Task protocol' });
    expect(s.sortable).toContain('start_time');
    expect(s.sortable).not.toContain('users'); // many-to-many: no column to sort by
    expect(s.inlines.map((i: { resource: string }) => i.resource)).toEqual(['datasets', 'tasks', 'water-administrations', 'insertions', 'fields-of-view']);
    expect(byPath('water-restrictions').admin).toMatchObject({ label: 'Water restrictions', labelSingular: 'Water restriction', menu: 'Actions' });
    expect(byPath('users').admin).toMatchObject({ label: 'Lab members', menu: 'Admin' });
    expect(byPath('subjects').admin.search).toContain('nickname');
  });

  it('gives one menu entry per model, none with an API name', () => {
    const shown = meta.filter((m) => m.admin.menu !== false);
    const labels = shown.map((m) => m.admin.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const m of meta) {
      for (const label of [m.admin.label, ...Object.values(m.admin.labels as Record<string, string>)]) {
        expect(label).not.toMatch(/_|related$|^[a-z]/);
      }
      // page descriptions are for the lab, never the API's developer notes
      if (m.admin.description !== null) expect(m.admin.description).not.toMatch(/serializer|`|UUID|upstream/i);
    }
    expect(byPath('sessions').description).toMatch(/serializer/); // the API's own text stays in the API description
    expect(byPath('sessions').admin.description).toBe('Experimental and training sessions, newest first.');
  });

  it('is cacheable: an ETag, and 304 when it has not changed', async () => {
    const first = await t.get('/api/ui-meta');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^".+"$/);
    const again = await t.get('/api/ui-meta', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('is sent compressed when the client accepts it', async () => {
    const headers = { authorization: `Token ${t.adminToken}` };
    const plain = await t.app.inject({ method: 'GET', url: '/api/ui-meta', headers });
    const br = await t.app.inject({ method: 'GET', url: '/api/ui-meta', headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.body.length / 5);
    const gz = await t.app.inject({ method: 'GET', url: '/api/ui-meta', headers: { ...headers, 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString())).toEqual(meta);
  });
});

describe('GET /api/me', () => {
  it('needs authentication', async () => {
    expect((await t.get('/api/me', { token: null })).status).toBe(403);
  });

  it('superuser: everything allowed', async () => {
    const res = await t.get('/api/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'test_admin', id: t.adminId, is_staff: true, is_superuser: true, is_public_user: false, ui_allowed: true });
    expect(res.body.reason).toBeUndefined();
    expect(res.body.permissions.users).toEqual({ create: true, update: true, delete: true });
    expect(res.body.permissions.subjects).toEqual({ create: true, update: true, delete: true });
    // what the endpoint cannot do at all stays refused
    expect(res.body.permissions['water-restriction']).toMatchObject({ create: false, update: false, delete: false });
  });

  it('staff lab member: the Lab members group rights', async () => {
    const u = await t.createUser('staffer', { is_staff: true });
    const res = await t.get('/api/me', { token: u.token });
    expect(res.body).toMatchObject({ username: 'staffer', is_staff: true, is_superuser: false, ui_allowed: true });
    const p = res.body.permissions;
    expect(p.subjects).toEqual({ create: true, update: true, delete: false, reasons: { delete: expect.stringContaining('Only administrators can delete') } });
    expect(p.weighings).toEqual({ create: true, update: false, delete: true, reasons: { update: 'These records cannot be changed here.' } });
    expect(p['data-repository']).toEqual({ create: false, update: false, delete: false, reasons: { create: UI_SUPERUSER_ONLY, update: UI_SUPERUSER_ONLY, delete: UI_SUPERUSER_ONLY } });
    expect(p.users).toMatchObject({ create: false, update: true, delete: false });
    expect(p.projects).toMatchObject({ create: false, update: false });
  });

  it('non-staff: refused by the admin login rule, with the reason', async () => {
    const u = await t.createUser('nonstaff', { is_staff: false });
    const res = await t.get('/api/me', { token: u.token });
    expect(res.body).toMatchObject({ username: 'nonstaff', is_staff: false, ui_allowed: false, reason: UI_NOT_STAFF });
  });

  it('public user: read-only everywhere', async () => {
    const u = await t.createUser('public_viewer', { is_staff: true, is_public_user: true });
    const res = await t.get('/api/me', { token: u.token });
    expect(res.body).toMatchObject({ is_public_user: true, ui_allowed: true });
    for (const rights of Object.values(res.body.permissions as Record<string, { create: boolean; update: boolean; delete: boolean }>)) {
      expect(rights).toMatchObject({ create: false, update: false, delete: false });
    }
    expect(res.body.permissions.subjects.reasons.create).toBe(UI_PUBLIC_READ_ONLY);
  });

  it('names the inactive-account reason', () => {
    expect(UI_INACTIVE).toMatch(/inactive/);
  });
});
