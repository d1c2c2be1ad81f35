// Field kinds of a resource declaration. A field knows how to render itself for a page of rows
// (batch-loading related names with one query per field, never one per row), how to validate and
// convert its input, which columns it writes, and how it appears in the OpenAPI document.
import { and, getTableColumns, inArray, notInArray, eq, sql, type SQL } from 'drizzle-orm';
import { alias, type PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';
import type { Queryable, Tx } from '../db/client.ts';
import { isSecretColumn, modelOf, type ManyToMany } from '../db/models.ts';
import { invalid, FieldValidationError } from './errors.ts';
import { checkText } from './input-guard.ts';
import {
  DATE_FORMAT_ERROR,
  DATETIME_FORMAT_ERROR,
  formatDate,
  formatDateTime,
  normalizeUuid,
  parseDateInput,
  parseDateTimeInput,
} from './values.ts';
import type { RequestContext } from './context.ts';
// every table (and its model() declaration) must be loaded before relations are looked up
import '../db/schema.ts';
import { pushTo } from './group.ts';
import { inIds } from '../db/ids.ts';

export type Row = Record<string, unknown>;
export type JsonSchema = Record<string, unknown>;

/**
 * A value selected with the owner's row under `key`: a scalar SQL expression over the owner row,
 * or a column of a related row the owner's query joins (`join`: a LEFT JOIN on the related
 * table's primary key, so it never adds or drops rows; fields that join the same `alias` share it).
 */
export interface Preload {
  key: string;
  sql: () => SQL | Column;
  join?: () => { alias: string; table: PgTable; on: SQL };
}

export interface Field {
  kind: string;
  /** TS key of the table column the field maps to, when it maps to one */
  source?: string;
  readOnly: boolean;
  writeOnly: boolean;
  /** required on create and on PUT */
  required: boolean;
  nullable: boolean;
  /** form bodies: an omitted many-valued field is [] and an omitted boolean is false */
  many: boolean;
  boolean: boolean;
  help?: string;
  schema: JsonSchema;
  /** value used on create when the key is omitted (and on PUT when resetOnPut) */
  default?: (ctx: RequestContext) => unknown;
  resetOnPut?: boolean;
  /**
   * prepares output for a page of rows: returns row -> JSON value. `created`: the rows are one row
   * this request has just inserted (before any after-write hook), with the value the field parsed
   */
  render(rows: Row[], ctx: RequestContext, created?: CreatedRow): Promise<(row: Row) => unknown> | ((row: Row) => unknown);
  /** validates and converts input (throws FieldValidationError) */
  parse?(raw: unknown, ctx: RequestContext, instance: Row | null): Promise<unknown> | unknown;
  /** columns written for a parsed value */
  columns?(value: unknown): Row;
  /** writes that need the row's id (many-to-many, reverse relations) */
  save?(id: unknown, value: unknown, tx: Tx, ctx: RequestContext, created?: boolean): Promise<void>;
  /** relations: the related table and the column its values name (for the web UI's links) */
  target?: () => { table: PgTable; slug: string; route?: string };
  /**
   * A value the resource may select with the row itself (a scalar subquery of the page or detail
   * query, under `key`), so that render needs no query of its own; render falls back to a
   * batched load when the rows come without it.
   */
  preload?: Preload;
  /**
   * The row's columns (TS keys) that `render` reads. When every field of a list or detail declares
   * them, only those columns (and the primary key) are selected; a field without it (a computed
   * value) makes the whole row selected. A custom field with a `source` reads that column only.
   */
  reads?: string[];
  /**
   * The rows this field lists point at the owner through a foreign key, so a row just inserted (by
   * a resource without an after-write hook) has none: its answer renders [] without a query.
   */
  emptyWhenNew?: boolean;
}

/** What rendering knows about a row the request has just inserted: the field's parsed value, if sent. */
export interface CreatedRow {
  value: unknown;
}

/**
 * Natural keys the request resolved (target table -> slug column -> id -> slug), kept on the
 * request's context so that a write's answer names the rows the body named without looking them
 * up again. Only text slugs: the value looked up equals the stored one. The written table's own
 * entries are dropped after the write (it may have renamed itself); after-write hooks never
 * rename another table's natural key.
 */
export type SlugMemo = Map<PgTable, Map<string, Map<unknown, unknown>>>;

function remember(ctx: RequestContext | undefined, target: PgTable, slugKey: string, id: unknown, slug: unknown): void {
  if (!ctx) return;
  const memo = (ctx.slugs ??= new Map());
  let byKey = memo.get(target);
  if (!byKey) memo.set(target, (byKey = new Map()));
  let ids = byKey.get(slugKey);
  if (!ids) byKey.set(slugKey, (ids = new Map()));
  ids.set(id, slug);
}

/** The slugs of all these ids as the request resolved them, or null when any is unknown. */
function recall(ctx: RequestContext | undefined, target: PgTable, slugKey: string, ids: unknown[]): Map<unknown, unknown> | null {
  const known = ctx?.slugs?.get(target)?.get(slugKey);
  if (!known) return null;
  for (const id of ids) if (!known.has(id)) return null;
  return known;
}

/** Forgets what the request resolved in `table` (after a write to it). */
export function forgetSlugs(ctx: RequestContext, table: PgTable): void {
  ctx.slugs?.delete(table);
}

export interface FieldOptions {
  readOnly?: boolean;
  writeOnly?: boolean;
  required?: boolean;
  nullable?: boolean;
  help?: string;
  default?: (ctx: RequestContext) => unknown;
  resetOnPut?: boolean;
  /** extra validation after type conversion (throw with invalid()) */
  validate?: (value: unknown, ctx: RequestContext) => void | Promise<void>;
}

function base(kind: string, o: FieldOptions, schema: JsonSchema): Omit<Field, 'render'> {
  return {
    kind,
    readOnly: o.readOnly ?? false,
    writeOnly: o.writeOnly ?? false,
    required: o.required ?? false,
    nullable: o.nullable ?? false,
    many: false,
    boolean: false,
    help: o.help,
    schema: o.nullable ? { ...schema, nullable: true } : schema,
    default: o.default,
    resetOnPut: o.resetOnPut,
  };
}

function keyOf(column: Column): string {
  const table = tableOf(column);
  for (const [k, c] of Object.entries(getTableColumns(table))) if (c === column) return k;
  throw new Error(`column ${column.name} not found in its table`);
}

function tableOf(column: Column): PgTable {
  return (column as unknown as { table: PgTable }).table;
}

type ColumnKind = 'uuid' | 'string' | 'int' | 'float' | 'bool' | 'date' | 'datetime' | 'json' | 'bigint';

export function columnKind(column: Column): ColumnKind {
  const t = column.columnType;
  if (t === 'PgUUID') return 'uuid';
  if (t === 'PgInteger' || t === 'PgSmallInt' || t === 'PgSerial') return 'int';
  if (t === 'PgBigInt53' || t === 'PgBigInt64' || t === 'PgBigSerial53') return 'bigint';
  if (t === 'PgDoublePrecision' || t === 'PgReal' || t === 'PgNumeric') return 'float';
  if (t === 'PgBoolean') return 'bool';
  if (t === 'PgDateString' || t === 'PgDate') return 'date';
  if (t === 'PgTimestampString' || t === 'PgTimestamp') return 'datetime';
  if (t === 'PgJsonb' || t === 'PgJson') return 'json';
  return 'string';
}

const SCHEMA_BY_KIND: Record<ColumnKind, JsonSchema> = {
  uuid: { type: 'string', format: 'uuid' },
  string: { type: 'string' },
  int: { type: 'integer' },
  bigint: { type: 'integer', format: 'int64' },
  float: { type: 'number', format: 'double' },
  bool: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  json: {},
};

export interface ColumnOptions extends FieldOptions {
  /** allowed values: [stored, label]; `display: 'label'` renders and accepts the label */
  choices?: ReadonlyArray<readonly [string | number, string]>;
  display?: 'value' | 'label';
  /** regex the value must match, with its message */
  pattern?: [RegExp, string];
  /** blank strings allowed (default true, as most upstream CharFields have blank=True) */
  allowBlank?: boolean;
  min?: number;
  max?: number;
}

/** Converts raw input to a column's type, with DRF's messages. */
export function convertScalar(kind: ColumnKind, raw: unknown, ctx: RequestContext): unknown {
  switch (kind) {
    case 'uuid': {
      const u = normalizeUuid(raw);
      if (!u) throw invalid('Must be a valid UUID.');
      return u;
    }
    case 'int':
    case 'bigint': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isInteger(n)) throw invalid('A valid integer is required.');
      if (kind === 'int' && Math.abs(n) > 2147483647) throw invalid('Ensure this value is less than or equal to 2147483647.');
      if (!Number.isSafeInteger(n)) throw invalid('A valid integer is required.');
      return n;
    }
    case 'float': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (typeof raw === 'boolean' || !Number.isFinite(n)) throw invalid('A valid number is required.');
      return n;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      // DRF looks the value up in its sets of true and false values: a list or an object is in neither
      if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid('Must be a valid boolean.');
      const s = String(raw).toLowerCase();
      if (['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
      if (['false', '0', 'no', 'off', 'f', 'n', ''].includes(s)) return false;
      throw invalid('Must be a valid boolean.');
    }
    case 'date': {
      const d = parseDateInput(raw);
      if (!d) throw invalid(DATE_FORMAT_ERROR);
      return d;
    }
    case 'datetime': {
      const d = parseDateTimeInput(raw, ctx.config.timeZone);
      if (!d) throw invalid(DATETIME_FORMAT_ERROR);
      return d;
    }
    case 'json':
      return raw;
    default: {
      // DRF's CharField: text and numbers only (a boolean is not text), no NUL, no lone surrogate
      if (typeof raw === 'object' || typeof raw === 'boolean') throw invalid('Not a valid string.');
      const text = String(raw);
      checkText(text);
      return text;
    }
  }
}

