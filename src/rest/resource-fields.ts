// A resource's fields as a whole: which fields a list or a detail response shows, the row
// selection that carries the fields' preloaded values, rendering a page of rows, and the JSON
// schemas of requests and responses.
import { Column as BaseColumn, is, noopDecoder, SQL } from 'drizzle-orm';
import type { PgColumn as Column, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../db/client.ts';
import type { Field, JsonSchema, Row } from './fields.ts';
import type { RequestContext } from './context.ts';
import type { FieldSet, ResourceSpec } from './resource.ts';

/** The field names of a field set: all fields by default, in declaration order for `{ exclude }`. */
export function resolveFieldSet(spec: Pick<ResourceSpec, 'path' | 'fields'>, set: FieldSet | undefined): string[] {
  const all = Object.keys(spec.fields);
  const named = set === undefined ? [] : Array.isArray(set) ? set : set.exclude;
  for (const n of named) if (!spec.fields[n]) throw new Error(`${spec.path}: unknown field ${n} in a field set`);
  if (set === undefined) return all;
  if (Array.isArray(set)) return set;
  return all.filter((n) => !set.exclude.includes(n));
}

/** What a list or detail query selects: columns and preloaded values, and the joins these read from. */
export interface Selection {
  columns: Record<string, Column | SQL>;
  joins: Array<{ table: PgTable; on: SQL }>;
  /** the driver's rows (arrays, in the order of `columns`) as row objects */
  mapRows(rows: unknown[][]): Row[];
}

type Decoder = { mapFromDriverValue(value: unknown): unknown };

/** What turns a selected field's driver value into its value; null when that is the value itself. */
function decoderOf(field: Column | SQL): Decoder | null {
  // SQL's decoder is internal in drizzle's types; its own mapper reads it the same way
  const sqlDecoder = (q: SQL) => (q as unknown as { decoder: Decoder }).decoder;
  const d: Decoder = is(field, BaseColumn) ? field : is(field, SQL) ? sqlDecoder(field) : sqlDecoder((field as unknown as SQL.Aliased).sql);
  return d.mapFromDriverValue === BaseColumn.prototype.mapFromDriverValue || d === noopDecoder ? null : d;
}

/**
 * The row mapper of a selection. drizzle's own asks every field of every row what kind of field it
 * is (column, SQL, subquery: prototype walks); a page of 250 subjects has 8,000 such fields, and
 * that was a tenth of the server's time on the subjects list. Here the decoders are found once.
 */
function rowMapper(columns: Record<string, Column | SQL>): (rows: unknown[][]) => Row[] {
  const keys = Object.keys(columns);
  const decoders = Object.values(columns).map(decoderOf);
  return (rows) =>
    rows.map((values) => {
      const row: Row = {};
      for (let i = 0; i < keys.length; i++) {
        const v = values[i];
        const d = decoders[i];
        row[keys[i]] = v === null || d === null ? v : d.mapFromDriverValue(v);
      }
      return row;
    });
}

/**
 * The row's columns plus the fields' preloaded values (related natural keys), selected with the
 * rows of list and detail requests so that rendering them takes no query of its own. One
 * selection per field set, built on first use.
 */
export function selectionCache(fields: Record<string, Field>, columns: Record<string, Column>): (names: string[]) => Selection {
  const selections = new Map<string[], Selection>();
  return (names) => {
    let sel = selections.get(names);
    if (!sel) {
      const picked: Record<string, Column | SQL> = {};
      const joins = new Map<string, { table: PgTable; on: SQL }>();
      const reads = names.map((n) => (fields[n].writeOnly ? [] : fields[n].reads));
      if (reads.every((r) => r !== undefined)) {
        // only what the fields render from, and the primary key (rows are told apart by it)
        for (const [key, col] of Object.entries(columns)) if (col.primary) picked[key] = col;
        for (const key of reads.flat() as string[]) if (columns[key]) picked[key] = columns[key];
      } else Object.assign(picked, columns);
      for (const n of names) {
        const pre = fields[n].preload;
        if (!pre || fields[n].writeOnly) continue;
        picked[pre.key] = pre.sql();
        const join = pre.join?.();
        if (join && !joins.has(join.alias)) joins.set(join.alias, { table: join.table, on: join.on });
      }
      sel = { columns: picked, joins: [...joins.values()], mapRows: rowMapper(picked) };
      selections.set(names, sel);
    }
    return sel;
  };
}

/** `select … from table` with the selection's columns and its joins. */
export function selectFrom(db: Queryable, table: PgTable, sel: Selection) {
  let q = db.select(sel.columns).from(table).$dynamic();
  for (const j of sel.joins) q = q.leftJoin(j.table, j.on);
  return q;
}

/** Runs a `selectFrom` query (with its conditions added), its rows mapped by the selection's mapper. */
export function selectedRows(query: { prepare(name: string): unknown }, sel: Selection): Promise<Row[]> {
  // customResultMapper is how drizzle's prepared queries take another mapper (its relational
  // queries use it); it gets the driver's rows in array mode, in selection order. No name: drizzle
  // then names no statement, as its own execute() does (src/db/pg-statements.ts names them).
  const prepared = query.prepare(undefined as unknown as string) as { customResultMapper?: (rows: unknown[][]) => unknown; execute(): Promise<unknown> };
  prepared.customResultMapper = sel.mapRows;
  return prepared.execute() as Promise<Row[]>;
}

/**
 * Renders rows with the given field set; each field prepares the whole page at once. `created`:
 * the rows are one row this request has just inserted, with the values it parsed, and no
 * after-write hook has run since (so nothing else points at it yet).
 */
export async function serializeRows(fields: Record<string, Field>, rows: Row[], names: string[], ctx: RequestContext, created?: Row): Promise<Row[]> {
  const getters: Array<[string, (row: Row) => unknown]> = [];
  for (const name of names) {
    const field = fields[name];
    if (field.writeOnly) continue;
    if (created && field.emptyWhenNew) getters.push([name, () => []]);
    else getters.push([name, await field.render(rows, ctx, created && { value: created[name] })]);
  }
  return rows.map((row) => {
    const out: Row = {};
    for (const [name, get] of getters) out[name] = get(row);
    return out;
  });
}

/** JSON schema of the writable fields (the OpenAPI request component). */
export function requestSchema(fields: Record<string, Field>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (field.readOnly || !field.parse) continue;
    properties[name] = { ...field.schema, ...(field.help ? { description: field.help } : {}) };
    if (field.required) required.push(name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** JSON schema of a response with the given field set. */
export function responseSchema(fields: Record<string, Field>, names: string[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const name of names) {
    const field = fields[name];
    if (field.writeOnly) continue;
    properties[name] = { ...field.schema, ...(field.readOnly ? { readOnly: true } : {}) };
  }
  return { type: 'object', properties };
}
