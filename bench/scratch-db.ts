// A scratch PostgreSQL database for one benchmark run (BENCH_DATABASE_URL names the server), or
// none: the benchmark then uses the embedded database.
import pg from 'pg';

export interface ScratchDatabase {
  /** the scratch database's URL, null for the embedded database */
  url: string | null;
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export async function scratchDatabase(prefix: string, serverUrl = process.env.BENCH_DATABASE_URL ?? null): Promise<ScratchDatabase> {
  if (!serverUrl) return { url: null, drop: async () => {} };
  const name = `${prefix}_${process.pid}`;
  await onServer(serverUrl, `create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`) };
}