export function renderScalar(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'datetime') return formatDateTime(v);
  if (kind === 'date') return formatDate(v);
  if (kind === 'bigint' || kind === 'int' || kind === 'float') return typeof v === 'string' ? Number(v) : v;
  return v;
}

/**
 * Secrets are not data: a field that would render a secret column (password hash, token or session
 * key), or name related rows by one, is refused when the resource is declared. A write-only field
 * (never rendered) may set one.
 */
function refuseSecret(col: Column, name: string, writeOnly = false): void {
  if (!writeOnly && isSecretColumn(col)) throw new Error(`field ${name}: ${col.name} is a secret column and cannot be rendered`);
}

/** A plain column. */
export function column(col: Column, o: ColumnOptions = {}): Field {
  const kind = columnKind(col);
  const key = keyOf(col);
  refuseSecret(col, key, o.writeOnly);
  const nullable = o.nullable ?? !col.notNull;
  let schema: JsonSchema = { ...SCHEMA_BY_KIND[kind] };
  const maxLength = (col as unknown as { length?: number }).length;
  if (kind === 'string' && maxLength) schema.maxLength = maxLength;
  if (o.choices) {
    schema = { type: typeof o.choices[0]?.[0] === 'number' && o.display !== 'label' ? 'integer' : 'string' };
    schema.enum = o.choices.map(([v, l]) => (o.display === 'label' ? l : v));
  }
  const byLabel = new Map(o.choices?.map(([v, l]) => [l.toLowerCase(), v]));
  const byValue = new Map(o.choices?.map(([v, l]) => [v, l]));
  return {
    ...base('column', { ...o, nullable }, schema),
    source: key,
    reads: [key],
    boolean: kind === 'bool',
    render: () => (row) => {
      const v = row[key];
      if (o.choices && o.display === 'label') return v === null || v === undefined ? null : (byValue.get(v as never) ?? v);
      if (kind === 'json') return v === undefined ? null : v;
      return renderScalar(kind, v);
    },
    async parse(raw, ctx) {
      if (raw === null) {
        if (!nullable) throw invalid('This field may not be null.');
        return null;
      }
      let value: unknown;
      if (o.choices) {
        const str = typeof raw === 'string' ? raw.trim() : raw;
        if (o.display === 'label' && typeof str === 'string' && byLabel.has(str.toLowerCase())) value = byLabel.get(str.toLowerCase());
        else {
          const match = o.choices.find(([v]) => String(v) === String(str));
          if (!match) throw invalid(`"${String(raw)}" is not a valid choice.`);
          value = match[0];
        }
      } else {
        value = convertScalar(kind, raw, ctx);
      }
      if (kind === 'string' && typeof value === 'string') {
        if (value.trim() === '' && o.allowBlank === false) throw invalid('This field may not be blank.');
        if (maxLength && value.length > maxLength) throw invalid(`Ensure this field has no more than ${maxLength} characters.`);
        if (o.pattern && !(value === '' && o.allowBlank !== false) && !o.pattern[0].test(value)) throw invalid(o.pattern[1]);
      }
      if (typeof value === 'number') {
        if (o.min !== undefined && value < o.min) throw invalid(`Ensure this value is greater than or equal to ${o.min}.`);
        if (o.max !== undefined && value > o.max) throw invalid(`Ensure this value is less than or equal to ${o.max}.`);
      }
      if (o.validate) await o.validate(value, ctx);
      return value;
    },
    columns: (value) => ({ [key]: value }),
  };
}

