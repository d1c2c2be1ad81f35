// The embedded database on its own thread (src/db/pglite-thread.ts is the other side). PGlite runs
// PostgreSQL as WebAssembly on the thread that calls it: in the server's main thread its statements
// and the HTTP work (routing, rendering JSON) take turns on one core. Here they run side by side,
// and PostgreSQL's start overlaps the loading of the server's modules.
//
// Statements run one at a time, in the order they were sent. While a transaction is open only its
// own statements run; the others wait for its COMMIT or ROLLBACK, as in PGlite's own transaction().
//
// Plain JavaScript, type-checked through JSDoc: a worker thread does not inherit tsx's loader, so
// when the server runs from its TypeScript sources (tests, ALYX_FROM_SOURCE) a .ts worker would not load.
// @ts-check
import { parentPort, workerData } from 'node:worker_threads';
import { parseRemaining, slimParsers } from './pglite-parsers.mjs';
import { StatementCache, scriptMayChangeSchema } from './pglite-statements.mjs';

/** @typedef {import('@electric-sql/pglite').PGlite} PGlite */
/** @typedef {import('./pglite-thread.ts').Request} Request */
/** @typedef {import('./pglite-thread.ts').Response} Response */
/** @typedef {import('./pglite-thread.ts').SerializedError} SerializedError */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** startParams are added to PGlite's defaults */
const options = /** @type {{ dataDir?: string; startParams: string[]; loadDataDir?: Blob }} */ (workerData);

/**
 * A database error's fields (code, detail, constraint...) without what cannot cross threads.
 * @param {unknown} e
 * @returns {SerializedError}
 */
function serializeError(e) {
  if (!(e instanceof Error)) return { message: String(e), props: {} };
  /** @type {Record<string, unknown>} */
  const props = {};
  for (const [k, v] of Object.entries(e)) {
    // queryOptions holds the caller's parser functions; query/params stay in this thread too
    if (k === 'queryOptions' || k === 'query' || k === 'params') continue;
    if (v === undefined || typeof v === 'function') continue;
    props[k] = v;
  }
  return { name: e.name, message: e.message, props };
}

/** @param {unknown} value */
const identity = (value) => value;

/**
 * @param {PGlite} db
 * @param {StatementCache} statements
 * @param {Map<number, import('./pglite-parsers.mjs').Parser>} rest the parsers slimParsers took out of db.parsers
 * @param {Request} req
 * @returns {Promise<unknown>}
 */
async function run(db, statements, rest, req) {
  switch (req.kind) {
    case 'query': {
      const parsers = req.raw.length ? Object.fromEntries(req.raw.map((oid) => [oid, identity])) : undefined;
      const r = await statements.query(req.sql, req.params, { rowMode: req.rowMode, ...(parsers ? { parsers } : {}) });
      parseRemaining(r, rest, req.rowMode, req.raw);
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    }
    case 'exec':
      if (scriptMayChangeSchema(req.sql)) statements.clear();
      return (await db.exec(req.sql)).map((r) => {
        parseRemaining(r, rest, 'object', []);
        return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
      });
    case 'begin':
      await db.exec('BEGIN');
      return null;
    case 'end':
      await db.exec(req.commit ? 'COMMIT' : 'ROLLBACK');
      return null;
    case 'close':
      await db.close();
      return null;
  }
}

async function main() {
  /** @type {PGlite} */
  let db;
  /** @type {Map<number, import('./pglite-parsers.mjs').Parser>} */
  let rest;
  /** @type {StatementCache} */
  let statements;
  try {
    const { PGlite, types } = await import('@electric-sql/pglite');
    /** @type {import('@electric-sql/pglite').PGliteOptions} */
    const open = { startParams: [...PGlite.defaultStartParams, ...options.startParams] };
    if (options.dataDir) open.dataDir = options.dataDir;
    if (options.loadDataDir) open.loadDataDir = options.loadDataDir;
    db = await PGlite.create(open);
    rest = slimParsers(db, Object.keys(types.parsers));
    statements = new StatementCache(db);
  } catch (e) {
    port.postMessage(/** @type {Response} */ ({ id: 0, ok: false, error: serializeError(e) }));
    return;
  }
  port.postMessage(/** @type {Response} */ ({ id: 0, ok: true, result: null }));

  /** @type {Request[]} */
  const queue = [];
  let openTx = 0; // the transaction whose statements alone may run now (0: none)
  let running = false;
  let closed = false;
  /**
   * Transactions whose BEGIN failed, with its error. The other side sends a transaction's statements
   * without waiting for its BEGIN's answer: they must fail with that error, not run outside it.
   * @type {Map<number, SerializedError>}
   */
  const failedBegins = new Map();

  /** @returns {Request | undefined} */
  const next = () => {
    const i = openTx ? queue.findIndex((r) => r.tx === openTx) : 0;
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };

  const pump = async () => {
    if (running) return;
    running = true;
    for (let req = next(); req; req = next()) {
      if (closed) {
        port.postMessage(/** @type {Response} */ ({ id: req.id, ok: false, error: { message: 'the embedded database is closed', props: {} } }));
        continue;
      }
      const failedBegin = req.kind !== 'begin' && req.tx ? failedBegins.get(req.tx) : undefined;
      if (failedBegin) {
        if (req.kind === 'end') failedBegins.delete(req.tx);
        port.postMessage(/** @type {Response} */ (req.kind === 'end' ? { id: req.id, ok: true, result: null } : { id: req.id, ok: false, error: failedBegin }));
        continue;
      }
      if (req.kind === 'begin') openTx = req.tx;
      /** @type {Response} */
      let response;
      try {
        response = { id: req.id, ok: true, result: await run(db, statements, rest, req) };
      } catch (e) {
        response = { id: req.id, ok: false, error: serializeError(e) };
        if (req.kind === 'begin') {
          openTx = 0;
          failedBegins.set(req.tx, response.error);
        }
      }
      if (req.kind === 'end') openTx = 0;
      if (req.kind === 'close') closed = true;
      port.postMessage(response);
    }
    running = false;
  };

  port.on('message', (/** @type {Request} */ req) => {
    queue.push(req);
    void pump();
  });
}

void main();
