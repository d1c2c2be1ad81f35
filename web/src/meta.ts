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