/** Renders values for a set of ids with one query (none when the request resolved them all): id -> slug. */
async function loadSlugs(db: Queryable, target: PgTable, slugKey: string, ids: unknown[], ctx?: RequestContext): Promise<Map<unknown, unknown>> {
  const uniq = [...new Set(ids.filter((v) => v !== null && v !== undefined))];
  if (uniq.length === 0) return new Map();
  const known = recall(ctx, target, slugKey, uniq);
  if (known) return known;
  const cols = getTableColumns(target) as Record<string, Column>;
  const rows = (await db
    .select({ id: cols.id, slug: cols[slugKey] })
    .from(target)
    .where(inIds(cols.id, uniq))) as Array<{ id: unknown; slug: unknown }>;
  return new Map(rows.map((r) => [r.id, r.slug]));
}

/**
 * The natural key of a foreign key's target, read through a LEFT JOIN of the target (aliased, so
 * a self-reference reads the related row) on its primary key. A join rather than a correlated
 * subquery: PostgreSQL runs such a subquery once per row and, for a small target table, as a
 * sequential scan each time (250 sessions with their subject's nickname: 1.8 ms of a 3.8 ms query).
 */
function slugPreload(fk: Column, target: PgTable, slugKey: string): Preload {
  const key = `__slug:${keyOf(fk)}:${slugKey}`;
  const aliasName = `__r_${fk.name}`;
  let joined: { alias: string; table: PgTable; on: SQL; column: Column } | null = null;
  const build = () => {
    if (!joined) {
      const r = alias(target, aliasName) as unknown as PgTable;
      const rcols = getTableColumns(r) as Record<string, Column>;
      joined = { alias: aliasName, table: r, on: eq(rcols.id, fk), column: rcols[slugKey] };
    }
    return joined;
  };
  return { key, sql: () => build().column, join: () => build() };
}

