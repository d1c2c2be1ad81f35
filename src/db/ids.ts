// A list of ids as one bound parameter (`'{…}'::uuid[]`) for the batched loads of a page, where
// drizzle's inArray binds one per id. Building a statement costs drizzle about 4 µs per parameter,
// and a page of 250 subjects loads its related rows with several such lists: 3 ms of the 8 ms of
// server time of `GET /subjects?limit=250` went to it (bench/RESULTS.md).
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const allUuids = (ids: readonly unknown[]): ids is readonly string[] => ids.every((v) => typeof v === 'string' && UUID.test(v));

/**
 * `'{a,b,…}'::uuid[]` as one bound parameter. Only UUIDs go into the array literal (nothing in it
 * needs quoting); anything else is refused.
 */
export function uuidArray(ids: readonly unknown[]): SQL {
  if (!allUuids(ids)) throw new Error('uuidArray: not a list of UUIDs');
  return checkedUuidArray(ids.join(','));
}

/** uuidArray of ids already checked, given joined with commas. */
function checkedUuidArray(joined: string): SQL {
  return sql`${`{${joined}}`}::uuid[]`;
}

/**
 * Lists of ids found to be UUIDs lately, as joined: a page's ids are loaded against by several of
 * its fields (a subject page: six lists of the same 250 ids), and checking them was 4% of the
 * server's time on the subjects list. A hash lookup of the joined text is several times cheaper.
 */
const recentLists = new Set<string>();
const RECENT_LISTS = 64;

/** `column` is one of `ids` (a uuid column and uuid values; anything else falls back to inArray). */
export function inIds(column: PgColumn, ids: readonly unknown[]): SQL {
  const list = [...new Set(ids)];
  // a UUID's text is 36 characters: lists of such strings that join to the same text are the same
  if (column.columnType !== 'PgUUID' || !list.every((v) => typeof v === 'string' && v.length === 36)) return inArray(column, list as never[]);
  const joined = list.join(',');
  if (!recentLists.has(joined)) {
    if (!allUuids(list)) return inArray(column, list as never[]);
    if (recentLists.size >= RECENT_LISTS) recentLists.clear();
    recentLists.add(joined);
  }
  return sql`${column} = any(${checkedUuidArray(joined)})`;
}
