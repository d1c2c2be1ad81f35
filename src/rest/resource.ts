// A resource declaration is the single place where an endpoint's fields, filters, ordering and
// rules live. Routes, the OpenAPI document, the coreapi document and the web UI's metadata are
// all derived from it. The handlers here implement DRF's ModelViewSet semantics.
import { and, asc, count, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import { modelOf } from '../db/models.ts';
import type { Tx } from '../db/client.ts';
import { ApiError, BulkValidationError, FieldValidationError, notFound, nonFieldError, validationError, type FieldErrors } from './errors.ts';
import type { Field, Row, JsonSchema } from './fields.ts';
import type { RequestContext } from './context.ts';
import { autoFilters, type Filter, type FilterContext } from './filters.ts';
import { djangoFilter } from './django.ts';
import { paginationParams, type Page } from './pagination.ts';
import { normalizeUuid } from './values.ts';

export type Action = 'list' | 'create' | 'read' | 'update' | 'partial_update' | 'delete';
export const ALL_ACTIONS: Action[] = ['list', 'create', 'read', 'update', 'partial_update', 'delete'];

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
  listFields?: string[];
  /** fields of detail / write responses (default: all) */
  detailFields?: string[];
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
   * django-filter's automatic exact filters for model columns: true for all of them, a list of
   * field names, or { exclude } (declared filters of the same name win).
   */
  autoFilters?: boolean | string[] | { exclude: string[] };
  /** the `django=` lookup filter (default true) */
  django?: boolean;
  /** fixed order; the primary key is always appended so pages are stable */
  ordering?: (t: T) => Array<SQL | Column>;
  /** restricts every query of the resource (e.g. a proxy model) */
  baseWhere?: (ctx: RequestContext) => SQL | undefined;
  /** unique-together sets (field names of the table), checked on every write */
  uniqueTogether?: Array<{ fields: string[]; message?: string }>;
  /** single-column uniqueness messages, e.g. { name: 'lab with this name already exists.' } */
  unique?: Record<string, string>;
  /** cross-field validation; throw ApiError (validationError / nonFieldError) to refuse */
  validate?(state: WriteState, ctx: RequestContext): Promise<void> | void;
  /** adjust the column values about to be written (inside the transaction) */
  beforeWrite?(values: Row, state: WriteState, ctx: RequestContext & { db: Tx }): Promise<void> | void;
  /** side effects after the row and its relations are written (inside the transaction) */
  afterWrite?(row: Row, state: WriteState, ctx: RequestContext & { db: Tx }): Promise<void> | void;
  beforeDelete?(row: Row, ctx: RequestContext & { db: Tx }): Promise<void> | void;
}