/** Whether the rows were selected with the preloaded value under `key`. */
function preloaded(rows: Row[], key: string): boolean {
  return rows.length > 0 && Object.prototype.hasOwnProperty.call(rows[0], key);
}

/** Looks up a related row by its slug; the slug may be unique or not. `ctx`: remember it for the answer. */
export async function resolveSlug(
  db: Queryable,
  target: PgTable,
  slugKey: string,
  value: unknown,
  ctx?: RequestContext,
): Promise<string> {
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid('Invalid value.');
  const cols = getTableColumns(target) as Record<string, Column>;
  const kind = columnKind(cols[slugKey]);
  let v: unknown = String(value);
  if (kind === 'uuid') {
    v = normalizeUuid(String(value));
    if (!v) throw invalid(`“${String(value)}” is not a valid UUID.`);
  }
  const rows = (await db
    .select({ id: cols.id })
    .from(target)
    .where(eq(cols[slugKey], v))
    .limit(2)) as Array<{ id: string }>;
  if (rows.length === 0) throw invalid(`Object with ${slugKey}=${String(value)} does not exist.`);
  if (rows.length > 1) throw invalid(`Several objects have ${slugKey}=${String(value)}; it does not identify one.`);
  if (kind === 'string') remember(ctx, target, slugKey, rows[0].id, v);
  return rows[0].id;
}

export interface RelatedOptions extends FieldOptions {
  /** slug column key on the target (default: the target's id, i.e. rendered as UUID) */
  slug?: string;
}

