// Settings come from the environment, then an optional JSON config file; the environment wins.
// They are read and validated once; everything else receives the resulting object.
import fs from 'node:fs';
import path from 'node:path';
import { isValidTimeZone } from './rest/values.ts';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** connections in the PostgreSQL pool (concurrent requests run on several server processes) */
  dbPoolSize: number;
  /** PGlite's shared_buffers, in MB: most of the embedded server's memory (its pages are also in the OS cache) */
  embeddedSharedBuffersMb: number;
  dataDir: string;
  mediaDir: string;
  adminPassword: string | null;
  timeZone: string;
  labName: string;
  rabbitmqUrl: string | null;
  /** requests per minute per user (or IP when anonymous); 0 disables throttling */
  throttleBurstPerMinute: number;
  /** items allowed in one list of a request body, and in one bulk create (ALYX_MAX_LIST_ITEMS) */
  maxListItems: number;
  /** per-statement time limit in milliseconds on PostgreSQL, 0 for none (ALYX_STATEMENT_TIMEOUT_MS) */
  statementTimeoutMs: number;
  /** data repository name -> local directory that holds its files */
  repositoryDirs: Record<string, string>;
  /** repository name -> scanner settings (object form of a `repositories` entry; src/apps/data/scan) */
  repositoryScan: Record<string, Record<string, unknown>>;
  /** repository name -> its data URL (`url` of a `repositories` entry): the database's `data_url` follows it */
  repositoryUrls: Record<string, string>;
  /** interval of the in-process scheduler in seconds; 0 disables it */
  schedulerIntervalSeconds: number;
  /**
   * per scheduled job (key: its name, lower case with '_' for spaces, e.g. "cache_tables"):
   * on/off and interval, overriding the job's defaults (src/scheduler.ts); `jobs` in the config
   * file, or ALYX_JOBS_<NAME>=off|on|<seconds>
   */
  jobs: Record<string, JobSettings>;
  smtp: { host: string; port: number; from: string; user?: string; password?: string; accessToken?: string } | null;
  /** backups (`alyx backup`, scheduled backups, retention): see src/ops/ */
  backup: BackupConfig;
  /**
   * key material for API tokens (HMAC lookup digest + encryption); null: `<dataDir>/secret.key`,
   * created on first use. Every server on one database must use the same key.
   */
  secretKey: string | null;
  /** seconds after which an API token answers 401 "Invalid token." (0: never) */
  tokenTtlSeconds: number;
  /** minimum length of a password set by the CLI or the API */
  passwordMinLength: number;
  /** failed password checks per account before back-off (per address: 4 times as many) */
  loginMaxFailures: number;
  /** REST write rules: 'upstream' (any non-public user writes) or 'lab' (upstream's admin rules) */
  restPolicy: 'upstream' | 'lab';
  /** where the config values came from, for `alyx doctor` */
  configFile: string | null;
}

export interface JobSettings {
  enabled?: boolean;
  everySeconds?: number;
}

/** The key of a scheduled job in `jobs` and in ALYX_JOBS_<NAME>: "cache tables" -> "cache_tables". */
export function jobKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

function parseJobs(raw: unknown, env: NodeJS.ProcessEnv): Record<string, JobSettings> {
  const out: Record<string, JobSettings> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('"jobs" must map job names to {"enabled": boolean, "everySeconds": number}');
    for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(`jobs.${name} must be an object {"enabled", "everySeconds"}`);
      const { enabled, everySeconds } = entry as Record<string, unknown>;
      if (enabled !== undefined && typeof enabled !== 'boolean') throw new ConfigError(`jobs.${name}.enabled must be true or false`);
      if (everySeconds !== undefined && (typeof everySeconds !== 'number' || !Number.isInteger(everySeconds) || everySeconds < 1)) {
        throw new ConfigError(`jobs.${name}.everySeconds must be a whole number of seconds (1 or more)`);
      }
      out[jobKey(name)] = { ...(enabled !== undefined && { enabled }), ...(everySeconds !== undefined && { everySeconds: everySeconds as number }) };
    }
  }
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('ALYX_JOBS_') || value === undefined || value === '') continue;
    const name = jobKey(key.slice('ALYX_JOBS_'.length));
    const v = value.trim().toLowerCase();
    const current = out[name] ?? {};
    if (v === 'off' || v === 'false' || v === '0') out[name] = { ...current, enabled: false };
    else if (v === 'on' || v === 'true') out[name] = { ...current, enabled: true };
    else if (/^\d+$/.test(v)) out[name] = { enabled: true, everySeconds: Number(v) };
    else throw new ConfigError(`${key} must be off, on or a number of seconds, got ${JSON.stringify(value)}`);
  }
  return out;
}

