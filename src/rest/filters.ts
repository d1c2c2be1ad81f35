// List filters: declared per resource (query parameter name -> Filter), plus django-filter's
// automatic exact filters derived from the model's columns. Every filter compiles to a
// parameterised SQL condition; bad values are 400s that name the parameter.
import { eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import { isSecretField, modelOf } from '../db/models.ts';
import { fieldError } from './errors.ts';
import type { RequestContext } from './context.ts';
import type { JsonSchema } from './fields.ts';
import { columnKind } from './fields.ts';
import { normalizeUuid, parseDateInput, parseDateTimeInput } from './values.ts';

export interface FilterContext extends RequestContext {
  /** the query parameter name, for error messages */
  name: string;
  params: URLSearchParams;
  table: PgTable;
}

export interface Filter {
  /** a SQL condition, or undefined to apply no filter */
  apply(value: string | string[], ctx: FilterContext): SQL | undefined | Promise<SQL | undefined>;
  /** OpenAPI schema of the parameter (default string) */
  schema?: JsonSchema;
  help?: string;
  /** receives every value of a repeated parameter as a list */
  multi?: boolean;
}

/** A filter from a function of the (single) value. */
export function filter(
  apply: (value: string, ctx: FilterContext) => SQL | undefined | Promise<SQL | undefined>,
  opts: { schema?: JsonSchema; help?: string } = {},
): Filter {
  return { apply: (v, ctx) => apply(Array.isArray(v) ? v[v.length - 1] : v, ctx), ...opts };
}

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export const exact = (col: Column | SQL, help?: string) => filter((v) => sql`${col} = ${v}`, { help });
export const iexact = (col: Column | SQL, help?: string) => filter((v) => sql`upper(${col}::text) = upper(${v})`, { help });
export const icontains = (col: Column | SQL, help?: string) =>
  filter((v) => sql`${col}::text ilike ${'%' + escapeLike(v) + '%'}`, { help });
export const istartswith = (col: Column | SQL, help?: string) =>
  filter((v) => sql`${col}::text ilike ${escapeLike(v) + '%'}`, { help });

/** A foreign key matched by a natural key of its target: fk IN (SELECT id FROM target WHERE slug = v). */
export function bySlug(fk: Column, target: PgTable, slugKey: string, opts: { icontains?: boolean; help?: string } = {}): Filter {
  const tcols = getTableColumns(target) as Record<string, Column>;
  return filter(
    (v) =>
      opts.icontains
        ? sql`${fk} in (select ${tcols.id} from ${target} where ${tcols[slugKey]}::text ilike ${'%' + escapeLike(v) + '%'})`
        : sql`${fk} in (select ${tcols.id} from ${target} where ${tcols[slugKey]} = ${v})`,
    { help: opts.help },
  );
}

/** Django's NullBooleanWidget: only True/true/2 and False/false/3 count; anything else is no filter. */
export function parseNullBoolean(v: string): boolean | null {
  if (v === 'True' || v === 'true' || v === '2') return true;
  if (v === 'False' || v === 'false' || v === '3') return false;
  return null;
}

export function nullBoolean(apply: (value: boolean, ctx: FilterContext) => SQL | undefined, help?: string): Filter {
  return filter(
    (v, ctx) => {
      const b = parseNullBoolean(v);
      return b === null ? undefined : apply(b, ctx);
    },
    { schema: { type: 'boolean' }, help },
  );
}

/** "YYYY-MM-DD,YYYY-MM-DD" on the date part of a datetime (or a date) column, inclusive. */
export function dateRange(col: Column | SQL, help?: string): Filter {
  return filter(
    (v, ctx) => {
      const parts = v.split(',').map((s) => s.trim());
      if (parts.length !== 2) throw fieldError(ctx.name, 'Enter two dates separated by a comma: YYYY-MM-DD,YYYY-MM-DD.');
      const [a, b] = parts.map((p) => parseDateInput(p));
      if (!a || !b) throw fieldError(ctx.name, 'Enter a valid date.');
      return sql`(${col})::date between ${a}::date and ${b}::date`;
    },
    { help: help ?? 'two dates, YYYY-MM-DD,YYYY-MM-DD (inclusive)' },
  );
}

/** "min,max" on a numeric expression, inclusive; either bound may be empty. */
export function numberRange(col: Column | SQL, help?: string): Filter {
  return filter(
    (v, ctx) => {
      const parts = v.split(',').map((s) => s.trim());
      if (parts.length !== 2) throw fieldError(ctx.name, 'Enter two numbers separated by a comma: min,max.');
      const nums = parts.map((p) => (p === '' ? null : Number(p)));
      if (nums.some((n) => n !== null && !Number.isFinite(n))) throw fieldError(ctx.name, 'Enter a number.');
      const conds: SQL[] = [];
      if (nums[0] !== null) conds.push(sql`${col} >= ${nums[0]}`);
      if (nums[1] !== null) conds.push(sql`${col} <= ${nums[1]}`);
      return conds.length ? sql.join(conds, sql` and `) : undefined;
    },
    { help },
  );
}

const SELECT_VALID = 'Select a valid choice. That choice is not one of the available choices.';

/** django-filter's automatic exact filter for one model column (or many-to-many field). */
export function columnFilter(table: PgTable, fieldName: string): Filter | null {
  const info = modelOf(table);
  const rel = info.relations[fieldName];
  if (rel?.kind === 'm2m' && rel.m2m && !rel.reversed) {
    const m2m = rel.m2m;
    const own = getTableColumns(table) as Record<string, Column>;
    return {
      multi: true,
      schema: { type: 'string', format: 'uuid' },
      async apply(values, ctx) {
        const raw = Array.isArray(values) ? values : [values];
        const ids = raw.map((v) => normalizeUuid(v));
        // Django's ModelMultipleChoiceField lets the UUID field's own message through
        const bad = raw.find((_, k) => ids[k] === null);
        if (bad !== undefined) throw fieldError(ctx.name, `“${bad}” is not a valid UUID.`);
        return sql`${own.id} in (select ${m2m.from} from ${m2m.through} where ${inArray(m2m.to, ids as string[])})`;
      },
    };
  }
  const col = info.columns[fieldName];
  if (!col) return null;
  if (isSecretField(info, fieldName)) throw new Error(`${info.name}.${fieldName} is a secret field: no filter may use it`);
  const kind = columnKind(col);
  const fk = info.foreignKeys[fieldName];
  if (fk) {
    return filter(
      async (v, ctx) => {
        const tcols = getTableColumns(fk.target) as Record<string, Column>;
        // targets with an integer primary key (e.g. brain regions) take integers, others UUIDs
        const intKey = ['int', 'bigint'].includes(columnKind(tcols.id));
        const id = intKey ? (/^\s*-?\d+\s*$/.test(v) ? Number(v) : null) : normalizeUuid(v);
        if (id === null || (intKey && !Number.isSafeInteger(id))) throw fieldError(ctx.name, SELECT_VALID);
        const found = await ctx.db.select({ id: tcols.id }).from(fk.target).where(eq(tcols.id, id)).limit(1);
        if (found.length === 0) throw fieldError(ctx.name, SELECT_VALID);
        return eq(col, id);
      },
      { schema: { type: 'string', format: 'uuid' } },
    );
  }
  switch (kind) {
    case 'uuid':
      return filter(
        (v, ctx) => {
          const id = normalizeUuid(v);
          if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
          return eq(col, id);
        },
        { schema: { type: 'string', format: 'uuid' } },
      );
    case 'int':
    case 'bigint':
    case 'float':
      return filter(
        (v, ctx) => {
          const n = Number(v);
          if (v.trim() === '' || !Number.isFinite(n)) throw fieldError(ctx.name, 'Enter a number.');
          return eq(col, n);
        },
        { schema: { type: 'number' } },
      );
    case 'bool':
      return filter(
        (v) => {
          const s = v.toLowerCase();
          if (s === 'true' || s === '1') return eq(col, true);
          if (s === 'false' || s === '0') return eq(col, false);
          return undefined;
        },
        { schema: { type: 'boolean' } },
      );
    case 'date':
      return filter(
        (v, ctx) => {
          const d = parseDateInput(v);
          if (!d) throw fieldError(ctx.name, 'Enter a valid date.');
          return sql`${col} = ${d}::date`;
        },
        { schema: { type: 'string', format: 'date' } },
      );
    case 'datetime':
      return filter(
        (v, ctx) => {
          const d = parseDateTimeInput(v, ctx.config.timeZone);
          if (!d) throw fieldError(ctx.name, 'Enter a valid date/time.');
          return sql`${col} = ${d}::timestamp`;
        },
        { schema: { type: 'string', format: 'date-time' } },
      );
    case 'json':
      return filter((v) => sql`${col}::text = ${v}`);
    default:
      return exact(col);
  }
}

/** A query parameter naming a secret field of the model: a 400 (secrets are not data), whatever the value. */
export function refuseSecretParams(table: PgTable, query: URLSearchParams): void {
  const info = modelOf(table);
  for (const name of new Set(query.keys())) {
    const field = name.split('__')[0];
    if (info.columns[field] && isSecretField(info, field)) {
      throw fieldError(name, `Filtering on ${info.name}.${field} is not allowed: it is a secret field.`);
    }
  }
}

/** The model's fields an automatic filter can cover: columns, then forward many-to-many fields. */
function autoFilterCandidates(table: PgTable): string[] {
  const info = modelOf(table);
  return [
    ...Object.keys(info.columns).filter((k) => !isSecretField(info, k)),
    ...Object.entries(info.relations)
      .filter(([, r]) => r.kind === 'm2m' && !r.reversed)
      .map(([k]) => k),
  ];
}

/**
 * The automatic filters a FilterSet creates: `true` for every field, `{ exclude }` for all but
 * some (as `Meta.exclude`), both in model order and without the names that have a declared
 * filter (declared filters win); or an explicit list of field names (as `Meta.fields`).
 */
export function autoFilters(
  table: PgTable,
  spec: boolean | string[] | { exclude: string[] },
  declared: string[] = [],
): Record<string, Filter> {
  if (spec === false) return {};
  const skip = new Set([...declared, ...(spec === true || Array.isArray(spec) ? [] : spec.exclude)]);
  const names = Array.isArray(spec) ? spec.filter((n) => !declared.includes(n)) : autoFilterCandidates(table).filter((n) => !skip.has(n));
  const out: Record<string, Filter> = {};
  for (const name of names) {
    const f = columnFilter(table, name);
    if (!f) throw new Error(`${modelOf(table).name}: no column or many-to-many field named ${name} for an automatic filter`);
    out[name] = f;
  }
  return out;
}
