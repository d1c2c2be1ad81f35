// The `admin` section of a resource declaration: how the web UI presents the resource, the
// equivalent of a Django ModelAdmin (list columns, sidebar filters, search, ordering, fieldsets,
// inlines). It is declared once, beside the resource; /api/ui-meta serves it, `?ordering=` and
// `?search=` on the list endpoint read it. Names are checked when the resource is defined (fields,
// filters, columns) and when the apps are assembled (inline resources, search paths).
import { asc, desc, or, and, type SQL } from 'drizzle-orm';
import type { PgColumn as Column, PgTable } from 'drizzle-orm/pg-core';
import { ApiError } from './errors.ts';
import { compileLookup } from './django.ts';
import type { Field } from './fields.ts';
import type { Filter } from './filters.ts';

export type AdminMenu = 'Colony' | 'Actions' | 'Experiments' | 'Data' | 'Jobs' | 'Admin';
export const ADMIN_MENUS: AdminMenu[] = ['Colony', 'Actions', 'Experiments', 'Data', 'Jobs', 'Admin'];

export interface AdminInline {
  /** path of the child resource */
  resource: string;
  /** the child's list filter that selects the children of this record */
  field: string;
  /** the field of this record whose value the filter takes (default: the lookup, e.g. the nickname of a subject) */
  value?: string;
  title: string;
  /** child fields shown in the inline table */
  columns: string[];
  /** rows can be added from the parent's page (the filter field is pre-filled) */
  add?: boolean;
}

export interface AdminBulkAction {
  name: string;
  label: string;
  /** the documented route that performs it, e.g. 'POST /subjects/bulk/responsible-user' */
  route: string;
  /** the body fields the action asks for besides the selected records */
  fields?: string[];
  /** shown before running (destructive actions) */
  confirm?: string;
}

export interface AdminSpec {
  /** plural menu label ("Water restrictions"); default: from the model name */
  label?: string;
  labelSingular?: string;
  /** a sentence for the top of the list page, in the lab's words (the API description is for programmers) */
  description?: string;
  /** menu section; false hides the resource from the menu (reachable through links) */
  menu?: AdminMenu | false;
  /** list columns (list_display): names of the resource's fields */
  columns: string[];
  /** sidebar filters (list_filter): names of the resource's REST filters */
  filters?: string[];
  /** search_fields: django paths (`nickname`, `subject__nickname`); served as `?search=` */
  search?: string[];
  /** default ordering of the UI's list, e.g. ['-start_time'] (REST lists keep their own order) */
  ordering?: string[];
  /** fields `?ordering=` accepts (default: every field that maps to a column of the table) */
  sortable?: string[] | { exclude: string[] };
  /** date drill-down field */
  dateHierarchy?: string;
  fieldsets?: Array<{ title?: string; fields: string[]; collapsed?: boolean }>;
  /** fields shown but not editable in forms (besides the read-only fields of the API) */
  readOnly?: string[];
  /** human labels where the automatic one (from the field name) is wrong */
  labels?: Record<string, string>;
  /** user-facing help per field */
  help?: Record<string, string>;
  /** fields never shown in forms or detail pages (urls, ids, json) */
  hidden?: string[];
  /** related lists on the detail page */
  inlines?: AdminInline[];
  bulkActions?: AdminBulkAction[];
}

/** What the resource machinery needs of a declaration to check and apply its admin section. */
interface AdminSubject {
  path: string;
  table: PgTable;
  fields: Record<string, Field>;
  allFilters: Record<string, Filter>;
  columns: Record<string, Column>;
}

/** The fields `?ordering=` accepts, with the column each one sorts by. */
export function sortableColumns(r: AdminSubject, admin: AdminSpec | undefined): Map<string, Column> {
  const byField = new Map<string, Column>();
  for (const [name, f] of Object.entries(r.fields)) {
    const key = f.source ?? (f.kind === 'column' ? name : undefined);
    const col = key ? r.columns[key] : undefined;
    if (col && f.kind !== 'many' && !f.writeOnly) byField.set(name, col);
  }
  const s = admin?.sortable;
  if (Array.isArray(s)) return new Map(s.map((n) => [n, byField.get(n)!]));
  if (s) for (const n of s.exclude) byField.delete(n);
  return byField;
}

function check(path: string, what: string, names: string[] | undefined, known: (n: string) => boolean): void {
  const bad = (names ?? []).filter((n) => !known(n));
  if (bad.length) throw new Error(`${path}: admin ${what} names unknown: ${bad.join(', ')}`);
}

