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

/** An inline related list on a record's page: rows of `resource` whose filter `filter` is this record's key. */
export interface InlineMeta {
  resource: string;
  filter: string;
  label?: string;
  columns?: string[];
  /** the field of the inline resource that names this record in a new row (defaults to `filter`) */
  field?: string;
  /** the value of this record that field takes (defaults to the record's lookup) */
  value?: string;
}

export interface FieldsetMeta {
  title: string | null;
  fields: string[];
  collapsed?: boolean;
  description?: string | null;
}

export interface AdminMeta {
  columns?: string[];
  filters?: string[];
  search?: string[] | boolean | null;
  ordering?: string[];
  sortable?: string[];
  dateHierarchy?: string | null;
  fieldsets?: FieldsetMeta[];
  readOnly?: string[];
  labels?: Record<string, string>;
  help?: Record<string, string>;
  hidden?: string[];
  inlines?: InlineMeta[];
  bulkActions?: Array<string | { name: string; label?: string; field?: string; value?: unknown }>;
  menu?: string | { group: string; label?: string; order?: number } | null;
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
  if (m === null) return null;
  if (typeof m === 'string') return { group: m, label: humanize(meta.path), order: 0 };
  if (m && typeof m === 'object') return { group: m.group, label: m.label ?? humanize(meta.path), order: m.order ?? 0 };
  return { group: meta.group, label: humanize(meta.path), order: 0 };
}

/** The fields a column header can sort on (`?ordering=`): the admin's, else none. */
export const sortableOf = (meta: ResourceMeta): Set<string> => new Set(meta.admin?.sortable ?? []);

/**
 * The related lists of a record's page: the admin's inlines, else (older servers) every listed
 * resource with a single relation to this one that can be filtered on it.
 */
export function inlinesOf(meta: ResourceMeta): InlineMeta[] {
  if (meta.admin) return meta.admin.inlines ?? [];
  const out: InlineMeta[] = [];
  for (const other of allMeta()) {
    if (other.path === meta.path || !other.actions.includes('list') || other.model === meta.model) continue;
    for (const [name, f] of Object.entries(other.fields)) {
      if (f.ref?.resource === meta.path && f.ref.via === 'show' && !f.many && other.filters[name] && f.ref.slug === meta.lookup) {
        out.push({ resource: other.path, filter: name });
        break;
      }
    }
  }
  return out;
}

/** "WaterAdministration" -> "water administration" */
export const modelWords = (model: string): string => model.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
