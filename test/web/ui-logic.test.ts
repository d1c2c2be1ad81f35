// The web UI's decisions that need no browser: ordering and search in list queries, hyperlink
// keys, the admin metadata (columns, fieldsets, menu, inlines), /api/me rights, the dashboard body,
// and the weight curve's restriction periods.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drfDataProvider, keyOfRef, listQuery } from '../../web/src/dataProvider.ts';
import { fieldsets, inlinesOf, labelOf, listColumns, menuOf, modelWords, setMetadata, type ResourceMeta } from '../../web/src/meta.ts';
import { may, uiAllowed, type Me } from '../../web/src/perms.ts';
import { parseDashboard, todayOf } from '../../web/src/dashboard-data.ts';
import { mergeSeries } from '../../web/src/curve.ts';

import { field } from './meta-fixtures.ts';

function resource(over: Partial<ResourceMeta>): ResourceMeta {
  return {
    path: 'x',
    model: 'X',
    app: 'misc',
    group: 'Lab admin',
    description: null,
    lookup: 'id',
    title: null,
    actions: ['list', 'read', 'create', 'partial_update', 'delete'],
    listFields: [],
    detailFields: [],
    fields: {},
    filters: {},
    search: null,
    ...over,
  } as ResourceMeta;
}

const subjects = resource({
  path: 'subjects',
  model: 'Subject',
  lookup: 'nickname',
  title: 'nickname',
  listFields: ['url', 'id', 'nickname', 'lab', 'json'],
  detailFields: ['nickname', 'lab', 'cage', 'ear_mark', 'json'],
  fields: {
    url: field({ kind: 'url' }),
    id: field({ schema: { type: 'string', format: 'uuid' } }),
    nickname: field(),
    lab: field(),
    cage: field(),
    ear_mark: field(),
    json: field({ schema: {} }),
  },
  filters: { nickname: { schema: { type: 'string' }, help: null }, django: { schema: { type: 'string' }, help: null } },
  search: { column: 'nickname', via: 'django' },
});

const sessions = resource({
  path: 'sessions',
  model: 'Session',
  listFields: ['id', 'subject'],
  fields: { id: field(), subject: field({ ref: { resource: 'subjects', slug: 'nickname', via: 'show' } }) },
  filters: { subject: { schema: { type: 'string' }, help: null } },
});

const weighings = resource({
  path: 'weighings',
  model: 'Weighing',
  app: 'actions',
  group: 'Experiments',
  listFields: ['subject', 'weight'],
  fields: { subject: field({ ref: { resource: 'subjects', slug: 'nickname', via: 'show' } }), weight: field({ schema: { type: 'number' } }) },
  filters: { subject: { schema: { type: 'string' }, help: null } },
});

afterEach(() => {
  setMetadata([]);
  vi.unstubAllGlobals();
});

describe('list queries', () => {
  it('orders only on the columns the admin declares sortable', () => {
    const admin = { ...subjects, admin: { sortable: ['nickname'], search: ['nickname'] } };
    expect(new URLSearchParams(listQuery(admin, {}, 1, 50, { field: 'nickname', order: 'DESC' })).get('ordering')).toBe('-nickname');
    expect(new URLSearchParams(listQuery(admin, {}, 2, 50, { field: 'nickname', order: 'ASC' })).get('ordering')).toBe('nickname');
    expect(new URLSearchParams(listQuery(admin, {}, 1, 50, { field: 'lab', order: 'ASC' })).has('ordering')).toBe(false);
    expect(new URLSearchParams(listQuery(subjects, {}, 1, 50, { field: 'nickname', order: 'ASC' })).has('ordering')).toBe(false);
  });

  it('sends the search box as ?search= when the admin declares search, else as an icontains lookup', () => {
    const admin = { ...subjects, admin: { search: ['nickname', 'lab'] } };
    const q1 = new URLSearchParams(listQuery(admin, { q: 'ks0' }, 1, 50));
    expect(q1.get('search')).toBe('ks0');
    expect(q1.has('django')).toBe(false);
    expect(new URLSearchParams(listQuery(subjects, { q: 'ks0' }, 1, 50)).get('django')).toBe('nickname__icontains,ks0');
  });
});

