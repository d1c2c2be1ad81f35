// A scratch PostgreSQL database for one benchmark run (BENCH_DATABASE_URL names the server), or
// none: the benchmark then uses the embedded database. Also the few admin statements the benchmarks
// send to that server.
import pg from 'pg';

export interface ScratchDatabase {
  /** the scratch database's URL, null for the embedded database */
  url: string | null;
  drop(): Promise<void>;
}

/** Runs `fn` with a client connected to `url`, closed after. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** One statement on the server of `serverUrl` (CREATE / DROP DATABASE and the like). */
export async function onServer(serverUrl: string, statement: string): Promise<void> {
  await withClient(serverUrl, (c) => c.query(statement));
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function scratchDatabase(prefix: string, serverUrl = process.env.BENCH_DATABASE_URL ?? null): Promise<ScratchDatabase> {
  if (!serverUrl) return { url: null, drop: async () => {} };
  const name = `${prefix}_${process.pid}`;
  await onServer(serverUrl, `create database ${name}`);
  return { url: databaseUrl(serverUrl, name), drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`) };
}
