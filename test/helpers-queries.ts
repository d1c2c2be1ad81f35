// Counts the SQL statements the server sends while a test runs a request, on either driver: the
// PGlite instance's `query` is wrapped, or node-postgres' Client#query (which every pooled query
// goes through). Used to check that list endpoints do not run a query per row.
import pg from 'pg';
import type { TestApp } from './helpers.ts';
import { PGliteThread } from '../src/db/pglite-thread.ts';

export interface QueryCounter {
  /** statements seen since the last reset */
  readonly count: number;
  /** the statements themselves (SQL text), for failure messages */
  readonly statements: string[];
  reset(): void;
  stop(): void;
}

export function countQueries(t: TestApp): QueryCounter {
  const statements: string[] = [];
  const record = (q: unknown) => statements.push(typeof q === 'string' ? q : String((q as { text?: string })?.text ?? q));
  const { handle } = t.services;
  // in-thread PGlite: the instance; on the worker thread (ALYX_TEST_THREAD=1): the thread's class
  const lite = (handle.pglite ?? (handle.driver === 'pglite' ? PGliteThread.prototype : null)) as unknown as Record<string, (...a: unknown[]) => unknown> | null;
  let stop: () => void;
  if (lite) {
    const original = lite.query;
    const originalTx = lite.transaction;
    lite.query = function (this: unknown, ...args: unknown[]) {
      record(args[0]);
      return original.apply(this, args);
    };
    // statements inside a transaction go through the transaction object, not lite.query
    lite.transaction = function (this: unknown, ...args: unknown[]) {
      const callback = args[0] as (tx: Record<string, (...a: unknown[]) => unknown>) => unknown;
      return originalTx.call(this, (tx: Record<string, (...a: unknown[]) => unknown>) => {
        const txQuery = tx.query;
        tx.query = function (this: unknown, ...a: unknown[]) {
          record(a[0]);
          return txQuery.apply(this, a);
        };
        return callback(tx);
      });
    };
    stop = () => {
      lite.query = original;
      lite.transaction = originalTx;
    };
  } else {
    const proto = pg.Client.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      record(args[0]);
      return original.apply(this, args);
    };
    stop = () => {
      proto.query = original;
    };
  }
  return {
    get count() {
      return statements.length;
    },
    get statements() {
      return [...statements];
    },
    reset() {
      statements.length = 0;
    },
    stop,
  };
}

/** Statements run by one request. */
export async function queriesOf(t: TestApp, run: () => Promise<unknown>): Promise<string[]> {
  const counter = countQueries(t);
  try {
    await run();
    return counter.statements;
  } finally {
    counter.stop();
  }
}