describe('hyperlinked relations', () => {
  it('reads the key of an absolute, relative or bare reference', () => {
    expect(keyOfRef('http://localhost:8000/sessions/0f6e1c3a-1111-2222-3333-444455556666')).toBe('0f6e1c3a-1111-2222-3333-444455556666');
    expect(keyOfRef('/subjects/KS%20023/')).toBe('KS 023');
    expect(keyOfRef('KS023')).toBe('KS023');
  });

  it('fetches a record named by its URL at its key (the parent session of an edit form)', async () => {
    setMetadata([sessions]);
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ id: 'abc', subject: 'KS023' }), { status: 200 });
    });
    const { data } = await drfDataProvider.getMany('sessions', { ids: ['http://127.0.0.1:8000/sessions/abc'] });
    expect(calls).toEqual(['/sessions/abc']);
    expect(data.map((r) => r.id)).toEqual(['abc']);
  });
});

describe('admin metadata', () => {
  it('shows the admin columns, labels and fieldsets; hides url, json and hidden fields', () => {
    expect(listColumns(subjects).shown).toEqual(['nickname', 'lab']);
    expect(listColumns(subjects).all).not.toContain('url');
    const admin = {
      ...subjects,
      admin: {
        columns: ['nickname', 'lab'],
        labels: { ear_mark: 'Ear mark' },
        hidden: ['json'],
        fieldsets: [
          { title: 'Identity', fields: ['nickname', 'ear_mark'] },
          { title: 'Housing', fields: ['lab', 'cage'] },
        ],
      },
    };
    expect(listColumns(admin).shown).toEqual(['nickname', 'lab']);
    expect(labelOf(admin, 'ear_mark')).toBe('Ear mark');
    expect(labelOf(admin, 'cage')).toBe('Cage');
    const names = admin.detailFields.filter((n) => !admin.admin.hidden.includes(n));
    expect(fieldsets(admin, names)).toEqual([
      { title: 'Identity', fields: ['nickname', 'ear_mark'] },
      { title: 'Housing', fields: ['lab', 'cage'] },
    ]);
    // fields no fieldset names still appear, in a last group
    expect(fieldsets({ ...admin, admin: { fieldsets: [{ title: 'Identity', fields: ['nickname'] }] } }, ['nickname', 'cage']).map((s) => s.fields)).toEqual([
      ['nickname'],
      ['cage'],
    ]);
  });

  it('puts a resource in the menu group the admin names, else its app group', () => {
    expect(menuOf(subjects)).toEqual({ group: 'Lab admin', label: 'Subjects', order: 0 });
    expect(menuOf({ ...subjects, admin: { menu: 'Colony', label: 'Mice' } })).toEqual({ group: 'Colony', label: 'Mice', order: 0 });
    expect(menuOf({ ...subjects, admin: { menu: false } })).toBeNull();
    expect(modelWords('WaterAdministration')).toBe('water administration');
  });

  it('takes the admin inlines, else the resources related to the record by a filter', () => {
    setMetadata([subjects, sessions, weighings]);
    expect(inlinesOf(subjects).map((i) => i.resource).sort()).toEqual(['sessions', 'weighings']);
    const declared = { ...subjects, admin: { inlines: [{ resource: 'weighings', field: 'nickname', title: 'Weighings', columns: ['weight'], add: true }] } };
    expect(inlinesOf(declared)).toEqual(declared.admin.inlines);
  });
});

