// A resource declaration is the single place where an endpoint's fields, filters, ordering and
// rules live. Routes, the OpenAPI document, the coreapi document and the web UI's metadata are
// all derived from it. The handlers implement DRF's ModelViewSet semantics, in steps:
//   resolveParts (below)      what the declaration derives: field sets, filters, unique sets
//   resource-fields.ts        field sets, the row selection, rendering and JSON schemas
//   resource-read.ts          list filtering and paging, detail lookup
//   resource-write.ts         body parsing, validation, the write transaction, bulk create, delete
//   resource-unique.ts        unique-together sets (from the table) and the uniqueness checks
import { asc, getTableColumns, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import { modelOf } from '../db/models.ts';
import type { Tx } from '../db/client.ts';
import type { Field, Row, JsonSchema } from './fields.ts';
import type { RequestContext } from './context.ts';
import { autoFilters, type Filter } from './filters.ts';
import { djangoFilter } from './django.ts';
import type { Page } from './pagination.ts';
import { requestSchema, resolveFieldSet, responseSchema, selectionCache, serializeRows, type Selection } from './resource-fields.ts';
import { fetchByLookup, listPage, listWhere } from './resource-read.ts';
import { createMany, destroy, write } from './resource-write.ts';
import { resolveUniqueTogether, type UniqueSet } from './resource-unique.ts';
import { validateAdmin, type AdminSpec } from './admin.ts';

export type { UniqueSet };

export type Action = 'list' | 'create' | 'read' | 'update' | 'partial_update' | 'delete';
export const ALL_ACTIONS: Action[] = ['list', 'create', 'read', 'update', 'partial_update', 'delete'];

/** A set of fields: the names in order, or every declared field except some (in declaration order). */
export type FieldSet = string[] | { exclude: string[] };

export interface WriteState {
  action: 'create' | 'update' | 'partial_update';
  /** the row before the write (null on create) */
  instance: Row | null;
  /** parsed values of the fields that were sent (or defaulted), keyed by API field name */
  data: Row;
  /** the request body as received */
  raw: Record<string, unknown>;
}

export interface ResourceSpec<T extends PgTable = PgTable> {
  /** first path segment, e.g. "subjects" → /subjects and /subjects/<lookup> */
  path: string;
  table: T;
  /** component schema base name (default: the model name); request body is `<name>Request` */
  name?: string;
  description?: string;
  /** column key used by detail routes (default "id"); its values must not contain "/" */
  lookup?: string;
  /** path parameter name in the OpenAPI document (default: "id" for id, else the lookup) */
  lookupParam?: string;
  actions?: Action[];
  /** fields in output order */
  fields: Record<string, Field>;
  /** fields of list responses (default: all); upstream often has lighter list serializers */
  listFields?: FieldSet;
  /** fields of detail / write responses (default: all) */
  detailFields?: FieldSet;
  /** which field set the create response uses (upstream varies per endpoint) */
  createResponse?: 'list' | 'detail';
  /**
   * POST also accepts a JSON list: every item is created in one transaction (all or nothing) and
   * the answer is the list of created objects; invalid items give a 400 whose body is the list
   * of per-item errors (`{}` for valid items). A function replaces the item-by-item writes with
   * a batched one (it runs inside the transaction and throws BulkValidationError itself).
   */
  bulkCreate?: boolean | ((items: unknown[], ctx: RequestContext & { db: Tx }) => Promise<Row[]>);
  /** declared filters, by query parameter name */
  filters?: Record<string, Filter>;
  /**
   * django-filter's automatic exact filters for model columns and many-to-many fields: true for
   * all of them, { exclude } for all but some (both in model order, skipping names that have a
   * declared filter: declared filters win), or a list of field names.
   */
  autoFilters?: boolean | string[] | { exclude: string[] };
  /** the `django=` lookup filter (default true) */
  django?: boolean;
  /** fixed order; the primary key is always appended so pages are stable */
  ordering?: (t: T) => Array<SQL | Column>;
  /** restricts every query of the resource (e.g. a proxy model) */
  baseWhere?: (ctx: RequestContext) => SQL | undefined;
  /**
   * unique-together sets checked on every write, besides those read from the table's unique
   * constraints and indexes (see resource-unique.ts); only for sets the database does not hold
   */
  uniqueTogether?: UniqueSet[];
  /** single-column uniqueness messages, e.g. { name: 'lab with this name already exists.' } */
  unique?: Record<string, string>;
  /** cross-field validation; throw ApiError (validationError / nonFieldError) to refuse */
  validate?(state: WriteState, ctx: RequestContext): Promise<void> | void;
  /** adjust the column values about to be written (inside the transaction) */
  beforeWrite?(values: Row, state: WriteState, ctx: RequestContext & { db: Tx }): Promise<void> | void;
  /** side effects after the row and its relations are written (inside the transaction) */
  afterWrite?(row: Row, state: WriteState, ctx: RequestContext & { db: Tx }): Promise<void> | void;
  beforeDelete?(row: Row, ctx: RequestContext & { db: Tx }): Promise<void> | void;
  /**
   * Nothing lost by deleting (src/rest/references.ts): 'deactivate' refuses the delete of a row
   * that other records refer to (409 with their counts; users: deactivate instead); 'cascade'
   * refuses the delete of a row with records that would go with it unless `?cascade=true`.
   * `deleteParts`: tables whose rows are parts of the object (counted as neither).
   */
  deleteGuard?: 'deactivate' | 'cascade';
  deleteParts?: PgTable[];
  /**
   * How the web UI presents the resource (a Django ModelAdmin): list columns, sidebar filters,
   * search (`?search=`), sortable fields (`?ordering=`), fieldsets, inlines. See src/rest/admin.ts.
   */
  admin?: AdminSpec;
}

/** What a declaration resolves to: the inputs of every handler step. */
export interface ResourceParts<T extends PgTable = PgTable> {
  spec: ResourceSpec<T>;
  modelName: string;
  columns: Record<string, Column>;
  lookup: string;
  lookupCol: Column;
  /** the primary key (the lookup column when the table has no `id`) */
  idCol: Column;
  listFields: string[];
  detailFields: string[];
  allFilters: Record<string, Filter>;
  uniqueTogether: UniqueSet[];
  /** the row's columns plus the preloaded values of the given fields, and the joins those read from */
  selectionOf(names: string[]): Selection;
  /** the declared ordering, then the primary key */
  order(): SQL[];
  /** the primary key, ascending (the tie-break of `?ordering=`) */
  tieBreak: SQL;
}

export interface Resource<T extends PgTable = PgTable>
  extends Omit<ResourceSpec<T>, 'listFields' | 'detailFields' | 'uniqueTogether'> {
  modelName: string;
  lookup: string;
  lookupParam: string;
  actions: Action[];
  /** resolved field sets */
  listFields: string[];
  detailFields: string[];
  /** every unique-together set checked on writes (table's and declared) */
  uniqueTogether: UniqueSet[];
  allFilters: Record<string, Filter>;
  columns: Record<string, Column>;
  list(ctx: RequestContext, query: URLSearchParams): Promise<Page>;
  retrieve(ctx: RequestContext, lookupValue: string): Promise<Row>;
  create(ctx: RequestContext, body: Record<string, unknown>, isForm: boolean): Promise<Row>;
  /** present when `bulkCreate`: creates a list of objects in one transaction */
  createMany?(ctx: RequestContext, items: unknown[], isForm: boolean): Promise<Row[]>;
  update(ctx: RequestContext, lookupValue: string, body: Record<string, unknown>, partial: boolean, isForm: boolean): Promise<Row>;
  destroy(ctx: RequestContext, lookupValue: string): Promise<void>;
  /** renders rows with the given field set (batched per field) */
  serialize(rows: Row[], fieldNames: string[], ctx: RequestContext): Promise<Row[]>;
  /** the WHERE clause of a list request (filters + django), for custom endpoints that reuse it */
  where(ctx: RequestContext, query: URLSearchParams): Promise<SQL | undefined>;
  /** JSON schema of the writable fields (OpenAPI request component) */
  requestSchema(): JsonSchema;
  responseSchema(fieldNames: string[]): JsonSchema;
}

/** Declared filters, after the automatic ones they do not replace, then `django=`. */
function resolveFilters(spec: Pick<ResourceSpec, 'table' | 'filters' | 'autoFilters' | 'django'>): Record<string, Filter> {
  const declared = spec.filters ?? {};
  const all: Record<string, Filter> = { ...autoFilters(spec.table, spec.autoFilters ?? false, Object.keys(declared)), ...declared };
  if (spec.django !== false && !all.django) all.django = djangoFilter(spec.table);
  return all;
}

export function resolveParts<T extends PgTable>(spec: ResourceSpec<T>): ResourceParts<T> {
  const columns = getTableColumns(spec.table) as Record<string, Column>;
  const lookup = spec.lookup ?? 'id';
  const lookupCol = columns[lookup];
  if (!lookupCol) throw new Error(`${spec.path}: lookup ${lookup} is not a column`);
  const idCol = columns.id ?? lookupCol;
  return {
    spec,
    modelName: modelOf(spec.table).name,
    columns,
    lookup,
    lookupCol,
    idCol,
    listFields: resolveFieldSet(spec, spec.listFields),
    detailFields: resolveFieldSet(spec, spec.detailFields),
    allFilters: resolveFilters(spec),
    uniqueTogether: resolveUniqueTogether(spec),
    selectionOf: selectionCache(spec.fields, columns),
    order: () => [...(spec.ordering ? spec.ordering(spec.table) : []), asc(idCol)] as SQL[],
    tieBreak: asc(idCol),
  };
}

export function defineResource<T extends PgTable>(spec: ResourceSpec<T>): Resource {
  const parts = resolveParts(spec) as unknown as ResourceParts;
  validateAdmin({ path: spec.path, table: spec.table, fields: spec.fields, allFilters: parts.allFilters, columns: parts.columns }, spec.admin);
  const resource: Resource<T> = {
    ...spec,
    modelName: parts.modelName,
    lookup: parts.lookup,
    lookupParam: spec.lookupParam ?? parts.lookup,
    actions: spec.actions ?? ALL_ACTIONS,
    listFields: parts.listFields,
    detailFields: parts.detailFields,
    uniqueTogether: parts.uniqueTogether,
    allFilters: parts.allFilters,
    columns: parts.columns,
    where: (ctx, query) => listWhere(parts, ctx, query),
    serialize: (rows, names, ctx) => serializeRows(spec.fields, rows, names, ctx),
    list: (ctx, query) => listPage(parts, ctx, query),
    async retrieve(ctx, lookupValue) {
      const row = await fetchByLookup(parts, ctx, lookupValue, parts.detailFields);
      const [out] = await serializeRows(spec.fields, [row], parts.detailFields, ctx);
      return out;
    },
    create: (ctx, body, isForm) => write(parts, ctx, { body, isForm, action: 'create', lookupValue: null }),
    ...(spec.bulkCreate ? { createMany: (ctx, items, isForm) => createMany(parts, ctx, items, isForm) } : {}),
    update: (ctx, lookupValue, body, partial, isForm) =>
      write(parts, ctx, { body, isForm, action: partial ? 'partial_update' : 'update', lookupValue }),
    destroy: (ctx, lookupValue) => destroy(parts, ctx, lookupValue),
    requestSchema: () => requestSchema(spec.fields),
    responseSchema: (names) => responseSchema(spec.fields, names),
  };
  return resource as unknown as Resource;
}
