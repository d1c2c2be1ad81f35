// Which statements the statement caches (src/db/pglite-statements.mjs, src/db/pg-statements.ts)
// keep, and which may change the schema and so empty them. Plain JavaScript, type-checked through
// JSDoc: the embedded database's worker thread loads it too.
// @ts-check

/** Statements each cache keeps at most (per embedded database, per PostgreSQL connection). */
export const STATEMENT_CACHE_LIMIT = 200;

const DATA_STATEMENT = /^\s*(?:select|insert|update|delete|with|values|table)\b/i;
/** Statements that change no schema: they leave the kept statements as they are. */
const SCHEMA_NEUTRAL = /^\s*(?:begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|set|reset|show|analyze|vacuum|lock|notify|listen|unlisten|explain|prepare|execute|deallocate|discard\s+plans|checkpoint)\b/i;

/** Whether a statement is one the caches keep (select, insert, update, delete, with...). */
export function isDataStatement(/** @type {string} */ sqlText) {
  return DATA_STATEMENT.test(sqlText);
}

/** Whether a statement may change the schema (and so must empty the cache). */
export function mayChangeSchema(/** @type {string} */ sqlText) {
  return !DATA_STATEMENT.test(sqlText) && !SCHEMA_NEUTRAL.test(sqlText);
}

/** Whether a script for db.exec (one statement or several) may change the schema. */
export function scriptMayChangeSchema(/** @type {string} */ script) {
  // several statements: not worth splitting (exec runs migrations and restores, rarely anything else)
  return /;\s*\S/.test(script) || mayChangeSchema(script);
}
