// A small registry that gives every table its Django model name and relation names, so that the
// `django=` lookup language, 404 messages and notes' content types can walk the schema the way
// upstream's ORM does. Columns and forward foreign keys are read from the drizzle tables
// themselves; only what drizzle cannot know (model names, reverse names, many-to-many tables)
// is declared here, once per table, next to the table in each app's tables.ts.
import { getTableColumns, getTableName } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { PgColumn as Column } from 'drizzle-orm/pg-core';

export interface ManyToMany {
  /** join table */
  through: PgTable;
  /** column of the join table pointing at this model */
  from: Column;
  /** column of the join table pointing at the target */
  to: Column;
  target: PgTable;
  /** name of the reverse relation on the target (Django related_name / default query name) */
  reverseName?: string;
}

export interface ModelOptions {
  /** Django model class name, e.g. "Subject" (404 messages say "No Subject matches ...") */
  name: string;
  /** Django app label, e.g. "subjects" (content types are "<app>.<model lowercase>") */
  app: string;
  /** reverse query names for this table's foreign keys: { fkFieldName: 'related_name' } */
  relatedNames?: Record<string, string>;
  /** many-to-many fields of this model */
  m2m?: Record<string, ManyToMany>;
  /**
   * Secret columns (password hashes, token and session keys): never data. The `django=` compiler,
   * automatic filters and resource fields refuse any path that reaches one (see `secretColumn`).
   */
  secret?: string[];
}

export interface Relation {
  kind: 'fk' | 'reverse' | 'm2m';
  /** table the relation leads to */
  target: PgTable;
  /** fk: the column on the source; reverse: the fk column on the target */
  column?: Column;
  m2m?: ManyToMany;
  /** m2m reached through its reverse name: walk the join table the other way */
  reversed?: boolean;
}

export interface ModelInfo extends ModelOptions {
  table: PgTable;
  tableName: string;
  /** Django field name -> column (TS keys are Django field names by convention) */
  columns: Record<string, Column>;
  /** fk field name -> target table */
  foreignKeys: Record<string, { column: Column; target: PgTable }>;
  relations: Record<string, Relation>;
}

const byTable = new Map<PgTable, ModelInfo>();
let resolved = false;

/** Declares a table's Django model identity. Call once per table, at module level. */
export function model<T extends PgTable>(table: T, options: ModelOptions): T {
  const columns = getTableColumns(table) as Record<string, Column>;
  const info: ModelInfo = {
    ...options,
    table,
    tableName: getTableName(table),
    columns,
    foreignKeys: {},
    relations: {},
  };
  byTable.set(table, info);
  resolved = false;
  return table;
}

/**
 * Declares a many-to-many field on a model registered elsewhere, for join tables that live in a
 * later app because they point "forward" (e.g. Lab.repositories, declared by the data app).
 */
export function addManyToMany(table: PgTable, field: string, m2m: ManyToMany): void {
  const info = byTable.get(table);
  if (!info) throw new Error(`table ${getTableName(table)} has no model() declaration`);
  info.m2m = { ...(info.m2m ?? {}), [field]: m2m };
  resolved = false;
}

function fieldNameOf(info: ModelInfo, column: Column): string {
  for (const [k, c] of Object.entries(info.columns)) if (c === column || c.name === column.name) return k;
  throw new Error(`column ${column.name} not in ${info.tableName}`);
}

