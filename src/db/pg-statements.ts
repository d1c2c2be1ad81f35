// Named prepared statements on PostgreSQL's pooled connections (the server's counterpart of the
// embedded worker's cache, src/db/pglite-statements.mjs). drizzle sends every statement unnamed, so
// PostgreSQL parses and plans it each time; ONE's search and a session's detail spend a good part of
// their time planning (bench/RESULTS.md, session 8). Here each connection gives a data statement a
// name the first time it runs its text; node-postgres then parses it once on that connection, and
// PostgreSQL keeps its plan when the generic plan is no worse (plan_cache_mode auto).
//
// Per connection at most STATEMENT_CACHE_LIMIT statements are kept; the least recently used one is
// deallocated, before a later statement, when the connection is outside a transaction (DEALLOCATE is
// refused in a failed one). Names are never reused, so a DEALLOCATE that did not run leaves only an
// unused statement behind, never a wrong one. A statement that may change the schema run on the
// connection empties its cache, and a kept statement PostgreSQL refuses because its result columns
// changed (another process migrated the schema) is forgotten, to be prepared again on its next use.
import type pg from 'pg';
import { isDataStatement, mayChangeSchema, STATEMENT_CACHE_LIMIT } from './statement-kinds.mjs';

/** Names are unique in the process, across connections and pools. */
let nextName = 1;

interface QueryConfigLike {
  text?: unknown;
  name?: unknown;
}

/** node-postgres' record of the statements it has parsed on a connection (not in its types). */
type WithParsed = pg.Client & { connection?: { parsedStatements?: Record<string, string> } };

/** Makes `client` run data statements as named prepared statements (call once per new client). */
export function nameStatements(client: pg.Client, limit = STATEMENT_CACHE_LIMIT): void {
  /** by statement text, least recently used first */
  const names = new Map<string, string>();
  const toDeallocate: string[] = [];
  // looked up on the prototype at each call, not bound once: tools that wrap Client#query (the tests'
  // statement counter) still see every statement
  const query = (...args: unknown[]) => (Object.getPrototypeOf(client).query as (...a: unknown[]) => Promise<unknown>).apply(client, args);

  const forget = (text: string) => {
    const name = names.get(text);
    if (name === undefined) return;
    names.delete(text);
    toDeallocate.push(name);
  };
  /** One DEALLOCATE of the evicted statements when outside a transaction, to be awaited before the
   * caller's statement: node-postgres deprecates a second query on a client that is still busy. */
  const deallocatePending = (): Promise<void> | null => {
    if (!toDeallocate.length || client.getTransactionStatus() !== 'I') return null;
    const evicted = toDeallocate.splice(0);
    return (query(evicted.map((name) => `deallocate ${name}`).join('; ')) as Promise<unknown>).then(
      () => {
        for (const name of evicted) delete (client as WithParsed).connection?.parsedStatements?.[name];
      },
      () => {
        /* left on the server, unused: their names are never given again */
      },
    );
  };

  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
    const text = typeof config === 'string' ? config : typeof (config as QueryConfigLike)?.text === 'string' ? ((config as QueryConfigLike).text as string) : null;
    if (text === null || (config as QueryConfigLike).name !== undefined || !isDataStatement(text)) {
      if (text !== null && mayChangeSchema(text)) for (const t of [...names.keys()]) forget(t);
      return query(config, ...rest);
    }
    const deallocating = deallocatePending();
    let name = names.get(text);
    if (name === undefined) {
      name = `alyx_${nextName++}`;
      if (names.size >= limit) forget(names.keys().next().value as string);
    } else {
      names.delete(text); // most recently used last
    }
    names.set(text, name);
    const named = typeof config === 'string' ? { text, name } : { ...(config as object), name };
    const refused = (e: unknown) => {
      // "cached plan must not change result type": prepared again on its next use
      if ((e as { code?: string } | null)?.code === '0A000' && names.get(text) === name) forget(text);
    };
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      // pg-pool's query() calls the client's with a callback (and ignores what it returns)
      const run = () =>
        query(named, ...rest.slice(0, -1), (e: unknown, res: unknown) => {
          if (e) refused(e);
          return (callback as (e: unknown, r: unknown) => unknown)(e, res);
        });
      return deallocating ? void deallocating.then(run) : run();
    }
    const result = (deallocating ? deallocating.then(() => query(named, ...rest)) : query(named, ...rest)) as Promise<unknown>;
    result.catch(refused);
    return result;
  };
}
