// The web UI's DRF data provider (web/src/dataProvider.ts): query strings, record ids and write bodies.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { drfDataProvider, listQuery, toRecord, writableBody } from '../../web/src/dataProvider.ts';
import { recordKey, setMetadata, type ResourceMeta } from '../../web/src/meta.ts';

import { field } from './meta-fixtures.ts';

const subjects: ResourceMeta = {
  path: 'subjects',
  model: 'Subject',
  app: 'subjects',
  group: 'Subject management',
  description: null,
  lookup: 'nickname',
  title: 'nickname',
  actions: ['list', 'create', 'read', 'partial_update'],
  listFields: ['nickname', 'id', 'url', 'lab', 'projects', 'json'],
  detailFields: ['nickname', 'id', 'url', 'lab', 'projects', 'json'],
  fields: {
    nickname: field({ required: true }),
    id: field({ readOnly: true, schema: { type: 'string', format: 'uuid' } }),
    url: field({ kind: 'url', readOnly: true }),
    lab: field({ kind: 'related', nullable: true, ref: { resource: 'labs', slug: 'name', via: 'show' } }),
    projects: field({ kind: 'many', many: true, ref: { resource: 'projects', slug: 'name', via: 'show' } }),
    json: field({ schema: { nullable: true }, nullable: true }),
  },
  filters: { lab: { schema: { type: 'string' }, help: null }, django: { schema: { type: 'string' }, help: null } },
  search: { column: 'nickname', via: 'django' },
};
const weighings: ResourceMeta = { ...subjects, path: 'weighings', lookup: 'id', title: null, search: null, fields: { weight: field({ schema: { type: 'number' } }) } };
setMetadata([subjects, weighings]);

afterEach(() => vi.unstubAllGlobals());

describe('listQuery', () => {
  it('turns pages into limit/offset and keeps declared filters', () => {
    expect(listQuery(subjects, { lab: 'cortexlab' }, 3, 50)).toBe('limit=50&offset=100&lab=cortexlab');
  });
  it('sends the search box as an icontains django lookup, merged with a typed django filter', () => {
    const q = new URLSearchParams(listQuery(subjects, { q: 'zm,1', django: 'sex,F' }, 1, 25));
    expect(q.get('django')).toBe('nickname__icontains,zm 1,sex,F');
    expect(q.get('offset')).toBe('0');
  });
  it('drops empty filters and the search box where the resource has no search', () => {
    expect(listQuery(weighings, { q: 'x', subject: '', user: null }, 1, 10)).toBe('limit=10&offset=0');
  });
  it('repeats a parameter for a list value', () => {
    expect(listQuery(subjects, { lab: ['a', 'b'] }, 1, 10)).toBe('limit=10&offset=0&lab=a&lab=b');
  });
});

describe('record ids', () => {
  it('addresses a record by its lookup and keeps the API id apart', () => {
    const r = toRecord(subjects, { nickname: 'ZM_1', id: 'a1b2', url: 'http://h/subjects/ZM_1' });
    expect(r).toEqual({ nickname: 'ZM_1', id: 'ZM_1', __row_id: 'a1b2', url: 'http://h/subjects/ZM_1' });
  });
  it('falls back on the last segment of the url when the lookup is not rendered', () => {
    expect(recordKey(weighings, { url: 'http://h/weighings/5d0f61b9-a7c0-4d37-bd0b-3c3f1b8d2a10', weight: 2 })).toBe(
      '5d0f61b9-a7c0-4d37-bd0b-3c3f1b8d2a10',
    );
    expect(recordKey(subjects, { url: 'http://h/subjects/A%20B' })).toBe('A B');
  });
});

describe('writableBody', () => {
  it('on update sends only the writable fields that changed', () => {
    const previous = { nickname: 'ZM_1', id: 'ZM_1', lab: 'a', projects: ['p'], json: { x: 1 } };
    const data = { ...previous, lab: 'b', projects: ['p'], json: { x: 1 }, url: 'changed?' };
    expect(writableBody(subjects, data, previous)).toEqual({ lab: 'b' });
  });
  it('on create leaves out empty optional fields and read-only ones', () => {
    expect(writableBody(subjects, { nickname: 'N', id: 'x', lab: null, projects: [], json: '' })).toEqual({ nickname: 'N', projects: [] });
  });
});

describe('drfDataProvider', () => {
  it('reads a DRF page into data/total and PATCHes by lookup', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const body = init.method === 'PATCH' ? { nickname: 'ZM_1', id: 'u1', lab: 'b' } : { count: 7, next: null, previous: null, results: [{ nickname: 'ZM_1', id: 'u1' }] };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const list = await drfDataProvider.getList('subjects', { pagination: { page: 2, perPage: 5 }, sort: { field: '', order: 'ASC' }, filter: {} });
    expect(list).toEqual({ data: [{ nickname: 'ZM_1', id: 'ZM_1', __row_id: 'u1' }], total: 7 });
    expect(calls[0].url).toBe('/subjects?limit=5&offset=5');
    const upd = await drfDataProvider.update('subjects', { id: 'ZM_1', data: { nickname: 'ZM_1', lab: 'b' }, previousData: { id: 'ZM_1', nickname: 'ZM_1', lab: 'a' } });
    expect(calls[1].url).toBe('/subjects/ZM_1');
    expect(calls[1].init.method).toBe('PATCH');
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ lab: 'b' });
    expect(upd.data.id).toBe('ZM_1');
  });
  it('turns a DRF 400 into field errors for the form', async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ nickname: ['This field is required.'], non_field_errors: ['Bad.'], status_code: 400 }), { status: 400 }),
    );
    const err = await drfDataProvider.create('subjects', { data: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, message: 'Bad.', body: { errors: { nickname: 'This field is required.', 'root.serverError': 'Bad.' } } });
  });
});