export interface Resource<T extends PgTable = PgTable> extends ResourceSpec<T> {
  modelName: string;
  lookup: string;
  lookupParam: string;
  actions: Action[];
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

export function defineResource<T extends PgTable>(spec: ResourceSpec<T>): Resource {
  const info = modelOf(spec.table);
  const columns = getTableColumns(spec.table) as Record<string, Column>;
  const lookup = spec.lookup ?? 'id';
  const lookupCol = columns[lookup];
  if (!lookupCol) throw new Error(`${spec.path}: lookup ${lookup} is not a column`);
  const idCol = columns.id ?? lookupCol;
  const fieldNames = Object.keys(spec.fields);
  for (const names of [spec.listFields, spec.detailFields]) {
    for (const n of names ?? []) if (!spec.fields[n]) throw new Error(`${spec.path}: unknown field ${n} in a field set`);
  }
  const listFields = spec.listFields ?? fieldNames;
  const detailFields = spec.detailFields ?? fieldNames;
  const allFilters: Record<string, Filter> = {
    ...autoFilters(spec.table, spec.autoFilters ?? false),
    ...(spec.filters ?? {}),
  };
  if (spec.django !== false && !allFilters.django) allFilters.django = djangoFilter(spec.table);
  // the fields' preloaded values (related natural keys), selected with the rows of list and detail
  // requests so that rendering them takes no query of its own
  const selections = new Map<string[], Record<string, Column | SQL>>();
  const selectionOf = (names: string[]): Record<string, Column | SQL> => {
    let sel = selections.get(names);
    if (!sel) {
      sel = { ...columns };
      for (const n of names) {
        const pre = spec.fields[n].preload;
        if (pre && !spec.fields[n].writeOnly) sel[pre.key] = pre.sql();
      }
      selections.set(names, sel);
    }
    return sel;
  };
  const order = (): Array<SQL | Column> => [...(spec.ordering ? spec.ordering(spec.table) : []), asc(idCol) as SQL];

  async function where(ctx: RequestContext, query: URLSearchParams): Promise<SQL | undefined> {
    const conds: SQL[] = [];
    const base = spec.baseWhere?.(ctx);
    if (base) conds.push(base);
    for (const [name, filter] of Object.entries(allFilters)) {
      const values = query.getAll(name).filter((v) => v !== '');
      if (values.length === 0) continue;
      const fctx: FilterContext = { ...ctx, name, params: query, table: spec.table };
      const cond = filter.multi ? await filter.apply(values, fctx) : await filter.apply(values[values.length - 1], fctx);
      if (cond) conds.push(cond);
    }
    return conds.length ? and(...conds) : undefined;
  }

  async function serialize(rows: Row[], names: string[], ctx: RequestContext): Promise<Row[]> {
    const getters: Array<[string, (row: Row) => unknown]> = [];
    for (const name of names) {
      const field = spec.fields[name];
      if (field.writeOnly) continue;
      getters.push([name, await field.render(rows, ctx)]);
    }
    return rows.map((row) => {
      const out: Row = {};
      for (const [name, get] of getters) out[name] = get(row);
      return out;
    });
  }

  async function fetchByLookup(ctx: RequestContext, value: string, renderFields?: string[]): Promise<Row> {
    let v: string | null = value;
    if (columnIsUuid(lookupCol)) v = normalizeUuid(value);
    // integer keys (e.g. brain regions): anything else cannot match, as Django's <int:pk> route
    if (columnIsInteger(lookupCol) && !/^\d{1,15}$/.test(value)) v = null;
    if (v === null) throw notFound(info.name);
    const base = spec.baseWhere?.(ctx);
    const rows = (await (renderFields ? ctx.db.select(selectionOf(renderFields)) : ctx.db.select())
      .from(spec.table as PgTable)
      .where(base ? and(eq(lookupCol, v), base) : eq(lookupCol, v))
      .limit(2)) as Row[];
    if (rows.length === 0) throw notFound(info.name);
    if (rows.length > 1) {
      throw new ApiError(400, {
        detail: `Several ${info.name} objects have ${lookup}=${value}; use the list endpoint with filters to tell them apart.`,
      });
    }
    return rows[0];
  }

  async function parseBody(
    ctx: RequestContext,
    body: Record<string, unknown>,
    isForm: boolean,
    action: WriteState['action'],
    instance: Row | null,
  ): Promise<Row> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${body === null ? 'NoneType' : Array.isArray(body) ? 'list' : typeof body}.`] });
    }
    const errors: FieldErrors = {};
    const data: Row = {};
    for (const [name, field] of Object.entries(spec.fields)) {
      if (field.readOnly || !field.parse) continue;
      let present = Object.prototype.hasOwnProperty.call(body, name);
      let raw = body[name];
      if (isForm) {
        // HTML-form semantics (DRF): omitted lists are empty and omitted booleans false, except on PATCH
        if (field.many && present && !Array.isArray(raw)) raw = [raw];
        if (!present && action !== 'partial_update' && field.many) (present = true), (raw = []);
        if (!present && action !== 'partial_update' && field.boolean) (present = true), (raw = false);
        if (field.kind === 'column' && present && raw === '' && field.nullable && !field.boolean && field.schema.type !== 'string') raw = null;
      }
      if (!present) {
        if (action === 'partial_update') continue;
        if (field.default && (action === 'create' || field.resetOnPut)) {
          data[name] = await field.default(ctx);
          continue;
        }
        if (field.required) errors[name] = ['This field is required.'];
        continue;
      }
      try {
        data[name] = await field.parse(raw, ctx, instance);
      } catch (e) {
        if (e instanceof FieldValidationError) errors[name] = e.messages as string[];
        else throw e;
      }
    }
    if (Object.keys(errors).length) throw validationError(errors);
    return data;
  }

  function columnValues(data: Row): Row {
    const values: Row = {};
    for (const [name, value] of Object.entries(data)) {
      const field = spec.fields[name];
      if (field?.columns) Object.assign(values, field.columns(value));
    }
    return values;
  }

  async function checkUniqueness(ctx: RequestContext, values: Row, instance: Row | null): Promise<void> {
    const merged = { ...(instance ?? {}), ...values };
    const notSelf = instance ? sql`${idCol} <> ${instance.id}` : undefined;
    for (const [key, message] of Object.entries(spec.unique ?? {})) {
      if (!(key in values) || merged[key] === null || merged[key] === undefined) continue;
      const [{ n }] = (await ctx.db
        .select({ n: count() })
        .from(spec.table as PgTable)
        .where(and(eq(columns[key], merged[key]), notSelf))) as Array<{ n: number }>;
      if (Number(n) > 0) throw validationError({ [key]: [message] });
    }
    for (const ut of spec.uniqueTogether ?? []) {
      if (!ut.fields.some((f) => f in values)) continue;
      if (ut.fields.some((f) => merged[f] === null || merged[f] === undefined)) continue;
      const conds = ut.fields.map((f) => eq(columns[f], merged[f]));
      const [{ n }] = (await ctx.db
        .select({ n: count() })
        .from(spec.table as PgTable)
        .where(and(...conds, notSelf))) as Array<{ n: number }>;
      if (Number(n) > 0) throw nonFieldError(ut.message ?? `The fields ${ut.fields.join(', ')} must make a unique set.`);
    }
  }

  async function writeIn(
    tx: Tx,
    ctx: RequestContext,
    body: Record<string, unknown>,
    isForm: boolean,
    action: WriteState['action'],
    lookupValue: string | null,
  ): Promise<Row> {
    const tctx = { ...ctx, db: tx } as RequestContext & { db: Tx };
    const instance = lookupValue === null ? null : await fetchByLookup(tctx, lookupValue);
    const data = await parseBody(tctx, body, isForm, action, instance);
    const state: WriteState = { action, instance, data, raw: body };
    await spec.validate?.(state, tctx);
    const values = columnValues(data);
    await spec.beforeWrite?.(values, state, tctx);
    await checkUniqueness(tctx, values, instance);
    let row: Row;
    if (instance === null) {
      [row] = (await tx.insert(spec.table as PgTable).values(values as never).returning()) as Row[];
    } else if (Object.keys(values).length) {
      [row] = (await tx
        .update(spec.table as PgTable)
        .set(values as never)
        .where(eq(idCol, instance.id as string))
        .returning()) as Row[];
    } else {
      row = instance;
    }
    for (const [name, value] of Object.entries(data)) {
      const field = spec.fields[name];
      if (field?.save) await field.save(row.id, value, tx, tctx);
    }
    await spec.afterWrite?.(row, state, tctx);
    // re-read: hooks may have changed the row
    const [fresh] = (await tx
      .select()
      .from(spec.table as PgTable)
      .where(eq(idCol, row.id as string))) as Row[];
    const names = action === 'create' && spec.createResponse === 'list' ? listFields : detailFields;
    const [out] = await serialize([fresh], names, tctx);
    return out;
  }

  async function write(
    ctx: RequestContext,
    body: Record<string, unknown>,
    isForm: boolean,
    action: WriteState['action'],
    lookupValue: string | null,
  ): Promise<Row> {
    return ctx.services.db.transaction((tx) => writeIn(tx, ctx, body, isForm, action, lookupValue));
  }

  /** Creates every item in one transaction; validation errors are collected per item. */
  async function createMany(ctx: RequestContext, items: unknown[], isForm: boolean): Promise<Row[]> {
    return ctx.services.db.transaction(async (tx) => {
      if (typeof spec.bulkCreate === 'function') return spec.bulkCreate(items, { ...ctx, db: tx });
      const out: Row[] = [];
      const errors: Array<Record<string, unknown>> = [];
      let failed = false;
      for (const item of items) {
        try {
          out.push(await writeIn(tx, ctx, item as Record<string, unknown>, isForm, 'create', null));
          errors.push({});
        } catch (e) {
          // a 4xx raised before the database refused anything: report it and check the others
          if (!(e instanceof ApiError) || e.statusCode !== 400) throw e;
          failed = true;
          errors.push(e.body);
        }
      }
      if (failed) throw new BulkValidationError(errors);
      return out;
    });
  }

  const resource: Resource<T> = {
    ...spec,
    modelName: info.name,
    lookup,
    lookupParam: spec.lookupParam ?? lookup,
    actions: spec.actions ?? ALL_ACTIONS,
    allFilters,
    columns,
    where,
    serialize,
    async list(ctx, query) {
      const { limit, offset } = paginationParams(query);
      const cond = await where(ctx, query);
      const rows = (await ctx.db
        .select(selectionOf(listFields))
        .from(spec.table as PgTable)
        .where(cond)
        .orderBy(...(order() as SQL[]))
        .limit(limit)
        .offset(offset)) as Row[];
      // a page that is not full (and is not past the end) tells the count itself
      let total = offset + rows.length;
      if (rows.length === limit || (rows.length === 0 && offset > 0)) {
        const [{ n }] = (await ctx.db
          .select({ n: count() })
          .from(spec.table as PgTable)
          .where(cond)) as Array<{ n: number }>;
        total = Number(n);
      }
      return { count: total, limit, offset, results: await serialize(rows, listFields, ctx) };
    },
    async retrieve(ctx, lookupValue) {
      const row = await fetchByLookup(ctx, lookupValue, detailFields);
      const [out] = await serialize([row], detailFields, ctx);
      return out;
    },
    create: (ctx, body, isForm) => write(ctx, body, isForm, 'create', null),
    ...(spec.bulkCreate ? { createMany } : {}),
    update: (ctx, lookupValue, body, partial, isForm) =>
      write(ctx, body, isForm, partial ? 'partial_update' : 'update', lookupValue),
    async destroy(ctx, lookupValue) {
      await ctx.services.db.transaction(async (tx) => {
        const tctx = { ...ctx, db: tx } as RequestContext & { db: Tx };
        const row = await fetchByLookup(tctx, lookupValue);
        await spec.beforeDelete?.(row, tctx);
        await tx.delete(spec.table as PgTable).where(eq(idCol, row.id as string));
      });
    },
    requestSchema() {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(spec.fields)) {
        if (field.readOnly || !field.parse) continue;
        properties[name] = { ...field.schema, ...(field.help ? { description: field.help } : {}) };
        if (field.required) required.push(name);
      }
      return { type: 'object', properties, ...(required.length ? { required } : {}) };
    },
    responseSchema(names) {
      const properties: Record<string, JsonSchema> = {};
      for (const name of names) {
        const field = spec.fields[name];
        if (field.writeOnly) continue;
        properties[name] = { ...field.schema, ...(field.readOnly ? { readOnly: true } : {}) };
      }
      return { type: 'object', properties };
    },
  };
  return resource as unknown as Resource;
}

function columnIsUuid(col: Column): boolean {
  return col.columnType === 'PgUUID';
}

function columnIsInteger(col: Column): boolean {
  return ['PgInteger', 'PgSmallInt', 'PgSerial', 'PgBigInt53', 'PgBigInt64', 'PgBigSerial53'].includes(col.columnType);
}
