// The embedded database behind a worker thread (src/db/pglite-worker.ts), with the part of PGlite's
// API that drizzle's PGlite driver and this code use: query, exec, transaction, close.
//
// Why: PGlite executes statements on the thread that calls it. In the server that was the thread
// that also parses requests and renders JSON, so on a 2-core machine one core did everything while
// the other idled. On the worker, PostgreSQL works on one request's statements while the main thread
// renders another's answer, and PostgreSQL's start (most of a reopen) overlaps loading the server.
import { Worker } from 'node:worker_threads';
import type { Results, RowMode } from '@electric-sql/pglite';
import { parseColumns, type Parser } from './pglite-parsers.mjs';

export type Request =
  | { id: number; tx: number; kind: 'query'; sql: string; params: unknown[]; rowMode: RowMode; raw: number[] }
  | { id: number; tx: number; kind: 'exec'; sql: string }
  | { id: number; tx: number; kind: 'begin' }
  | { id: number; tx: number; kind: 'end'; commit: boolean }
  | { id: number; tx: number; kind: 'close' };

export interface SerializedError {
  name?: string;
  message: string;
  /** the database error's own fields: code, detail, constraint, table... */
  props: Record<string, unknown>;
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

/** Distributes Omit over the request union, so each kind keeps its own fields. */
type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export interface ThreadQueryOptions {
  rowMode?: RowMode;
  parsers?: Record<number, Parser>;
}

/** The handle a transaction's callback gets, like PGlite's Transaction. */
export interface ThreadTransaction {
  query<T>(sql: string, params?: unknown[], options?: ThreadQueryOptions): Promise<Results<T>>;
  exec(sql: string): Promise<Results[]>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

function toError(e: SerializedError): Error {
  const err = new Error(e.message);
  if (e.name) err.name = e.name;
  Object.assign(err, e.props);
  return err;
}

export class PGliteThread {
  #worker: Worker;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #nextTx = 1;
  #failure: Error | null = null;
  #closing: Promise<void> | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.unref(); // referenced only while a statement (or the start) is under way: see #send
    worker.on('message', (m: Response) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) worker.unref();
      if (m.ok) p.resolve(m.result);
      else p.reject(toError(m.error));
    });
    const fail = (e: Error) => {
      this.#failure ??= e;
      for (const p of this.#pending.values()) p.reject(this.#failure);
      this.#pending.clear();
    };
    worker.on('error', (e) => fail(new Error(`the embedded database stopped: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`the embedded database stopped (worker exit ${code})`)));
    // the worker answers id 0 once PostgreSQL is up, or with the error that kept it from starting
    this.ready = new Promise<void>((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(0, { resolve: () => resolve(), reject });
    });
    this.ready.catch((e: Error) => {
      fail(e); // statements already sent fail with the reason, not with "worker exit"
      void worker.terminate();
    });
  }

  /** resolves once PostgreSQL has started on the worker; rejects with the reason it could not */
  readonly ready: Promise<void>;

  /**
   * Starts the worker. Statements sent before PostgreSQL is up wait for it; when it cannot start,
   * they fail with the reason.
   */
  static start(options: { dataDir?: string; startParams: string[]; loadDataDir?: Blob }): PGliteThread {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
      workerData: options,
      // The worker's objects live for one statement: a young generation of 4 MB instead of V8's
      // default (up to 48) kept the server about 50 MB smaller under the benchmark's load, for a few
      // per cent of throughput; 1 MB halved it (bench/RESULTS.md, session 5).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    return new PGliteThread(worker);
  }

  /** Starts the worker and resolves once PostgreSQL has started in it. */
  static async open(options: { dataDir?: string; startParams: string[]; loadDataDir?: Blob }): Promise<PGliteThread> {
    const thread = PGliteThread.start(options);
    await thread.ready;
    return thread;
  }

  #send<T>(req: Outgoing): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      // an idle database does not keep the process alive (as PGlite in-thread); a statement under way does
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ ...req, id });
    });
  }

  async #query<T>(tx: number, sql: string, params: unknown[] = [], options: ThreadQueryOptions = {}): Promise<Results<T>> {
    const parsers = options.parsers;
    const raw = parsers ? Object.keys(parsers).map(Number) : [];
    const rowMode = options.rowMode ?? 'object';
    const result = await this.#send<Results<T>>({ kind: 'query', tx, sql, params, rowMode, raw });
    // the caller's parsers, applied here to the values the worker left as text
    if (parsers && raw.length) parseColumns(result, (type) => parsers[type], rowMode);
    return result;
  }

  query<T>(sql: string, params?: unknown[], options?: ThreadQueryOptions): Promise<Results<T>> {
    return this.#query<T>(0, sql, params, options);
  }

  exec(sql: string): Promise<Results[]> {
    return this.#send<Results[]>({ kind: 'exec', tx: 0, sql });
  }

  /** Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  async transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const tx = this.#nextTx++;
    // Not awaited: the transaction's first statement follows its BEGIN without a round trip between
    // the threads (a write is 7-17 statements, each a round trip). Should the BEGIN fail, the worker
    // answers the transaction's statements with its error, and the COMMIT below waits for it first.
    const begun = this.#send({ kind: 'begin', tx });
    begun.catch(() => {}); // reported through the statements or the commit
    let closed = false;
    const open = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const handle: ThreadTransaction = {
      query: async <R>(sql: string, params?: unknown[], options?: ThreadQueryOptions) => {
        open();
        return this.#query<R>(tx, sql, params, options);
      },
      exec: async (sql: string) => {
        open();
        return this.#send<Results[]>({ kind: 'exec', tx, sql });
      },
      rollback: async () => {
        open();
        closed = true;
        await this.#send({ kind: 'end', tx, commit: false });
      },
      get closed() {
        return closed;
      },
    };
    try {
      const result = await fn(handle);
      if (!closed) {
        await begun;
        closed = true;
        await this.#send({ kind: 'end', tx, commit: true });
      }
      return result;
    } catch (e) {
      if (!closed) {
        closed = true;
        await this.#send({ kind: 'end', tx, commit: false }).catch(() => {});
      }
      throw e;
    }
  }

  /** Closes the database (PostgreSQL writes its state to the data directory) and ends the worker. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (!this.#failure) await this.#send({ kind: 'close', tx: 0 });
      await this.#worker.terminate();
    })();
    return this.#closing;
  }
}