/** A foreign key rendered by a natural key of its target (nickname, username, name) or by UUID. */
export function related(fk: Column, target: PgTable, o: RelatedOptions = {}): Field {
  const key = keyOf(fk);
  const slugKey = o.slug ?? 'id';
  const nullable = o.nullable ?? !fk.notNull;
  const targetCols = getTableColumns(target) as Record<string, Column>;
  if (!targetCols[slugKey]) throw new Error(`${slugKey} is not a column of the target of ${key}`);
  refuseSecret(targetCols[slugKey], key);
  const pre = slugKey === 'id' ? null : slugPreload(fk, target, slugKey);
  return {
    ...base('related', { ...o, nullable }, slugKey === 'id' ? { type: 'string', format: 'uuid' } : { type: 'string' }),
    source: key,
    reads: [key],
    target: () => ({ table: target, slug: slugKey }),
    ...(pre ? { preload: pre } : {}),
    async render(rows, ctx) {
      if (slugKey === 'id') return (row) => row[key] ?? null;
      if (pre && preloaded(rows, pre.key)) return (row) => (row[key] == null ? null : ((row[pre.key] as unknown) ?? null));
      const map = await loadSlugs(ctx.db, target, slugKey, rows.map((r) => r[key]), ctx);
      return (row) => (row[key] == null ? null : (map.get(row[key]) ?? null));
    },
    async parse(raw, ctx) {
      if (raw === null || raw === '') {
        if (!nullable) throw invalid(raw === null ? 'This field may not be null.' : 'This field may not be blank.');
        return null;
      }
      const id = await resolveSlug(ctx.db, target, slugKey, raw, ctx);
      if (o.validate) await o.validate(id, ctx);
      return id;
    },
    columns: (value) => ({ [key]: value }),
  };
}

/** A foreign key rendered as the absolute URL of the target's detail route. */
export function hyperlink(fk: Column, target: PgTable, routePath: string, o: RelatedOptions = {}): Field {
  const key = keyOf(fk);
  const lookupKey = o.slug ?? 'id';
  const nullable = o.nullable ?? !fk.notNull;
  if (lookupKey !== 'id') refuseSecret((getTableColumns(target) as Record<string, Column>)[lookupKey], key);
  const pre = lookupKey === 'id' ? null : slugPreload(fk, target, lookupKey);
  return {
    ...base('hyperlink', { ...o, nullable }, { type: 'string', format: 'uri' }),
    source: key,
    reads: [key],
    target: () => ({ table: target, slug: lookupKey, route: routePath }),
    ...(pre ? { preload: pre } : {}),
    async render(rows, ctx) {
      const inline = pre !== null && preloaded(rows, pre.key);
      const map = lookupKey === 'id' || inline ? null : await loadSlugs(ctx.db, target, lookupKey, rows.map((r) => r[key]), ctx);
      return (row) => {
        const v = row[key];
        if (v == null) return null;
        const slug = inline ? row[pre!.key] : map ? map.get(v) : v;
        return slug == null ? null : `${ctx.baseUrl}/${routePath}/${encodeURIComponent(String(slug))}`;
      };
    },
    async parse(raw, ctx) {
      if (raw === null || raw === '') {
        if (!nullable) throw invalid('This field may not be null.');
        return null;
      }
      if (typeof raw !== 'string') throw invalid(`Incorrect type. Expected URL string, received ${typeof raw}.`);
      // Accept the absolute URL, a relative one, or the bare lookup value.
      const trimmed = raw.replace(/\/+$/, '');
      const m = new RegExp(`(?:^|/)${routePath}/([^/?#]+)$`).exec(trimmed);
      if (!m && /\//.test(trimmed)) throw invalid('Invalid hyperlink - Incorrect URL match.');
      const slug = decodeURIComponent(m ? m[1] : trimmed);
      try {
        return await resolveSlug(ctx.db, target, lookupKey, slug, ctx);
      } catch (e) {
        if (e instanceof FieldValidationError) throw invalid('Invalid hyperlink - Object does not exist.');
        throw e;
      }
    },
    columns: (value) => ({ [key]: value }),
  };
}

function asList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  throw invalid(`Expected a list of items but got type "${raw === null ? 'NoneType' : typeof raw === 'string' ? 'str' : typeof raw}".`);
}

