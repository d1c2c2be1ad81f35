// A react-admin data provider for DRF-style endpoints: limit/offset pagination with
// { count, next, previous, results }, filters as query parameters, PATCH for updates, records
// addressed by each resource's lookup field (nickname, name, uuid...).
import type { DataProvider, RaRecord } from 'react-admin';
import { api } from './api.ts';
import { metaOf, recordKey, type ResourceMeta } from './meta.ts';

/** The API row's own `id` when react-admin's `id` had to be the lookup value instead. */
export const RAW_ID = '__row_id';

export function toRecord(meta: ResourceMeta | undefined, row: Record<string, unknown>): RaRecord {
  const key = recordKey(meta, row) ?? '';
  const out: Record<string, unknown> = { ...row, id: key };
  if ('id' in row && row.id !== key) out[RAW_ID] = row.id;
  return out as RaRecord;
}

const enc = (v: unknown) => encodeURIComponent(String(v));

/**
 * DELETE; when the server answers that records would go with it (409 with `would_delete`), the user
 * is shown what and confirms, and the delete is sent again with `?cascade=true`.
 */
async function deleteConfirmingCascade(path: string): Promise<void> {
  try {
    await api(path, { method: 'DELETE' });
  } catch (e) {
    const body = (e as { body?: { would_delete?: unknown; detail?: string } }).body;
    if (!body?.would_delete) throw e;
    const question = `${String(body.detail ?? '').replace(/ Add \?cascade=true to delete them all\.$/, '')}\n\nDelete all of it?`;
    if (!window.confirm(question)) throw e;
    await api(`${path}?cascade=true`, { method: 'DELETE' });
  }
}

/**
 * The key of a record named by a hyperlink (an absolute API URL such as a session's
 * parent_session): its last path segment. Other values are returned as they are.
 */
export function keyOfRef(value: unknown): string {
  const s = String(value);
  if (!/^(https?:)?\/\/|^\//.test(s)) return s;
  return decodeURIComponent(s.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? s);
}

export interface Sort {
  field: string;
  order: 'ASC' | 'DESC' | string;
}

/** The query string for a list: pagination, ordering, declared filters, and the search box (`q`). */
export function listQuery(meta: ResourceMeta | undefined, filter: Record<string, unknown>, page: number, perPage: number, sort?: Sort): string {
  const params = new URLSearchParams();
  params.set('limit', String(perPage));
  params.set('offset', String(Math.max(0, (page - 1) * perPage)));
  if (sort?.field && sort.field !== 'id' && meta?.admin?.sortable?.includes(sort.field)) {
    params.set('ordering', `${sort.order === 'DESC' ? '-' : ''}${sort.field}`);
  }
  const django: string[] = [];
  for (const [k, v] of Object.entries(filter ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (k === 'q') {
      if (meta?.admin?.search?.length) {
        params.set('search', String(v));
        continue;
      }
      const search = meta?.search;
      if (!search) continue;
      // the django= syntax separates pairs with commas: keep the search text free of them
      if (search.via === 'django') django.push(`${search.column}__icontains,${String(v).replace(/,/g, ' ').trim()}`);
      else params.set(search.column, String(v));
      continue;
    }
    if (k === 'django') {
      django.push(String(v));
      continue;
    }
    if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
    else params.set(k, String(v));
  }
  if (django.length) params.set('django', django.join(','));
  return params.toString();
}

async function getList(resource: string, filter: Record<string, unknown>, page: number, perPage: number, sort?: Sort) {
  const meta = metaOf(resource);
  const body = await api<{ count?: number; results?: Record<string, unknown>[] } | Record<string, unknown>[]>(
    `/${resource}?${listQuery(meta, filter, page, perPage, sort)}`,
  );
  if (Array.isArray(body)) {
    // an unpaginated endpoint: page it here
    const start = (page - 1) * perPage;
    return { data: body.slice(start, start + perPage).map((r) => toRecord(meta, r)), total: body.length };
  }
  const rows = body.results ?? [];
  return { data: rows.map((r) => toRecord(meta, r)), total: body.count ?? rows.length };
}

const getOne = async (resource: string, id: unknown) => toRecord(metaOf(resource), await api(`/${resource}/${enc(keyOfRef(id))}`));

/** Only the writable fields that changed (PATCH), or every writable field that was given (POST). */
export function writableBody(meta: ResourceMeta | undefined, data: Record<string, unknown>, previous?: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const f = meta?.fields[name];
    if (!f || f.readOnly) continue;
    if (previous && JSON.stringify(previous[name] ?? null) === JSON.stringify(value ?? null)) continue;
    if (!previous && (value === undefined || value === '' || value === null) && !f.required) continue;
    out[name] = value === undefined ? null : value;
  }
  return out;
}

export const drfDataProvider = {
  getList: (resource: string, params: any) =>
    getList(resource, params.filter ?? {}, params.pagination?.page ?? 1, params.pagination?.perPage ?? 50, params.sort),
  getOne: async (resource: string, params: any) => ({ data: await getOne(resource, params.id) }),
  getMany: async (resource: string, params: any) => {
    // hyperlinked relations hold the target's URL: fetch it by its key
    const ids = [...new Set((params.ids as unknown[]).map(keyOfRef))];
    const found = await Promise.all(ids.map((id) => getOne(resource, id).catch(() => null)));
    return { data: found.filter((r): r is RaRecord => r !== null) };
  },
  getManyReference: (resource: string, params: any) =>
    getList(
      resource,
      { ...(params.filter ?? {}), [params.target]: params.id },
      params.pagination?.page ?? 1,
      params.pagination?.perPage ?? 50,
      params.sort,
    ),
  create: async (resource: string, params: any) => {
    const meta = metaOf(resource);
    const row = await api(`/${resource}`, { method: 'POST', body: writableBody(meta, params.data) });
    return { data: toRecord(meta, row) } as never;
  },
  update: async (resource: string, params: any) => {
    const meta = metaOf(resource);
    const body = writableBody(meta, params.data, params.previousData);
    const row = await api(`/${resource}/${enc(params.id)}`, { method: 'PATCH', body });
    return { data: toRecord(meta, row) } as never;
  },
  updateMany: async (resource: string, params: any) => {
    const meta = metaOf(resource);
    for (const id of params.ids) await api(`/${resource}/${enc(id)}`, { method: 'PATCH', body: writableBody(meta, params.data) });
    return { data: params.ids };
  },
  delete: async (resource: string, params: any) => {
    await deleteConfirmingCascade(`/${resource}/${enc(params.id)}`);
    return { data: (params.previousData ?? { id: params.id }) as never };
  },
  deleteMany: async (resource: string, params: any) => {
    for (const id of params.ids) await deleteConfirmingCascade(`/${resource}/${enc(id)}`);
    return { data: params.ids };
  },
} as unknown as DataProvider;