export interface BackupConfig {
  /** where `alyx backup` (without --out), the scheduled backups and safety copies go */
  dir: string;
  /** hours between scheduled backups; 0: no scheduled backups */
  intervalHours: number;
  /** scheduled backups kept: the newest of each of the last N days, ISO weeks and months */
  keep: { daily: number; weekly: number; monthly: number };
}

const KEYS = {
  PORT: 'port',
  HOST: 'host',
  DATABASE_URL: 'databaseUrl',
  ALYX_DB_POOL_SIZE: 'dbPoolSize',
  ALYX_EMBEDDED_SHARED_BUFFERS_MB: 'embeddedSharedBuffersMb',
  ALYX_DATA_DIR: 'dataDir',
  ALYX_MEDIA_DIR: 'mediaDir',
  ALYX_ADMIN_PASSWORD: 'adminPassword',
  ALYX_TIME_ZONE: 'timeZone',
  ALYX_LAB: 'labName',
  ALYX_RABBITMQ_URL: 'rabbitmqUrl',
  ALYX_THROTTLE_PER_MINUTE: 'throttleBurstPerMinute',
  ALYX_MAX_LIST_ITEMS: 'maxListItems',
  ALYX_STATEMENT_TIMEOUT_MS: 'statementTimeoutMs',
  ALYX_SCHEDULER_INTERVAL: 'schedulerIntervalSeconds',
  ALYX_BACKUP_DIR: 'backupDir',
  ALYX_BACKUP_INTERVAL_HOURS: 'backupIntervalHours',
  ALYX_BACKUP_KEEP_DAILY: 'backupKeepDaily',
  ALYX_BACKUP_KEEP_WEEKLY: 'backupKeepWeekly',
  ALYX_BACKUP_KEEP_MONTHLY: 'backupKeepMonthly',
  ALYX_SECRET_KEY: 'secretKey',
  ALYX_TOKEN_TTL: 'tokenTtl',
  ALYX_PASSWORD_MIN_LENGTH: 'passwordMinLength',
  ALYX_LOGIN_MAX_FAILURES: 'loginMaxFailures',
  ALYX_REST_POLICY: 'restPolicy',
} as const;

export class ConfigError extends Error {}

/**
 * A configured directory made absolute against the working directory: POSIX paths, and on Windows
 * drive letters (D:\data), UNC shares (\\server\share\lab) and relative paths alike. `p` is
 * path.win32 in the tests of the Windows forms.
 */
export function resolveDir(cwd: string, dir: string, p: path.PlatformPath = path): string {
  return p.resolve(cwd, dir);
}

