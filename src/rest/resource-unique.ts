// Uniqueness checks before a write, so that a duplicate is DRF's 400 with its message rather than
// the database's error. Single columns take their message from the declaration's `unique`;
// unique-together sets are read from the table (its multi-column unique constraints and unique
// indexes), as DRF's ModelSerializer reads Meta.unique_together, plus any declared ones.
import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { modelOf, uniqueKeysOf } from '../db/models.ts';
import { nonFieldError, validationError } from './errors.ts';
import type { Row } from './fields.ts';
import type { RequestContext } from './context.ts';
import type { ResourceParts, ResourceSpec } from './resource.ts';

export interface UniqueSet {
  /** field names (table column keys) */
  fields: string[];
  /** default: DRF's "The fields a, b must make a unique set." */
  message?: string;
}

/**
 * The table's multi-column unique keys whose fields are all writable fields of the resource
 * (DRF adds a UniqueTogetherValidator only then), followed by the declared sets.
 */
export function resolveUniqueTogether(spec: Pick<ResourceSpec, 'table' | 'fields' | 'uniqueTogether'>): UniqueSet[] {
  const writable = (name: string) => {
    const f = spec.fields[name];
    return f !== undefined && !f.readOnly && f.parse !== undefined;
  };
  const keys = uniqueKeysOf(modelOf(spec.table));
  const uniqueAlone = new Set(keys.filter((k) => k.length === 1).map(([f]) => f));
  // a set holding a column that is unique by itself can never be duplicated: no check needed
  const fromTable = keys
    .filter((key) => key.length > 1 && key.every(writable) && !key.some((f) => uniqueAlone.has(f)))
    .map((fields) => ({ fields }));
  // a declared set the table also holds only gives its message
  const declared = spec.uniqueTogether ?? [];
  const same = (a: UniqueSet, b: UniqueSet) => a.fields.join() === b.fields.join();
  const merged = fromTable.map((set) => declared.find((d) => same(d, set)) ?? set);
  return [...merged, ...declared.filter((d) => !fromTable.some((set) => same(d, set)))];
}

export const uniqueTogetherMessage = (set: UniqueSet) => set.message ?? `The fields ${set.fields.join(', ')} must make a unique set.`;

async function exists(parts: ResourceParts, ctx: RequestContext, conds: Array<SQL | undefined>): Promise<boolean> {
  const [{ n }] = (await ctx.db
    .select({ n: count() })
    .from(parts.spec.table as PgTable)
    .where(and(...conds))) as Array<{ n: number }>;
  return Number(n) > 0;
}

/** Refuses values that would duplicate another row's unique column or unique-together set. */
export async function checkUniqueness(parts: ResourceParts, ctx: RequestContext, values: Row, instance: Row | null): Promise<void> {
  const merged = { ...(instance ?? {}), ...values };
  const notSelf = instance ? sql`${parts.idCol} <> ${instance.id}` : undefined;
  const isNull = (key: string) => merged[key] === null || merged[key] === undefined;
  for (const [key, message] of Object.entries(parts.spec.unique ?? {})) {
    if (!(key in values) || isNull(key)) continue;
    if (await exists(parts, ctx, [eq(parts.columns[key], merged[key]), notSelf])) throw validationError({ [key]: [message] });
  }
  for (const set of parts.uniqueTogether) {
    if (!set.fields.some((f) => f in values) || set.fields.some(isNull)) continue;
    const conds = set.fields.map((f) => eq(parts.columns[f], merged[f]));
    if (await exists(parts, ctx, [...conds, notSelf])) throw nonFieldError(uniqueTogetherMessage(set));
  }
}