/** Natural keys of the rows related through a join table, for a page of owners: ownerId -> [slug]. */
export async function loadManySlugs(
  db: Queryable,
  through: PgTable,
  fromCol: Column,
  toCol: Column,
  target: PgTable,
  ownerIds: unknown[],
  slugKey: string,
): Promise<Map<unknown, unknown[]>> {
  const out = new Map<unknown, unknown[]>();
  const ids = [...new Set(ownerIds)];
  if (ids.length === 0) return out;
  const tcols = getTableColumns(target) as Record<string, Column>;
  const rows = (await db
    .select({ owner: fromCol, slug: tcols[slugKey] })
    .from(through)
    .innerJoin(target, eq(tcols.id, toCol))
    .where(inIds(fromCol, ids))
    .orderBy(tcols[slugKey])) as Array<{ owner: unknown; slug: unknown }>;
  for (const r of rows) {
    const list = out.get(r.owner) ?? [];
    list.push(r.slug);
    out.set(r.owner, list);
  }
  return out;
}

export interface ManyOptions extends FieldOptions {
  slug?: string;
}

/**
 * A many-to-many field (or the reverse side of one, by its reverse name) rendered as a list of
 * the targets' natural keys; writes replace the whole set. The relation is looked up on first
 * use, so a field may name a relation that a later app declares.
 */
export function many(ownerTable: PgTable, relationName: string, o: ManyOptions = {}): Field {
  const slugKey = o.slug ?? 'id';
  let resolved: { m2m: ManyToMany; target: PgTable; fromCol: Column; toCol: Column } | null = null;
  const rel = () => {
    if (resolved) return resolved;
    const info = modelOf(ownerTable);
    const r = info.relations[relationName];
    if (!r || r.kind !== 'm2m' || !r.m2m) throw new Error(`${info.name}.${relationName} is not a many-to-many relation`);
    const reversed = r.reversed ?? false;
    resolved = { m2m: r.m2m, target: r.target, fromCol: reversed ? r.m2m.to : r.m2m.from, toCol: reversed ? r.m2m.from : r.m2m.to };
    return resolved;
  };
  return {
    ...base('many', o, { type: 'array', items: slugKey === 'id' ? { type: 'string', format: 'uuid' } : { type: 'string' } }),
    reads: ['id'],
    many: true,
    target: () => ({ table: rel().target, slug: slugKey }),
    async render(rows, ctx, created) {
      const { m2m, fromCol, toCol, target } = rel();
      if (slugKey !== 'id') refuseSecret((getTableColumns(target) as Record<string, Column>)[slugKey], relationName);
      // a row just inserted is linked to exactly what it was sent (nothing, when this writable field
      // was not sent); with one item at most there is no order to take from the database's collation
      if (created && created.value === undefined && !o.readOnly) return () => [];
      const sent = created && Array.isArray(created.value) && created.value.length <= 1 ? (created.value as unknown[]) : null;
      const known = sent && (slugKey === 'id' ? new Map(sent.map((id) => [id, id])) : recall(ctx, target, slugKey, sent));
      if (sent && known) {
        const list = sent.map((id) => known.get(id));
        return () => list;
      }
      const map = await loadManySlugs(ctx.db, m2m.through, fromCol, toCol, target, rows.map((r) => r.id), slugKey);
      return (row) => map.get(row.id) ?? [];
    },
    async parse(raw, ctx) {
      if (raw === null) throw invalid('This field may not be null.');
      const list = typeof raw === 'string' && raw === '' ? [] : asList(raw);
      const ids: string[] = [];
      const errors: string[] = [];
      for (const item of list) {
        try {
          ids.push(await resolveSlug(ctx.db, rel().target, slugKey, item, ctx));
        } catch (e) {
          if (e instanceof FieldValidationError && Array.isArray(e.messages)) errors.push(...e.messages);
          else throw e;
        }
      }
      if (errors.length) throw new FieldValidationError(errors);
      if (o.validate) await o.validate(ids, ctx);
      return [...new Set(ids)];
    },
    async save(id, value, tx, _ctx, created) {
      const { m2m, fromCol, toCol } = rel();
      // a row created in this statement's transaction has no links yet
      if (!created) await tx.delete(m2m.through).where(eq(fromCol, id as string));
      const ids = value as string[];
      if (ids.length) {
        await tx.insert(m2m.through).values(ids.map((other) => ({ [keyOf(fromCol)]: id, [keyOf(toCol)]: other })) as never);
      }
    },
  };
}

/**
 * The reverse side of a foreign key (e.g. a user's `subjects_responsible`) as a list of natural
 * keys. Writable when `writable`: the listed rows are re-pointed at this row (as DRF does for a
 * reverse relation; rows no longer listed are left alone unless the FK is nullable, then unset).
 */