function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Reads `alyx.config.json` (or the file named by ALYX_CONFIG) from the working directory. */
function readConfigFile(env: NodeJS.ProcessEnv, cwd: string): { file: string | null; values: Record<string, unknown> } {
  const file = env.ALYX_CONFIG ? path.resolve(cwd, env.ALYX_CONFIG) : path.join(cwd, 'alyx.config.json');
  if (!fs.existsSync(file)) {
    if (env.ALYX_CONFIG) throw new ConfigError(`config file ${file} (ALYX_CONFIG) does not exist`);
    return { file: null, values: {} };
  }
  try {
    const values = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new ConfigError(`${file} must hold a JSON object`);
    }
    return { file, values };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const { file, values } = readConfigFile(env, cwd);
  // The config file uses the same names as the environment (PORT, DATABASE_URL, ...), or the
  // camelCase keys of Config; the environment wins over both.
  // the backup settings may also be grouped: "backup": {"dir", "intervalHours", "keep": {"daily", ...}}
  const rawBackup = (values.backup ?? {}) as Record<string, unknown>;
  const rawKeep = (rawBackup.keep ?? {}) as Record<string, unknown>;
  const grouped: Partial<Record<keyof typeof KEYS, unknown>> = {
    ALYX_BACKUP_DIR: rawBackup.dir,
    ALYX_BACKUP_INTERVAL_HOURS: rawBackup.intervalHours,
    ALYX_BACKUP_KEEP_DAILY: rawKeep.daily,
    ALYX_BACKUP_KEEP_WEEKLY: rawKeep.weekly,
    ALYX_BACKUP_KEEP_MONTHLY: rawKeep.monthly,
  };
  const pick = (envKey: keyof typeof KEYS): unknown => {
    if (env[envKey] !== undefined && env[envKey] !== '') return env[envKey];
    if (values[envKey] !== undefined) return values[envKey];
    if (values[KEYS[envKey]] !== undefined) return values[KEYS[envKey]];
    return grouped[envKey];
  };
  const int = (envKey: keyof typeof KEYS, def: number, min: number, max: number): number => {
    const raw = pick(envKey);
    if (raw === undefined || raw === null || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${envKey} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const str = (envKey: keyof typeof KEYS): string | null => {
    const raw = pick(envKey);
    return raw === undefined || raw === null || raw === '' ? null : String(raw);
  };

  const dataDir = path.resolve(cwd, str('ALYX_DATA_DIR') ?? './data');
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://`);
  }
  const timeZone = str('ALYX_TIME_ZONE') ?? machineTimeZone();
  if (!isValidTimeZone(timeZone)) throw new ConfigError(`ALYX_TIME_ZONE ${timeZone} is not a known IANA time zone`);
  const labName = str('ALYX_LAB') ?? 'defaultlab';
  if (!/^\w+$/.test(labName)) throw new ConfigError('ALYX_LAB must only contain letters, numbers, and underscores');

  const repositoryDirs: Record<string, string> = {};
  const repositoryScan: Record<string, Record<string, unknown>> = {};
  const repositoryUrls: Record<string, string> = {};
  const rawRepos = values.repositories ?? values.repositoryDirs;
  if (rawRepos !== undefined) {
    if (typeof rawRepos !== 'object' || rawRepos === null) throw new ConfigError('"repositories" must map repository names to directories');
    // also a list of {name, path, url?, ...}: the same objects, named inside
    const entries: Array<[string, unknown]> = Array.isArray(rawRepos)
      ? rawRepos.map((e, i) => {
          const name = (e as Record<string, unknown> | null)?.name;
          if (typeof name !== 'string' || !name) throw new ConfigError(`repositories[${i}] needs a "name"`);
          return [name, e];
        })
      : Object.entries(rawRepos);
    for (const [name, entry] of entries) {
      // a directory, or { "path": directory, ...scanner settings }
      const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
      const dir = isObject ? (entry as Record<string, unknown>).path : entry;
      if (typeof dir !== 'string') throw new ConfigError(`repositories.${name} must be a directory path or an object with a "path"`);
      repositoryDirs[name] = resolveDir(cwd, dir);
      if (isObject) repositoryScan[name] = entry as Record<string, unknown>;
      const url = isObject ? (entry as Record<string, unknown>).url : undefined;
      if (url !== undefined && url !== null && url !== '') {
        if (typeof url !== 'string' || !URL.canParse(url)) throw new ConfigError(`repositories.${name}.url must be a URL (e.g. "http://server:8000/${labName}/Subjects/")`);
        if (url.length > 200) throw new ConfigError(`repositories.${name}.url is longer than 200 characters`);
        repositoryUrls[name] = url;
      }
    }
  }
  let smtp: Config['smtp'] = null;
  const rawSmtp = values.smtp as Record<string, unknown> | undefined;
  const smtpHost = env.ALYX_SMTP_HOST ?? (rawSmtp?.host as string | undefined);
  if (smtpHost) {
    smtp = {
      host: smtpHost,
      port: Number(env.ALYX_SMTP_PORT ?? rawSmtp?.port ?? 25),
      from: String(env.ALYX_SMTP_FROM ?? rawSmtp?.from ?? 'alyx@localhost'),
      user: (env.ALYX_SMTP_USER ?? rawSmtp?.user) as string | undefined,
      password: (env.ALYX_SMTP_PASSWORD ?? rawSmtp?.password) as string | undefined,
      accessToken: (env.ALYX_SMTP_ACCESS_TOKEN ?? rawSmtp?.access_token) as string | undefined,
    };
  }

  // a duration: seconds, or a number with s, m, h or d
  const duration = (envKey: keyof typeof KEYS): number => {
    const raw = pick(envKey);
    if (raw === undefined || raw === null || raw === '') return 0;
    const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(String(raw));
    if (!m) throw new ConfigError(`${envKey} must be a number of seconds, or a number with s, m, h or d (e.g. 30d), got ${JSON.stringify(raw)}`);
    return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  };
  const restPolicy = str('ALYX_REST_POLICY') ?? 'upstream';
  if (restPolicy !== 'upstream' && restPolicy !== 'lab') throw new ConfigError(`ALYX_REST_POLICY must be "upstream" or "lab", got ${JSON.stringify(restPolicy)}`);

  return {
    port: int('PORT', 8000, 0, 65535),
    host: str('HOST') ?? '127.0.0.1',
    databaseUrl,
    dbPoolSize: int('ALYX_DB_POOL_SIZE', 10, 1, 1000),
    embeddedSharedBuffersMb: int('ALYX_EMBEDDED_SHARED_BUFFERS_MB', 32, 8, 8192),
    dataDir,
    mediaDir: path.resolve(cwd, str('ALYX_MEDIA_DIR') ?? path.join(dataDir, 'media')),
    adminPassword: str('ALYX_ADMIN_PASSWORD'),
    timeZone,
    labName,
    rabbitmqUrl: str('ALYX_RABBITMQ_URL'),
    throttleBurstPerMinute: int('ALYX_THROTTLE_PER_MINUTE', 550, 0, 1_000_000),
    maxListItems: int('ALYX_MAX_LIST_ITEMS', 1000, 1, 1_000_000),
    statementTimeoutMs: int('ALYX_STATEMENT_TIMEOUT_MS', 30_000, 0, 86_400_000),
    repositoryDirs,
    repositoryScan,
    repositoryUrls,
    schedulerIntervalSeconds: int('ALYX_SCHEDULER_INTERVAL', 30, 0, 86_400 * 7),
    jobs: parseJobs(values.jobs, env),
    smtp,
    backup: {
      dir: path.resolve(cwd, str('ALYX_BACKUP_DIR') ?? path.join(dataDir, 'backups')),
      intervalHours: int('ALYX_BACKUP_INTERVAL_HOURS', 0, 0, 24 * 366),
      keep: {
        daily: int('ALYX_BACKUP_KEEP_DAILY', 7, 0, 10_000),
        weekly: int('ALYX_BACKUP_KEEP_WEEKLY', 4, 0, 10_000),
        monthly: int('ALYX_BACKUP_KEEP_MONTHLY', 12, 0, 10_000),
      },
    },
    secretKey: str('ALYX_SECRET_KEY'),
    tokenTtlSeconds: duration('ALYX_TOKEN_TTL'),
    passwordMinLength: int('ALYX_PASSWORD_MIN_LENGTH', 8, 1, 1024),
    loginMaxFailures: int('ALYX_LOGIN_MAX_FAILURES', 5, 1, 1_000_000),
    restPolicy,
    configFile: file,
  };
}