describe('rights from /api/me', () => {
  const staff: Me = { username: 'tech', is_staff: true, is_superuser: false, is_public_user: false };
  it('refuses non-staff users with the server reason, or a default one', () => {
    expect(uiAllowed(staff).ok).toBe(true);
    expect(uiAllowed({ ...staff, is_staff: false })).toMatchObject({ ok: false, reason: expect.stringMatching(/staff/) });
    expect(uiAllowed({ ...staff, ui_allowed: false, reason: 'Account disabled.' })).toEqual({ ok: false, reason: 'Account disabled.' });
    expect(uiAllowed({ ...staff, is_staff: false, is_public_user: true }).ok).toBe(true);
  });

  it('reads per-resource rights in their several shapes', () => {
    const me: Me = {
      ...staff,
      permissions: {
        subjects: { create: true, update: true, delete: false, reasons: { delete: 'Only superusers delete subjects.' } },
        labs: { create: { allowed: false, reason: 'Labs are managed by the lab manager.' } },
      },
    };
    expect(may(me, 'subjects', 'update')).toEqual({ ok: true, reason: null });
    expect(may(me, 'subjects', 'delete')).toEqual({ ok: false, reason: 'Only superusers delete subjects.' });
    expect(may(me, 'labs', 'create')).toEqual({ ok: false, reason: 'Labs are managed by the lab manager.' });
    expect(may(me, 'weighings', 'create').ok).toBe(true);
    expect(may({ ...staff, is_staff: false, is_public_user: true }, 'weighings', 'create').ok).toBe(false);
  });
});

describe('dashboard and weight curve', () => {
  it('normalises the dashboard body: flags as list, object or row booleans', () => {
    const d = parseDashboard({
      counts: { subjects: 12, sessions: 40 },
      restricted: [
        { nickname: 'KS023', weight: 18, expected_weight: 25, percentage: 72, remaining_water: 0.9, flags: ['below_threshold'] },
        { nickname: 'KS024', weight_today: null, expected_weight: 22, percentage_weight: 0, remaining_water: 1, flags: { below_threshold: false, not_weighed_today: true, no_water_today: true } },
        { nickname: 'KS025', weight: 22, expected_weight: 22, percentage: 100, remaining_water: 0, below_threshold: false, no_water_today: true },
      ],
      recent_sessions: [{ id: 's1', subject: 'KS023', start_time: '2026-12-01T10:00:00', task_protocol: 'training', number: 1 }],
    });
    expect(d.restricted.map((r) => r.flags)).toEqual([['below_threshold'], ['not_weighed', 'no_water_today'], ['no_water_today']]);
    expect(d.restricted[1]).toMatchObject({ weight: null, percentage: null });
    expect(d.counts).toEqual([
      { label: 'Subjects', resource: 'subjects', count: 12 },
      { label: 'Sessions', resource: 'sessions', count: 40 },
    ]);
    expect(d.sessions[0]).toMatchObject({ key: 's1', subject: 'KS023', label: 'training · #1' });
  });

  it('draws expected and threshold weights only on restricted days, one series per restriction period', () => {
    const rec = (date: string, restricted: boolean) => ({ date, expected_weight: 20, min_weight: 16, is_water_restricted: restricted });
    const { points, periods } = mergeSeries(
      [{ date_time: '2026-01-01T08:00:00', weight: 21 }],
      [rec('2026-01-01', true), rec('2026-01-02', true), rec('2026-01-03', false), rec('2026-01-04', true)],
    );
    expect(periods).toBe(2);
    expect(points.filter((p) => p.expected_0 !== undefined)).toHaveLength(2);
    expect(points.filter((p) => p.expected_1 !== undefined)).toHaveLength(1);
    expect(points.some((p) => p.t === Date.parse('2026-01-03T12:00:00Z'))).toBe(false);
    expect(mergeSeries([], [rec('2026-01-01', false)]).periods).toBe(0);
  });
});

describe('dashboard without /api/dashboard', () => {
  it("flags today's state of a restricted subject from its water-requirement records", () => {
    const day = { date: '2026-12-04', expected_weight: 25, min_weight: 20, expected_water: 1, given_water_total: 0 };
    expect(todayOf('KS023', [{ ...day, weighing_at: 18, percentage_weight: 72 }], '2026-12-04')).toMatchObject({
      weight: 18,
      percentage: 72,
      remaining_water: 1,
      flags: ['below_threshold', 'no_water_today'],
    });
    expect(todayOf('KS024', [{ ...day, weighing_at: null, given_water_total: 0.4 }], '2026-12-04')).toMatchObject({
      weight: null,
      remaining_water: 0.6,
      flags: ['not_weighed'],
    });
  });
});
