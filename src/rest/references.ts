// Nothing lost by deleting: the records that refer to a row, counted per model in one query, so
// that a delete which would take them along (or leave them without their owner) is refused with
// what it would touch. Foreign keys are read from the drizzle tables (every table of the schema).
import { getTableColumns, getTableName, is, sql, type Column, type SQL } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema.ts';
import { query, type Queryable } from '../db/client.ts';
import { modelLabel } from '../apps/audit/record.ts';
import { modelOf } from '../db/models.ts';
import { ApiError } from './errors.ts';

interface Reference {
  table: PgTable;
  column: Column;
  cascades: boolean;
}

function isModel(table: PgTable): boolean {
  try {
    modelOf(table);
    return true;
  } catch {
    return false;
  }
}

let referencesByTarget: Map<PgTable, Reference[]> | null = null;

function referencesTo(target: PgTable): Reference[] {
  if (!referencesByTarget) {
    referencesByTarget = new Map();
    for (const t of Object.values(schema)) {
      if (!is(t, PgTable)) continue;
      const byName = new Map(Object.values(getTableColumns(t) as Record<string, Column>).map((c) => [c.name, c]));
      for (const fk of getTableConfig(t).foreignKeys) {
        const ref = fk.reference();
        if (ref.columns.length !== 1) continue;
        const column = byName.get(ref.columns[0].name);
        if (!column) continue;
        const list = referencesByTarget.get(ref.foreignTable) ?? [];
        list.push({ table: t, column, cascades: fk.onDelete === 'cascade' });
        referencesByTarget.set(ref.foreignTable, list);
      }
    }
  }
  return referencesByTarget.get(target) ?? [];
}

/**
 * Counts of the rows referring to `id`, per model label (only non-zero counts): with
 * `cascadingOnly`, those a delete would take along. `except`: tables left out (the object's parts).
 */
export async function countReferences(db: Queryable, target: PgTable, id: string, opts: { cascadingOnly: boolean; except?: PgTable[] }): Promise<Record<string, number>> {
  // cascading: rows of models only (a link of a many-to-many join table is not a record of its own)
  const refs = referencesTo(target).filter((r) => (!opts.cascadingOnly || (r.cascades && isModel(r.table))) && !opts.except?.includes(r.table));
  if (!refs.length) return {};
  const parts: SQL[] = refs.map((r, i) => sql`(select count(*) from ${r.table} where ${r.column} = ${id})::int as ${sql.identifier(`c${i}`)}`);
  const [row] = await query<Record<string, number>>(db, sql`select ${sql.join(parts, sql`, `)}`);
  const out: Record<string, number> = {};
  refs.forEach((r, i) => {
    const n = Number(row[`c${i}`]);
    if (!n) return;
    const label = modelLabel(r.table);
    humanNames.set(label, humanName(r.table));
    out[label] = (out[label] ?? 0) + n;
  });
  return out;
}

/** Human names of the labels counted so far ("actions.wateradministration" → "water administration"). */
const humanNames = new Map<string, string>();

function humanName(table: PgTable): string {
  try {
    return modelOf(table).name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  } catch {
    return getTableName(table);
  }
}

function plural(name: string, n: number): string {
  if (n === 1 || /s$/.test(name)) return name;
  return /[^aeiou]y$/.test(name) ? `${name.slice(0, -1)}ies` : `${name}s`;
}

/** "1 weighing, 3 sessions" for the message; the body keeps the model labels as keys. */
function describe(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, n]) => `${n} ${plural(humanNames.get(k) ?? k, n)}`)
    .join(', ');
}

/** 409: a user (or other row) others refer to; the advice is to deactivate it instead. */
export function refusedReferenced(kind: string, name: string, counts: Record<string, number>): ApiError {
  return new ApiError(409, {
    detail:
      `Cannot delete ${kind} "${name}": other records refer to it (${describe(counts)}). ` +
      'Deactivate it instead (PATCH {"is_active": false}).',
    references: counts,
  });
}

/** 409: a row whose children would be deleted with it; `?cascade=true` confirms. */
export function refusedCascade(kind: string, name: string, counts: Record<string, number>): ApiError {
  return new ApiError(409, {
    detail: `Deleting ${kind} "${name}" would also delete ${describe(counts)}. Add ?cascade=true to delete them all.`,
    would_delete: counts,
  });
}
