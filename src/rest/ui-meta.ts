// Metadata for the web UI, derived from the same resource declarations as the API:
// which resources exist, their fields (type, read-only, required, relation target) and filters.
// The UI generates every list/show/edit/create screen from this; nothing is declared twice.
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import { modelOf } from '../db/models.ts';
import { columnKind, type Field } from './fields.ts';
import type { Resource } from './resource.ts';
import { pushTo } from './group.ts';
import { humanize, sortableColumns, type AdminMenu, type AdminSpec } from './admin.ts';

/** The menu section of a resource that declares none, by Django app. */
const MENU_BY_APP: Record<string, AdminMenu> = {
  subjects: 'Colony',
  actions: 'Actions',
  data: 'Data',
  experiments: 'Experiments',
  jobs: 'Jobs',
  misc: 'Admin',
};

/** "WaterRestriction" → "Water restriction". */
function modelLabel(model: string): string {
  return humanize(model.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

function pluralize(label: string): string {
  if (/species$/i.test(label)) return label; // the same in the plural
  if (/[^aeiou]y$/.test(label)) return label.slice(0, -1) + 'ies';
  if (/(s|x|ch|sh)$/.test(label)) return label + 'es';
  return label + 's';
}

/** The admin section as the UI reads it: every default resolved, a human label for every field and filter. */
function adminMeta(r: Resource, admin: AdminSpec | undefined, model: string, app: string, fieldNames: string[], listFields: string[]) {
  const singular = admin?.labelSingular ?? modelLabel(model);
  const labels: Record<string, string> = {};
  for (const n of fieldNames) labels[n] = admin?.labels?.[n] ?? humanize(n);
  const filterLabels: Record<string, string> = {};
  for (const n of Object.keys(r.allFilters)) filterLabels[n] = admin?.labels?.[n] ?? humanize(n);
  return {
    label: admin?.label ?? pluralize(singular),
    labelSingular: singular,
    description: admin?.description ?? null,
    menu: admin?.menu ?? MENU_BY_APP[app] ?? 'Admin',
    columns: admin?.columns ?? listFields.filter((n) => n !== 'url' && n !== 'json').slice(0, 8),
    filters: admin?.filters ?? [],
    search: admin?.search ?? [],
    ordering: admin?.ordering ?? [],
    sortable: [...sortableColumns(r, admin).keys()],
    dateHierarchy: admin?.dateHierarchy ?? null,
    fieldsets: admin?.fieldsets ?? [],
    readOnly: admin?.readOnly ?? [],
    hidden: admin?.hidden ?? [],
    labels,
    filterLabels,
    help: admin?.help ?? {},
    inlines: admin?.inlines ?? [],
    bulkActions: admin?.bulkActions ?? [],
  };
}

/** Where a relation's values lead in the UI. */
export interface UiRef {
  /** the resource serving the related table (null when none does) */
  resource: string | null;
  /** the column of the related table the values name */
  slug: string;
  /** how to open one value: "show" when the value is the target's lookup, "filter" when a list filter of that name exists */
  via: 'show' | 'filter' | null;
}

/** The admin home categories of spec-core §5.1, by Django app. */
const GROUP_BY_APP: Record<string, string> = {
  subjects: 'Subject management',
  actions: 'Experiments',
  data: 'Data files',
  experiments: 'Ephys and imaging',
  jobs: 'Data files',
  misc: 'Lab admin',
};

/** Column names searched by the list search box (icontains through the `django=` filter), in order of preference. */
const SEARCH_COLUMNS = ['nickname', 'name', 'username', 'title'];

function refOf(field: Field, resources: Resource[]): UiRef | null {
  if (!field.target) return null;
  let target: { table: PgTable; slug: string; route?: string };
  try {
    target = field.target();
  } catch {
    return null; // a relation declared by an app that is not loaded
  }
  const candidates = resources.filter((r) => r.table === target.table && r.actions.includes('list'));
  const byRoute = target.route ? candidates.find((r) => r.path === target.route) : undefined;
  const byLookup = candidates.find((r) => r.lookup === target.slug && r.actions.includes('read'));
  const withFilter = candidates.find((r) => r.allFilters[target.slug]);
  if (byRoute) return { resource: byRoute.path, slug: target.slug, via: byRoute.lookup === target.slug ? 'show' : null };
  if (byLookup) return { resource: byLookup.path, slug: target.slug, via: 'show' };
  if (withFilter) return { resource: withFilter.path, slug: target.slug, via: 'filter' };
  return { resource: candidates[0]?.path ?? null, slug: target.slug, via: null };
}

/** The list search box: icontains through `django=` when available, else an exact filter named after the column. */
function searchOf(r: Resource, fieldNames: string[]): { column: string; via: 'django' | 'filter' } | null {
  const cols = r.columns as Record<string, Column>;
  const column = SEARCH_COLUMNS.find((c) => fieldNames.includes(c) && cols[c] && columnKind(cols[c]) === 'string');
  if (!column) return null;
  if (r.allFilters.django) return { column, via: 'django' };
  if (r.allFilters[column]) return { column, via: 'filter' };
  return null;
}

function fieldMeta(f: Field, resources: Resource[]) {
  return {
    kind: f.kind,
    schema: f.schema,
    readOnly: f.readOnly,
    writeOnly: f.writeOnly,
    required: f.required,
    nullable: f.nullable,
    many: f.many,
    help: f.help ?? null,
    ref: refOf(f, resources),
  };
}

/**
 * One entry per URL path. Some endpoints are declared as two resources on the same path (a list
 * serializer and a detail serializer): they are merged, list things from the one that lists and
 * detail things from the one that reads.
 */
export function uiMetadata(resources: Resource[]) {
  const byPath = new Map<string, Resource[]>();
  for (const r of resources) pushTo(byPath, r.path, r);
  return [...byPath.entries()].map(([path, group]) => {
    const lister = group.find((r) => r.actions.includes('list')) ?? group[0];
    const reader = group.find((r) => r.actions.includes('read')) ?? lister;
    const info = modelOf(lister.table);
    const fields: Record<string, ReturnType<typeof fieldMeta>> = {};
    // detail declarations win for the fields both have (they are what edit forms write)
    for (const r of [lister, ...group.filter((g) => g !== lister)].reverse()) {
      for (const [name, f] of Object.entries(r.fields)) fields[name] ??= fieldMeta(f, resources);
    }
    const ordered = Object.fromEntries(
      [...new Set([...Object.keys(lister.fields), ...group.flatMap((r) => Object.keys(r.fields))])].map((n) => [n, fields[n]]),
    );
    const fieldNames = Object.keys(ordered);
    const cols = lister.columns as Record<string, Column>;
    const title = SEARCH_COLUMNS.find((c) => fieldNames.includes(c) && cols[c]) ?? (fieldNames.includes(lister.lookup) ? lister.lookup : null);
    return {
      path,
      model: info.name,
      app: info.app,
      group: GROUP_BY_APP[info.app] ?? 'Other',
      description: group.map((r) => r.description).find(Boolean) ?? null,
      lookup: reader.lookup,
      /** the field that names a record in titles (a name-like field, else the lookup) */
      title,
      actions: [...new Set(group.flatMap((r) => r.actions))],
      listFields: lister.listFields,
      detailFields: reader.detailFields,
      fields: ordered,
      filters: Object.fromEntries(
        Object.entries(lister.allFilters).map(([name, f]) => [name, { schema: f.schema ?? { type: 'string' }, help: f.help ?? null }]),
      ),
      /** what the list search box filters on */
      search: searchOf(lister, fieldNames),
      /** the presentation declared beside the resource (src/rest/admin.ts), defaults resolved */
      admin: adminMeta(lister, group.map((g) => g.admin).find(Boolean), info.name, info.app, fieldNames, lister.listFields),
    };
  });
}

export type UiMetadata = ReturnType<typeof uiMetadata>;
