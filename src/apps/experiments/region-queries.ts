// Queries over the brain-region tree (nested sets: a region's relatives are one range
// condition, every query one statement) and the atlas_name / atlas_acronym / atlas_id filters
// built on them: the insertions, FOVs, stacks and sessions that reach a set of regions.
import { and, asc, eq, gt, gte, ilike, inArray, isNotNull, lt, lte, ne, or, sql, type Column, type SQL } from 'drizzle-orm';
import { alias, QueryBuilder, type PgColumn } from 'drizzle-orm/pg-core';
import { query, type Queryable } from '../../db/client.ts';
import { fieldError } from '../../rest/errors.ts';
import { escapeLike, filter, type Filter } from '../../rest/filters.ts';
import { brainRegions, channels, fieldsOfView, fovLocationBrainRegions, fovLocations, probeInsertions, trajectoryEstimates } from './tables.ts';

const qb = new QueryBuilder();

/**
 * A subquery of ids. It renders with its own parentheses: compose it as `inArray(col, set)`;
 * written as `in (${set})` Postgres would read a one-element list holding a scalar subquery.
 */
export type IdSet = SQL;
const idSet = (select: { getSQL(): SQL }): IdSet => sql`${select}`;

/** Which column identifies the region(s) a user names. */
export type RegionKey =
  | { by: 'id'; value: number }
  | { by: 'acronym'; value: string }
  | { by: 'acronym_iexact'; value: string }
  | { by: 'name_icontains'; value: string };

function regionCondition(r: { id: PgColumn; acronym: PgColumn; name: PgColumn }, key: RegionKey): SQL {
  switch (key.by) {
    case 'id':
      return eq(r.id, key.value);
    case 'acronym':
      return eq(r.acronym, key.value);
    case 'acronym_iexact':
      return sql`upper(${r.acronym}) = upper(${key.value})`;
    case 'name_icontains':
      return ilike(r.name, '%' + escapeLike(key.value) + '%');
  }
}

type RelativesOptions = { includeSelf?: boolean; excludeVoid?: boolean };

/**
 * Ids of the named region(s) and all their descendants (nested-set range, one statement);
 * `ancestors` walks up instead. `includeSelf` and `excludeVoid` as the callers need.
 */
export function regionRelatives(key: RegionKey, direction: 'descendants' | 'ancestors', o: RelativesOptions = {}): IdSet {
  const r = alias(brainRegions, 'r');
  const x = alias(brainRegions, 'x');
  const self = o.includeSelf !== false;
  const range =
    direction === 'descendants'
      ? and(self ? gte(x.lft, r.lft) : gt(x.lft, r.lft), self ? lte(x.rght, r.rght) : lt(x.rght, r.rght))
      : and(self ? lte(x.lft, r.lft) : lt(x.lft, r.lft), self ? gte(x.rght, r.rght) : gt(x.rght, r.rght));
  return idSet(
    qb
      .select({ id: x.id })
      .from(r)
      .innerJoin(x, and(eq(x.tree_id, r.tree_id), range))
      .where(and(regionCondition(r, key), o.excludeVoid ? ne(x.id, 0) : undefined)),
  );
}

/** Parses a region reference: all digits → id, else acronym (exact), as upstream's tree filters. */
export function regionKeyOf(value: string): RegionKey {
  const v = value.trim();
  return /^\d+$/.test(v) ? { by: 'id', value: Number(v) } : { by: 'acronym', value: v };
}

/** Whether a region of that id / acronym exists. */
export async function regionExists(db: Queryable, key: RegionKey): Promise<boolean> {
  const found = await db.select({ id: brainRegions.id }).from(brainRegions).where(regionCondition(brainRegions, key)).limit(1);
  return found.length > 0;
}

/** Brain-region ids related to one region, in tree order, with exactly one SQL statement. */
export async function relativesOf(
  db: Queryable,
  key: RegionKey,
  direction: 'descendants' | 'ancestors',
  o: RelativesOptions = {},
): Promise<number[]> {
  // one `execute` call: the statement count is what the tree tests check
  const rows = await query<{ id: number }>(
    db,
    qb
      .select({ id: brainRegions.id })
      .from(brainRegions)
      .where(inArray(brainRegions.id, regionRelatives(key, direction, o)))
      .orderBy(asc(brainRegions.tree_id), asc(brainRegions.lft))
      .getSQL(),
  );
  return rows.map((r) => Number(r.id));
}

