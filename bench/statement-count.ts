// Counts the SQL statements of the embedded database and their time (bench/run.ts, bench/audit.ts):
// PGlite's query and exec, also inside transactions (which go through the transaction object).
import type { PGlite } from '@electric-sql/pglite';

export interface StatementStats {
  queries: number;
  ms: number;
}

type Client = Record<string, (...a: any[]) => Promise<unknown>>; // eslint-disable-line

/** Wraps `pglite` so that every statement adds to `stats`; `onStatement` sees each one with its time. */
export function countStatements(pglite: PGlite, stats: StatementStats, onStatement?: (sql: string, ms: number) => void): void {
  const instrument = (client: Client) => {
    for (const m of ['query', 'exec']) {
      const orig = client[m].bind(client);
      client[m] = async (...a: unknown[]) => {
        const s = performance.now();
        try {
          return await orig(...a);
        } finally {
          const ms = performance.now() - s;
          stats.queries++;
          stats.ms += ms;
          onStatement?.(String(a[0]), ms);
        }
      };
    }
  };
  const pgl = pglite as unknown as Client;
  instrument(pgl);
  const origTx = pgl.transaction.bind(pgl);
  pgl.transaction = (cb: (tx: Client) => Promise<unknown>) =>
    origTx(async (tx: Client) => {
      instrument(tx);
      return cb(tx);
    });
}
