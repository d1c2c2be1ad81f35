// PGlite copies its instance's map of type parsers for every statement it runs (it merges the
// instance's map with the statement's own parsers). After start the map holds a parser for the
// array type of every type in the catalog, 319 entries, and that copy alone took ~100 µs, about a
// third of a one-row statement (bench/writes.md, session 6). Here the map keeps the scalar parsers
// and the array types a query of ours returns; a column of any other type with a parser (an array
// of an enum, of inet...) is parsed after the statement, from the full map, so results are the same.
//
// Plain JavaScript, type-checked through JSDoc, for the worker thread (src/db/pglite-worker.mjs).
// @ts-check

/** @typedef {(value: string, typeId: number) => unknown} Parser */
/** @typedef {{ rows: unknown[]; fields: Array<{ name: string; dataTypeID: number }> }} ResultLike */

/**
 * PostgreSQL's fixed OIDs of the array types our queries return (array_agg of ids, names,
 * numbers, timestamps, json): bool, bytea, name, int2, int4, int8, text, oid, json, float4,
 * float8, bpchar, varchar, date, time, timestamp, timestamptz, interval, numeric, uuid, jsonb.
 */
export const COMMON_ARRAY_TYPES = [1000, 1001, 1003, 1005, 1007, 1016, 1009, 1028, 199, 1021, 1022, 1014, 1015, 1182, 1183, 1115, 1185, 1187, 1231, 2951, 3807];

/**
 * Leaves in `db.parsers` the scalar parsers (`scalarKeys`: PGlite's defaults) and the common array
 * types'; returns the other parsers, for parseRemaining.
 * @param {{ parsers: Record<string, Parser> }} db a started PGlite
 * @param {Iterable<string>} scalarKeys
 * @returns {Map<number, Parser>}
 */
export function slimParsers(db, scalarKeys) {
  const keep = new Set([...scalarKeys, ...COMMON_ARRAY_TYPES.map(String)]);
  /** @type {Record<string, Parser>} */
  const slim = {};
  /** @type {Map<number, Parser>} */
  const rest = new Map();
  for (const [key, parse] of Object.entries(db.parsers)) {
    if (keep.has(key)) slim[key] = parse;
    else rest.set(Number(key), parse);
  }
  // an array type's parser looks up its element's parser in db.parsers when it runs: the scalar
  // ones are all kept, so the element parsers are found as before
  db.parsers = slim;
  return rest;
}

/**
 * Parses, in place, the columns of `result` that `parserOf` gives a parser for (their values came
 * back as text).
 * @param {ResultLike} result
 * @param {(typeId: number) => Parser | undefined} parserOf
 * @param {'object' | 'array' | undefined} rowMode
 */
export function parseColumns(result, parserOf, rowMode) {
  /** @type {Array<{ key: string | number; parse: Parser; type: number }>} */
  const columns = [];
  result.fields.forEach((f, i) => {
    const parse = parserOf(f.dataTypeID);
    if (parse) columns.push({ key: rowMode === 'array' ? i : f.name, parse, type: f.dataTypeID });
  });
  if (!columns.length) return;
  for (const row of /** @type {Array<Record<string | number, unknown>>} */ (result.rows)) {
    for (const c of columns) {
      const v = row[c.key];
      if (typeof v === 'string') row[c.key] = c.parse(v, c.type);
    }
  }
}

/**
 * Parses the columns of `result` whose type has a parser in `rest` (slimParsers took it out of
 * PGlite's map), except the types the caller asked to keep as text (`raw`).
 * @param {ResultLike} result
 * @param {Map<number, Parser>} rest
 * @param {'object' | 'array' | undefined} rowMode
 * @param {number[]} raw
 */
export function parseRemaining(result, rest, rowMode, raw) {
  if (rest.size) parseColumns(result, (type) => (raw.includes(type) ? undefined : rest.get(type)), rowMode);
}
