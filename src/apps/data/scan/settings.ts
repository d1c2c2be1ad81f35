// Scanner settings of a repository, from its entry in the config's `repositories`: a directory
// (defaults everywhere), or an object `{ "path": dir, "scan": true, ... }`.
import type { Config } from '../../../config.ts';

export interface ScanSettings {
  name: string;
  dir: string;
  /** the scheduled job scans this repository */
  scheduled: boolean;
  intervalMinutes: number;
  /** a missing session of a known subject is created */
  autoCreateSessions: boolean;
  /** md5 of new files (upstream's `hash` field) */
  hash: boolean;
  /** hashing rate bound, bytes per second (0: unbounded) */
  hashBytesPerSecond: number;
  /** username recorded on created datasets and sessions; null: the first superuser */
  user: string | null;
  /** sessions written at once (PostgreSQL; the embedded database runs one statement at a time) */
  concurrency: number;
}

export class ScanError extends Error {}

// name and url: written by `alyx configure` (the repository's name and its data URL), not scanner settings
const KNOWN = new Set(['name', 'url', 'path', 'scan', 'scan_interval_minutes', 'auto_create_sessions', 'hash', 'hash_rate_mb', 'scan_user', 'scan_concurrency']);

export function scanSettings(config: Pick<Config, 'repositoryDirs' | 'repositoryScan' | 'databaseUrl' | 'dbPoolSize'>, name: string): ScanSettings {
  const dir = config.repositoryDirs[name];
  if (!dir) throw new ScanError(`repository ${name} has no directory in the configuration ("repositories": {"${name}": "/path"})`);
  const raw = config.repositoryScan?.[name] ?? {};
  const where = `repositories.${name}`;
  for (const k of Object.keys(raw)) if (!KNOWN.has(k)) throw new ScanError(`${where}: unknown setting "${k}" (known: ${[...KNOWN].join(', ')})`);
  const bool = (k: string, def: boolean): boolean => {
    const v = raw[k];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') throw new ScanError(`${where}.${k} must be true or false`);
    return v;
  };
  const num = (k: string, def: number, min: number): number => {
    const v = raw[k];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ScanError(`${where}.${k} must be a number ≥ ${min}`);
    return v;
  };
  const user = raw.scan_user;
  if (user !== undefined && user !== null && (typeof user !== 'string' || !user)) throw new ScanError(`${where}.scan_user must be a username`);
  return {
    name,
    dir,
    scheduled: bool('scan', false),
    intervalMinutes: num('scan_interval_minutes', 10, 1),
    autoCreateSessions: bool('auto_create_sessions', true),
    hash: bool('hash', false),
    hashBytesPerSecond: num('hash_rate_mb', 50, 0) * 1024 * 1024,
    user: (user as string | undefined) ?? null,
    // leave connections of the pool to the server's requests
    concurrency: config.databaseUrl ? Math.floor(num('scan_concurrency', Math.min(4, Math.max(1, (config.dbPoolSize ?? 10) - 2)), 1)) : 1,
  };
}