export function reverse(ownerTable: PgTable, relationName: string, o: ManyOptions & { writable?: boolean } = {}): Field {
  const slugKey = o.slug ?? 'id';
  const rel = () => {
    const info = modelOf(ownerTable);
    const r = info.relations[relationName];
    if (!r || r.kind !== 'reverse' || !r.column) throw new Error(`${info.name}.${relationName} is not a reverse relation`);
    return { target: r.target, fk: r.column };
  };
  return {
    ...base('reverse', { ...o, readOnly: o.writable ? o.readOnly : true }, { type: 'array', items: { type: 'string' } }),
    reads: ['id'],
    many: true,
    emptyWhenNew: !o.writable,
    target: () => ({ table: rel().target, slug: slugKey }),
    async render(rows, ctx) {
      const { target, fk } = rel();
      const ids = [...new Set(rows.map((r) => r.id))];
      const map = new Map<unknown, unknown[]>();
      if (ids.length) {
        const tcols = getTableColumns(target) as Record<string, Column>;
        const found = (await ctx.db
          .select({ owner: fk, slug: tcols[slugKey] })
          .from(target)
          .where(inIds(fk, ids))
          .orderBy(tcols[slugKey])) as Array<{ owner: unknown; slug: unknown }>;
        for (const f of found) pushTo(map, f.owner, f.slug);
      }
      return (row) => map.get(row.id) ?? [];
    },
    parse: o.writable
      ? async (raw, ctx) => {
          const list = asList(raw);
          const ids: string[] = [];
          for (const item of list) ids.push(await resolveSlug(ctx.db, rel().target, slugKey, item));
          return [...new Set(ids)];
        }
      : undefined,
    save: o.writable
      ? async (id, value, tx, _ctx, created) => {
          const { target, fk } = rel();
          const tcols = getTableColumns(target) as Record<string, Column>;
          const ids = value as string[];
          if (!fk.notNull && !created) {
            const keep = ids.length ? notInArray(tcols.id, ids) : undefined;
            await tx.update(target).set({ [keyOf(fk)]: null } as never).where(and(eq(fk, id as string), keep));
          }
          if (ids.length) await tx.update(target).set({ [keyOf(fk)]: id } as never).where(inArray(tcols.id, ids));
        }
      : undefined,
  };
}

/** The absolute URL of the row itself. */
export function selfUrl(routePath: string, lookupKey = 'id'): Field {
  return {
    ...base('url', { readOnly: true }, { type: 'string', format: 'uri', readOnly: true }),
    reads: [lookupKey],
    render: (_rows, ctx) => (row) => `${ctx.baseUrl}/${routePath}/${encodeURIComponent(String(row[lookupKey]))}`,
  };
}

let computedCount = 0;

/**
 * A read-only value computed for a whole page at once (give `load` to batch a query), or per row.
 */
export function computed<M = unknown>(
  schema: JsonSchema,
  load: (rows: Row[], ctx: RequestContext) => Promise<M> | M,
  value: (row: Row, loaded: M, ctx: RequestContext) => unknown,
  help?: string,
  /**
   * the same value as a scalar SQL expression over the owner row (qualify the owner's columns
   * with its table name), selected with the rows of list and detail requests; `load` and `value`
   * remain for rows that come without it
   */
  select?: { sql: () => SQL; value?: (v: unknown) => unknown },
): Field {
  const pre = select ? { key: `__computed:${++computedCount}`, sql: select.sql } : null;
  return {
    ...base('computed', { readOnly: true, help }, { ...schema, readOnly: true }),
    ...(pre ? { preload: pre } : {}),
    async render(rows, ctx) {
      if (pre && preloaded(rows, pre.key)) {
        const conv = select!.value ?? ((v: unknown) => v);
        return (row) => conv(row[pre.key]);
      }
      const loaded = await load(rows, ctx);
      return (row) => value(row, loaded, ctx);
    },
  };
}

/** Full control: for fields no other kind covers (write-only inputs, reverse-relation writes). */
export function custom(spec: Partial<Field> & Pick<Field, 'render'> & { schema?: JsonSchema }): Field {
  return {
    kind: 'custom',
    readOnly: false,
    writeOnly: false,
    required: false,
    nullable: false,
    many: false,
    boolean: false,
    schema: {},
    ...(spec.source && !spec.reads ? { reads: [spec.source] } : {}),
    ...spec,
  };
}

export { sql, type SQL };
