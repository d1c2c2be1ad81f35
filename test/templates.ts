// Test databases start from a template built once per test run (migrations + seed data), so each
// test file gets a fresh, isolated database in about a second:
// - PGlite: a dumpDataDir tarball loaded into a new in-memory instance;
// - PostgreSQL: CREATE DATABASE ... TEMPLATE of a migrated, seeded database.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config.ts';
import { openServices } from '../src/db/setup.ts';
import type { Services } from '../src/services.ts';

export const TEST_DIR = path.resolve('.alyx-test');

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
  }
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ ALYX_TIME_ZONE: 'Europe/London', ALYX_LAB: 'cortexlab', ALYX_DATA_DIR: TEST_DIR } as NodeJS.ProcessEnv, process.cwd());
  return { ...base, throttleBurstPerMinute: 0, schedulerIntervalSeconds: 0, ...overrides };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function ensureTestDir(): void {
  fs.mkdirSync(TEST_DIR, { recursive: true });
}

/** Opens the configured database without migrating, runs `fn` on it, and closes it again. */
export async function withDb<T>(config: Config, fn: (s: Services) => Promise<T>): Promise<T> {
  const services = await openServices(config, { migrate: false });
  try {
    return await fn(services);
  } finally {
    await services.handle.close();
  }
}