/** The described ancestors (root first) then descendants (pre-order) of each region, one query. */
export async function describedRelatives(db: Queryable, ids: number[]) {
  const r = alias(brainRegions, 'r');
  const x = alias(brainRegions, 'x');
  return db
    .select({ owner: r.id, id: x.id, name: x.name, description: x.description, level: x.level })
    .from(r)
    .innerJoin(
      x,
      and(eq(x.tree_id, r.tree_id), or(and(lt(x.lft, r.lft), gt(x.rght, r.rght)), and(gt(x.lft, r.lft), lt(x.rght, r.rght)))),
    )
    .where(and(inArray(r.id, ids), isNotNull(x.description)))
    .orderBy(asc(r.id), asc(x.lft));
}

// ---- atlas filters ----

/**
 * The atlas_name / atlas_acronym / atlas_id filters' region set: regions matching the value and
 * all their descendants.
 */
export function atlasRegions(param: string, value: string, ctx: { name: string }): IdSet {
  if (param === 'atlas_id') {
    if (!/^\s*-?\d+(\.0*)?\s*$/.test(value)) throw fieldError(ctx.name, 'Enter a number.');
    return regionRelatives({ by: 'id', value: Math.trunc(Number(value)) }, 'descendants');
  }
  if (param === 'atlas_acronym') return regionRelatives({ by: 'acronym_iexact', value }, 'descendants');
  return regionRelatives({ by: 'name_icontains', value }, 'descendants');
}

const ATLAS_HELP = {
  atlas_id: 'Allen structure id; the region and all its descendants',
  atlas_acronym: 'Allen acronym (case-insensitive); the region and all its descendants',
  atlas_name: 'brain region name contains; those regions and all their descendants',
};

/** The three atlas filters: rows whose id is in `idsIn(regions)`. */
export const atlasFilters = (idsIn: (regions: IdSet) => IdSet, idCol: Column): Record<string, Filter> =>
  Object.fromEntries(
    (['atlas_name', 'atlas_acronym', 'atlas_id'] as const).map((param) => [
      param,
      filter((v, ctx) => inArray(idCol, idsIn(atlasRegions(param, v, ctx))), { help: ATLAS_HELP[param] }),
    ]),
  );

/** Trajectory estimates (aligned to histology, provenance ≥ 70) with a channel in the regions. */
export function alignedTrajectoriesIn(regions: IdSet): IdSet {
  const withChannel = qb.select({ id: channels.trajectory_estimate }).from(channels).where(inArray(channels.brain_region, regions));
  return idSet(
    qb
      .select({ id: trajectoryEstimates.id })
      .from(trajectoryEstimates)
      .where(and(gte(trajectoryEstimates.provenance, 70), inArray(trajectoryEstimates.id, withChannel))),
  );
}

/** Probe insertions (`owner` chronic insertions) with an aligned trajectory crossing the regions. */
export function alignedInsertionsIn(regions: IdSet, owner: 'probe_insertion' | 'chronic_insertion' = 'probe_insertion'): IdSet {
  return idSet(
    qb
      .select({ id: trajectoryEstimates[owner] })
      .from(trajectoryEstimates)
      .where(inArray(trajectoryEstimates.id, alignedTrajectoriesIn(regions))),
  );
}

/** Fields of view whose default location covers one of the regions. */
export function fovsIn(regions: IdSet): IdSet {
  const locations = qb
    .select({ id: fovLocationBrainRegions.fovlocation })
    .from(fovLocationBrainRegions)
    .where(inArray(fovLocationBrainRegions.brainregion, regions));
  return idSet(
    qb
      .select({ id: fovLocations.field_of_view })
      .from(fovLocations)
      .where(and(eq(fovLocations.default_provenance, true), inArray(fovLocations.id, locations))),
  );
}

/** `column` (session, stack) of the rows of `table` whose id is in `ids`. */
export function columnOf(table: typeof probeInsertions | typeof fieldsOfView, column: PgColumn, ids: IdSet): IdSet {
  return idSet(qb.select({ id: column }).from(table).where(inArray(table.id, ids)));
}
