// Reading a resource: the WHERE clause of a list request, a page of the list, and one row by
// its lookup value (detail routes, and the row a write or delete starts from).
import { and, count, eq, type SQL } from 'drizzle-orm';
import type { PgColumn as Column, PgTable } from 'drizzle-orm/pg-core';
import { ApiError, notFound } from './errors.ts';
import type { Row } from './fields.ts';
import type { RequestContext } from './context.ts';
import { refuseSecretParams, type FilterContext } from './filters.ts';
import { paginationParams, type Page } from './pagination.ts';
import type { ResourceParts } from './resource.ts';
import { selectedRows, selectFrom, serializeRows } from './resource-fields.ts';
import { normalizeUuid } from './values.ts';
import { orderingTerms, searchCondition } from './admin.ts';

/** Query parameters of every list that are not filters (DRF's OrderingFilter and SearchFilter). */
export const ORDERING_PARAM = 'ordering';
export const SEARCH_PARAM = 'search';

const adminSubject = (parts: ResourceParts) => ({
  path: parts.spec.path,
  table: parts.spec.table,
  fields: parts.spec.fields,
  allFilters: parts.allFilters,
  columns: parts.columns,
});

/** The resource's base restriction and every filter present in the query, and-ed. */
export async function listWhere(parts: ResourceParts, ctx: RequestContext, query: URLSearchParams): Promise<SQL | undefined> {
  const { spec } = parts;
  refuseSecretParams(spec.table, query);
  const conds: SQL[] = [];
  const base = spec.baseWhere?.(ctx);
  if (base) conds.push(base);
  for (const [name, filter] of Object.entries(parts.allFilters)) {
    const values = query.getAll(name).filter((v) => v !== '');
    if (values.length === 0) continue;
    const fctx: FilterContext = { ...ctx, name, params: query, table: spec.table };
    const cond = filter.multi ? await filter.apply(values, fctx) : await filter.apply(values[values.length - 1], fctx);
    if (cond) conds.push(cond);
  }
  // ?search= when the resource declares search fields (a filter of that name wins)
  if (!parts.allFilters[SEARCH_PARAM]) {
    const search = searchCondition(adminSubject(parts), spec.admin, query.get(SEARCH_PARAM));
    if (search) conds.push(search);
  }
  return conds.length ? and(...conds) : undefined;
}

async function countWhere(parts: ResourceParts, ctx: RequestContext, cond: SQL | undefined): Promise<number> {
  const [{ n }] = (await ctx.db
    .select({ n: count() })
    .from(parts.spec.table as PgTable)
    .where(cond)) as Array<{ n: number }>;
  return Number(n);
}

/** One page of the list, rendered with the list field set. */
export async function listPage(parts: ResourceParts, ctx: RequestContext, query: URLSearchParams): Promise<Page> {
  const { limit, offset } = paginationParams(query);
  // ?ordering= replaces the default order (the primary key breaks ties); a filter of that name wins
  const sorted = parts.allFilters[ORDERING_PARAM] ? null : orderingTerms(adminSubject(parts), parts.spec.admin, query.get(ORDERING_PARAM));
  const cond = await listWhere(parts, ctx, query);
  const sel = parts.selectionOf(parts.listFields);
  const rows = await selectedRows(
    selectFrom(ctx.db, parts.spec.table as PgTable, sel)
      .where(cond)
      .orderBy(...(sorted ? [...sorted, parts.tieBreak] : parts.order()))
      .limit(limit)
      .offset(offset),
    sel,
  );
  // a page that is not full (and is not past the end) tells the count itself
  const needsCount = rows.length === limit || (rows.length === 0 && offset > 0);
  const total = needsCount ? await countWhere(parts, ctx, cond) : offset + rows.length;
  return { count: total, limit, offset, results: await serializeRows(parts.spec.fields, rows, parts.listFields, ctx) };
}

/** The lookup value as the lookup column's type; null when it cannot match any row. */
function lookupValueOf(col: Column, value: string): string | null {
  if (columnIsUuid(col)) return normalizeUuid(value);
  // integer keys (e.g. brain regions): anything else cannot match, as Django's <int:pk> route
  if (columnIsInteger(col) && !/^\d{1,15}$/.test(value)) return null;
  return value;
}

/**
 * The row with the given lookup value (within the base restriction); with `renderFields`, the
 * selection carries those fields' preloaded values. 404 when absent, 400 when ambiguous.
 */
export async function fetchByLookup(parts: ResourceParts, ctx: RequestContext, value: string, renderFields?: string[]): Promise<Row> {
  const v = lookupValueOf(parts.lookupCol, value);
  if (v === null) throw notFound(parts.modelName);
  const base = parts.spec.baseWhere?.(ctx);
  const table = parts.spec.table as PgTable;
  const where = base ? and(eq(parts.lookupCol, v), base) : eq(parts.lookupCol, v);
  const sel = renderFields && parts.selectionOf(renderFields);
  const rows = sel ? await selectedRows(selectFrom(ctx.db, table, sel).where(where).limit(2), sel) : ((await ctx.db.select().from(table).where(where).limit(2)) as Row[]);
  if (rows.length === 0) throw notFound(parts.modelName);
  if (rows.length > 1) {
    throw new ApiError(400, {
      detail: `Several ${parts.modelName} objects have ${parts.lookup}=${value}; use the list endpoint with filters to tell them apart.`,
    });
  }
  return rows[0];
}

function columnIsUuid(col: Column): boolean {
  return col.columnType === 'PgUUID';
}

function columnIsInteger(col: Column): boolean {
  return ['PgInteger', 'PgSmallInt', 'PgSerial', 'PgBigInt53', 'PgBigInt64', 'PgBigSerial53'].includes(col.columnType);
}
