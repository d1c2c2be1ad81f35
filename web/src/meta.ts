// The resource metadata served by GET /api/ui-meta (src/rest/ui-meta.ts): every screen is generated from it.
export interface FieldRef {
  resource: string | null;
  slug: string;
  via: 'show' | 'filter' | null;
}

export interface FieldMeta {
  kind: string;
  schema: { type?: string; format?: string; enum?: unknown[]; maxLength?: number; nullable?: boolean; items?: { type?: string } };
  readOnly: boolean;
  writeOnly: boolean;
  required: boolean;
  nullable: boolean;
  many: boolean;
  help: string | null;
  ref: FieldRef | null;
}

export interface ResourceMeta {
  path: string;
  model: string;
  app: string;
  group: string;
  description: string | null;
  lookup: string;
  title: string | null;
  actions: string[];
  listFields: string[];
  detailFields: string[];
  fields: Record<string, FieldMeta>;
  filters: Record<string, { schema: { type?: string }; help: string | null }>;
  search: { column: string; via: 'django' | 'filter' } | null;
  /** the resource's admin declaration (issue 10), served by h-ui's /api/ui-meta; absent on older servers */
  admin?: AdminMeta;
}

/**
 * A related list on a record's page: rows of `resource` whose list filter `field` is this record's
 * lookup value; `add` offers a button that creates one for this record.
 */
export interface InlineMeta {
  resource: string;
  field: string;
  title?: string;
  columns?: string[];
  add?: boolean;
  /** the field of this record the filter takes (default: its lookup) */
  value?: string;
}

export interface FieldsetMeta {
  title?: string | null;
  fields: string[];
  collapsed?: boolean;
}

export interface BulkActionMeta {
  name: string;
  label: string;
  /** 'POST /api/admin/subjects/responsible-user' */
  route: string;
  fields?: string[];
  confirm?: string;
}

/** The admin section of /api/ui-meta (src/rest/admin.ts), defaults resolved by the server. */
export interface AdminMeta {
  /** a sentence for the top of the list page, in the lab's words */
  description?: string;
  label?: string;
  labelSingular?: string;
  menu?: string | false | null;
  columns?: string[];
  filters?: string[];
  search?: string[];
  ordering?: string[];
  sortable?: string[];
  dateHierarchy?: string | null;
  fieldsets?: FieldsetMeta[];
  readOnly?: string[];
  labels?: Record<string, string>;
  filterLabels?: Record<string, string>;
  help?: Record<string, string>;
  hidden?: string[];
  inlines?: InlineMeta[];
  bulkActions?: Array<BulkActionMeta | 'delete'>;
}

const registry = new Map<string, ResourceMeta>();

export function setMetadata(list: ResourceMeta[]): void {
  registry.clear();
  for (const r of list) registry.set(r.path, r);
}

export const metaOf = (path: string): ResourceMeta | undefined => registry.get(path);
export const allMeta = (): ResourceMeta[] => [...registry.values()];

/** The value a record is addressed by in URLs: its lookup, else the last segment of its url. */
export function recordKey(meta: ResourceMeta | undefined, row: Record<string, unknown>): string | undefined {
  const lookup = meta?.lookup ?? 'id';
  if (row[lookup] !== undefined && row[lookup] !== null) return String(row[lookup]);
  if (typeof row.url === 'string') return decodeURIComponent(row.url.replace(/\/+$/, '').split('/').pop() ?? '');
  if (row.id !== undefined && row.id !== null) return String(row.id);
  return undefined;
}