/** Definition-time checks: every name the admin section uses is a field, filter or column of the resource. */
export function validateAdmin(r: AdminSubject, admin: AdminSpec | undefined): void {
  if (!admin) return;
  const p = r.path;
  const isField = (n: string) => n in r.fields;
  if (!admin.columns.length) throw new Error(`${p}: admin columns must not be empty`);
  check(p, 'columns', admin.columns, isField);
  check(p, 'filters', admin.filters, (n) => n in r.allFilters);
  check(p, 'readOnly', admin.readOnly, isField);
  check(p, 'hidden', admin.hidden, isField);
  check(p, 'labels', Object.keys(admin.labels ?? {}), isField);
  check(p, 'help', Object.keys(admin.help ?? {}), isField);
  check(p, 'fieldsets', (admin.fieldsets ?? []).flatMap((f) => f.fields), isField);
  if (admin.menu !== undefined && admin.menu !== false && !ADMIN_MENUS.includes(admin.menu)) {
    throw new Error(`${p}: admin menu ${String(admin.menu)} is not one of ${ADMIN_MENUS.join(', ')}`);
  }
  if (Array.isArray(admin.sortable)) check(p, 'sortable', admin.sortable, (n) => !!r.fields[n] && sortableColumns(r, undefined).has(n));
  else if (admin.sortable) check(p, 'sortable exclude', admin.sortable.exclude, isField);
  const sortable = sortableColumns(r, admin);
  check(p, 'ordering', (admin.ordering ?? []).map((o) => o.replace(/^-/, '')), (n) => sortable.has(n));
  if (admin.dateHierarchy) check(p, 'dateHierarchy', [admin.dateHierarchy], (n) => n in r.columns);
  check(p, 'search (first step)', (admin.search ?? []).map((s) => s.split('__')[0]), (n) => n !== '');
}

/**
 * Checks that need every app loaded: inline resources and their filters and columns, search paths
 * (they may follow relations declared by later apps).
 */
export function validateAdminLinks(resources: Array<AdminSubject & { admin?: AdminSpec }>): void {
  const byPath = new Map<string, Array<AdminSubject & { admin?: AdminSpec }>>();
  for (const r of resources) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  const labels = new Map<string, string>();
  for (const r of resources) {
    const a = r.admin;
    if (!a) continue;
    for (const inline of a.inlines ?? []) {
      const children = byPath.get(inline.resource);
      if (!children) throw new Error(`${r.path}: admin inline resource ${inline.resource} does not exist`);
      if (!children.some((c) => inline.field in c.allFilters)) {
        throw new Error(`${r.path}: admin inline ${inline.resource} has no filter ${inline.field}`);
      }
      check(r.path, `inline ${inline.resource} columns`, inline.columns, (n) => children.some((c) => n in c.fields));
      if (inline.value) check(r.path, `inline ${inline.resource} value`, [inline.value], (n) => n in r.fields);
    }
    for (const s of a.search ?? []) {
      try {
        compileLookup(r.table, [...s.split('__'), 'icontains'], 'x', 'search');
      } catch (e) {
        throw new Error(`${r.path}: admin search path ${s} is not valid (${(e as Error).message})`);
      }
    }
    if (a.label && a.menu !== false) {
      const other = labels.get(a.label);
      if (other && other !== r.path) throw new Error(`${r.path}: admin label ${a.label} is also used by ${other}`);
      labels.set(a.label, r.path);
    }
  }
}

/** `?ordering=a,-b`: the ORDER BY terms (null when absent), DRF's 400 for an unknown field. */
export function orderingTerms(r: AdminSubject, admin: AdminSpec | undefined, param: string | null): SQL[] | null {
  if (param === null || param.trim() === '') return null;
  const sortable = sortableColumns(r, admin);
  const terms: SQL[] = [];
  const bad: string[] = [];
  for (const raw of param.split(',').map((s) => s.trim()).filter(Boolean)) {
    const name = raw.replace(/^-/, '');
    const col = sortable.get(name);
    if (!col) bad.push(raw);
    else terms.push(raw.startsWith('-') ? desc(col) : asc(col));
  }
  if (bad.length) {
    throw new ApiError(400, {
      ordering: [`Invalid ordering field(s): ${bad.join(', ')}. Allowed: ${[...sortable.keys()].join(', ')}.`],
    });
  }
  return terms.length ? terms : null;
}

/** `?search=words`: every word must match one of the search paths (icontains), as DRF's SearchFilter. */
export function searchCondition(r: AdminSubject, admin: AdminSpec | undefined, param: string | null): SQL | undefined {
  const paths = admin?.search ?? [];
  if (!paths.length || param === null) return undefined;
  // DRF splits on whitespace and commas
  const words = param.split(/[\s,]+/).filter(Boolean);
  if (!words.length) return undefined;
  return and(...words.map((w) => or(...paths.map((p) => compileLookup(r.table, [...p.split('__'), 'icontains'], w, 'search')))));
}

/** "water_restriction" → "Water restriction". */
export function humanize(name: string): string {
  const s = name.replace(/_id$/, '').replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
