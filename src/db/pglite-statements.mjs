// Named prepared statements for the embedded database's worker (src/db/pglite-worker.mjs).
//
// PGlite's query() sends every statement as an unnamed one in six calls into PostgreSQL (parse,
// describe, bind, describe, execute, sync), and PostgreSQL parses, analyses and plans it each time.
// Our statements repeat: the same few hundred texts with other parameters. Here a statement's text
// is parsed once under a name; later runs are one call (bind, describe, execute, sync in one
// batch) and PostgreSQL keeps the plan when it is no worse than re-planning (its plan_cache_mode
// "auto", as node-postgres' named statements get on a server).
//
// Only data statements (select, insert, update, delete, with, values, table) are kept. Any other
// statement may change the schema: it empties the cache first, so a kept statement never outlives
// a change of the columns it returns (PostgreSQL re-plans kept statements itself after DDL, but
// refuses one whose result columns changed).
//
// Plain JavaScript, type-checked through JSDoc, for the worker thread.
// @ts-check
import { parse as pgliteParse, protocol } from '@electric-sql/pglite';
import { isDataStatement, mayChangeSchema, STATEMENT_CACHE_LIMIT } from './statement-kinds.mjs';

export { mayChangeSchema, scriptMayChangeSchema } from './statement-kinds.mjs';

/** @typedef {import('@electric-sql/pglite').PGlite} PGlite */
/** @typedef {import('@electric-sql/pglite').Results} Results */
/** @typedef {(value: string, typeId: number) => unknown} Parser */

const { serialize } = protocol;

/** Names are unique in the process: two caches over one database (tests) never collide. */
let nextName = 1;

/** A kept statement: its name in PostgreSQL and the types of its parameters. */
/** @typedef {{ name: string; paramTypes: number[] }} Kept */

export class StatementCache {
  /** @type {PGlite} */
  #db;
  #limit;
  /** by statement text, least recently used first (a Map keeps insertion order) @type {Map<string, Kept>} */
  #kept = new Map();
  /** names to close with the next batch @type {string[]} */
  #toClose = [];

  /**
   * @param {PGlite} db
   * @param {number} [limit]
   */
  constructor(db, limit = STATEMENT_CACHE_LIMIT) {
    this.#db = db;
    this.#limit = limit;
  }

  /** how many statements are kept (for tests) */
  get size() {
    return this.#kept.size;
  }

  /** Forgets every kept statement; they are closed with the next batch. */
  clear() {
    for (const kept of this.#kept.values()) this.#toClose.push(kept.name);
    this.#kept.clear();
  }

  /** Close messages for the statements forgotten since the last batch. */
  #closes() {
    if (!this.#toClose.length) return [];
    const closes = this.#toClose.map((name) => serialize.close({ type: 'S', name }));
    this.#toClose = [];
    return closes;
  }

  /**
   * Runs a statement with PGlite's parsers and options, as db.query would; a data statement is
   * prepared once and run by name.
   * @param {string} text
   * @param {unknown[]} params
   * @param {import('@electric-sql/pglite').QueryOptions} options
   * @returns {Promise<Results>}
   */
  async query(text, params, options) {
    if (!isDataStatement(text)) {
      if (mayChangeSchema(text)) this.clear();
      return this.#db.query(text, params, options);
    }
    const kept = this.#kept.get(text) ?? (await this.#prepare(text));
    // most recently used last
    this.#kept.delete(text);
    this.#kept.set(text, kept);
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const toText = this.#db.serializers[kept.paramTypes[i]];
      return toText ? toText(value) : String(value);
    });
    const messages = await this.#db.execProtocolStream(
      Buffer.concat([...this.#closes(), serialize.bind({ statement: kept.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
    );
    return pgliteParse.parseResults(messages, this.#db.parsers, options)[0];
  }

  /**
   * Parses a statement under a new name and learns its parameters' types; closes the least
   * recently used one beyond the limit.
   * @param {string} text
   * @returns {Promise<Kept>}
   */
  async #prepare(text) {
    if (this.#kept.size >= this.#limit) {
      const [oldestText, oldest] = this.#kept.entries().next().value ?? [];
      if (oldestText !== undefined && oldest) {
        this.#kept.delete(oldestText);
        this.#toClose.push(oldest.name);
      }
    }
    const name = `alyx_${nextName++}`;
    const messages = await this.#db.execProtocolStream(
      Buffer.concat([...this.#closes(), serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
    );
    const kept = { name, paramTypes: pgliteParse.parseDescribeStatementResults(messages) };
    this.#kept.set(text, kept);
    return kept;
  }
}