/** Builds relation maps (forward, reverse and m2m) once every model is registered. */
function resolveRelations(): void {
  if (resolved) return;
  for (const info of byTable.values()) info.relations = {};
  for (const info of byTable.values()) {
    const cfg = getTableConfig(info.table);
    for (const fk of cfg.foreignKeys) {
      const ref = fk.reference();
      if (ref.columns.length !== 1) continue;
      const column = ref.columns[0];
      const field = fieldNameOf(info, column);
      info.foreignKeys[field] = { column, target: ref.foreignTable };
      info.relations[field] = { kind: 'fk', target: ref.foreignTable, column };
    }
  }
  for (const info of byTable.values()) {
    for (const [field, fk] of Object.entries(info.foreignKeys)) {
      const target = byTable.get(fk.target);
      if (!target) continue;
      const reverseName = info.relatedNames?.[field] ?? info.name.toLowerCase();
      // first declaration wins; Django would refuse a clash, we keep the explicit one
      if (!target.relations[reverseName]) {
        target.relations[reverseName] = { kind: 'reverse', target: info.table, column: fk.column };
      }
    }
    for (const [field, m2m] of Object.entries(info.m2m ?? {})) {
      info.relations[field] = { kind: 'm2m', target: m2m.target, m2m };
      const target = byTable.get(m2m.target);
      const reverseName = m2m.reverseName ?? info.name.toLowerCase();
      if (target && !target.relations[reverseName]) {
        target.relations[reverseName] = { kind: 'm2m', target: info.table, m2m, reversed: true };
      }
    }
  }
  resolved = true;
}

export function modelOf(table: PgTable): ModelInfo {
  resolveRelations();
  const info = byTable.get(table);
  if (!info) throw new Error(`table ${getTableName(table)} has no model() declaration`);
  return info;
}

export function allModels(): ModelInfo[] {
  resolveRelations();
  return [...byTable.values()];
}

/** Finds a model by content type label: "subjects.subject", or "subject" when unambiguous. */
export function modelByContentType(label: string): ModelInfo | 'ambiguous' | null {
  resolveRelations();
  const wanted = label.trim().toLowerCase();
  const matches = [...byTable.values()].filter((m) =>
    wanted.includes('.') ? `${m.app}.${m.name.toLowerCase()}` === wanted : m.name.toLowerCase() === wanted,
  );
  if (matches.length > 1) return 'ambiguous';
  return matches[0] ?? null;
}

/**
 * The table's unique keys other than the primary key, as lists of field names, read from the
 * drizzle table: unique columns, unique constraints, then unique indexes (partial unique
 * indexes, with a WHERE, are left out: they do not make a plain unique set).
 */
export function uniqueKeysOf(info: ModelInfo): string[][] {
  const cfg = getTableConfig(info.table);
  const fieldOf = new Map<string, string>(Object.entries(info.columns).map(([k, c]) => [c.name, k]));
  const keys: string[][] = [];
  for (const c of cfg.columns) if (c.isUnique && !c.primary) keys.push([fieldOf.get(c.name)!]);
  for (const uc of cfg.uniqueConstraints) keys.push(uc.columns.map((c) => fieldOf.get(c.name)!));
  for (const ix of cfg.indexes) {
    if (!ix.config.unique || ix.config.where) continue;
    const cols = ix.config.columns as Array<{ name?: string }>;
    if (cols.every((c) => c.name && fieldOf.has(c.name))) keys.push(cols.map((c) => fieldOf.get(c.name!)!));
  }
  return keys.filter((k) => k.every(Boolean));
}

/** Column names that are secret on every model, whatever their table declares. */
const ALWAYS_SECRET = new Set(['password']);

/** True when the model's field (Django name, or `pk`) is a secret column. */
export function isSecretField(info: ModelInfo, field: string): boolean {
  const name = field === 'pk' ? primaryKeyName(info) : field;
  return ALWAYS_SECRET.has(name) || (info.secret ?? []).includes(name);
}

/** True when the column is a secret column of its table. */
export function isSecretColumn(column: Column): boolean {
  const table = (column as unknown as { table: PgTable }).table;
  const info = byTable.get(table);
  if (!info) return ALWAYS_SECRET.has(column.name);
  for (const [k, c] of Object.entries(info.columns)) if (c === column) return isSecretField(info, k);
  return false;
}

function primaryKeyName(info: ModelInfo): string {
  for (const [k, c] of Object.entries(info.columns)) if (c.primary) return k;
  return 'id';
}

export function contentTypeLabel(info: ModelInfo): string {
  return `${info.app}.${info.name.toLowerCase()}`;
}