/** "water_administrations" -> "Water administrations" */
export const humanize = (s: string): string => {
  const t = s.replace(/[_-]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
};

export const isJsonField = (f: FieldMeta): boolean => f.kind === 'column' && !f.schema.type && !f.many;

/** The label of a field: the admin's label, else the humanized API name. */
export const labelOf = (meta: ResourceMeta | undefined, name: string): string => meta?.admin?.labels?.[name] ?? humanize(name);

/** The help text of a field: the admin's, else the declaration's. */
export const helpOf = (meta: ResourceMeta | undefined, name: string): string | null =>
  meta?.admin?.help?.[name] ?? meta?.fields[name]?.help ?? null;

const hiddenOf = (meta: ResourceMeta) => new Set(meta.admin?.hidden ?? []);

/** Fields a person never needs to see: the API's url, hidden ones, write-only ones. */
export function visible(meta: ResourceMeta, name: string): boolean {
  const f = meta.fields[name];
  return !!f && !f.writeOnly && f.kind !== 'url' && !hiddenOf(meta).has(name);
}

/** The list columns: the admin's, else the API's list fields without JSON and ids. */
export function listColumns(meta: ResourceMeta): { all: string[]; shown: string[] } {
  const all = meta.listFields.filter((n) => visible(meta, n));
  if (meta.admin?.columns?.length) {
    const shown = meta.admin.columns.filter((n) => meta.fields[n]);
    return { all: [...new Set([...shown, ...all])], shown };
  }
  // rows open on click: a uuid column says nothing to a person
  const shown = all.filter((n) => !isJsonField(meta.fields[n]) && !(n === 'id' && (meta.fields.id?.schema.format === 'uuid' || (meta.title && meta.title !== 'id')))).slice(0, 8);
  return { all, shown };
}

/** The fields of a record's page or form, grouped: the admin's fieldsets, else one group. */
export function fieldsets(meta: ResourceMeta, names: string[]): FieldsetMeta[] {
  const wanted = new Set(names);
  const sets = meta.admin?.fieldsets;
  if (!sets?.length) return [{ title: null, fields: names }];
  const placed = new Set<string>();
  const out: FieldsetMeta[] = sets.map((s) => {
    const fields = s.fields.filter((n) => wanted.has(n));
    fields.forEach((n) => placed.add(n));
    return { ...s, fields };
  });
  const rest = names.filter((n) => !placed.has(n));
  if (rest.length) out.push({ title: 'Other', fields: rest, collapsed: true });
  return out.filter((s) => s.fields.length);
}

/** Menu group and label of a resource: the admin's menu entry, else the app's group. Null: not in the menu. */
export function menuOf(meta: ResourceMeta): { group: string; label: string; order: number } | null {
  const m = meta.admin?.menu;
  if (m === null || m === false) return null;
  const label = meta.admin?.label ?? humanize(meta.path);
  return { group: typeof m === 'string' ? m : meta.group, label, order: 0 };
}

/** "Weighing", "Water administration": one record of the resource. */
export const singularOf = (meta: ResourceMeta): string => meta.admin?.labelSingular ?? humanize(modelWords(meta.model));

/** The search box is offered: the admin's search paths, else the older icontains search. */
export const searchable = (meta: ResourceMeta): boolean => (meta.admin?.search?.length ?? 0) > 0 || !!meta.search;

/** The label of a list filter. */
export const filterLabelOf = (meta: ResourceMeta, name: string): string => meta.admin?.filterLabels?.[name] ?? labelOf(meta, name);

/** The fields a column header can sort on (`?ordering=`): the admin's, else none. */
export const sortableOf = (meta: ResourceMeta): Set<string> => new Set(meta.admin?.sortable ?? []);

/**
 * The related lists of a record's page: the admin's inlines, else (older servers) every listed
 * resource with a single relation to this one that can be filtered on it.
 */
export function inlinesOf(meta: ResourceMeta): InlineMeta[] {
  if (meta.admin?.inlines) return meta.admin.inlines;
  const out: InlineMeta[] = [];
  for (const other of allMeta()) {
    if (other.path === meta.path || !other.actions.includes('list') || other.model === meta.model) continue;
    for (const [name, f] of Object.entries(other.fields)) {
      if (f.ref?.resource === meta.path && f.ref.via === 'show' && !f.many && other.filters[name] && f.ref.slug === meta.lookup) {
        out.push({ resource: other.path, field: name, add: true });
        break;
      }
    }
  }
  return out;
}

/** "WaterAdministration" -> "water administration" */
export const modelWords = (model: string): string => model.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
