// `alyx doctor`: checks a site's health and says, for each problem, what fixes it. Failures make the
// command exit non-zero; warnings do not.
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { loadConfig, type Config } from '../config.ts';
import { openServices } from '../db/setup.ts';
import { query } from '../db/client.ts';
import { derivedTables } from '../db/derived.ts';
import type { Services } from '../services.ts';
import { dataRepositories, fileRecords } from '../apps/data/tables.ts';
import { safeJoin } from '../apps/data/serve-files.ts';
import { isValidTimeZone } from '../rest/values.ts';
import { appliedMigrations, codeMigrations } from './schema-version.ts';
import { listBackups } from './scheduled.ts';

export type Status = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: Status;
  detail: string;
  /** what to run or set to fix it */
  fix?: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function size(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

function age(ms: number): string {
  const h = ms / 3600e3;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

/** A promise that gives up after `ms` (network checks must not hang the doctor). */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

function dirSize(dir: string): number {
  let total = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** The nearest existing directory (statfs needs one). */
function existingParent(dir: string): string {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

function configWhere(config: Config): string {
  return config.configFile ?? 'alyx.config.json (or the environment)';
}

function lockCheck(config: Config): { check: Check; heldBy: number | null } {
  const lockFile = path.join(config.dataDir, 'alyx.lock');
  if (!fs.existsSync(lockFile)) return { check: { name: 'data-dir lock', status: 'ok', detail: `${config.dataDir} is not in use` }, heldBy: null };
  const pid = Number(fs.readFileSync(lockFile, 'utf8'));
  let alive = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  if (alive && pid !== process.pid) return { check: { name: 'data-dir lock', status: 'ok', detail: `held by the running server (pid ${pid})` }, heldBy: pid };
  return {
    check: { name: 'data-dir lock', status: 'warn', detail: `stale lock of pid ${pid}, which is not running`, fix: 'nothing to do: the next alyx command takes it over' },
    heldBy: null,
  };
}

/** The scheduled jobs: names in `jobs` that no job has, the scheduler off, and jobs whose last run failed. */
export async function jobsCheck(services: Services): Promise<Check> {
  const { effectiveJobs, unknownJobKeys } = await import('../scheduler.ts');
  const { scheduledJobRuns } = await import('../db/tables.ts');
  const where = configWhere(services.config);
  const unknown = unknownJobKeys(services);
  const jobs = effectiveJobs(services);
  if (unknown.length) {
    return { name: 'scheduled jobs', status: 'warn', detail: `no job is named ${unknown.join(', ')}`, fix: `the jobs are ${jobs.map((j) => j.key).join(', ')} ("jobs" in ${where})` };
  }
  const on = jobs.filter((j) => j.enabled);
  if (!services.config.schedulerIntervalSeconds) {
    return { name: 'scheduled jobs', status: 'warn', detail: `the scheduler is off: ${on.map((j) => j.key).join(', ')} never run`, fix: 'unset ALYX_SCHEDULER_INTERVAL (default 30) or set it to a number of seconds' };
  }
  let runs: Array<{ job: string; outcome: string | null; last_started_at: string | null }> = [];
  try {
    runs = await services.db.select({ job: scheduledJobRuns.job, outcome: scheduledJobRuns.outcome, last_started_at: scheduledJobRuns.last_started_at }).from(scheduledJobRuns);
  } catch {
    // the table comes with a migration not applied yet: the migrations check says so
  }
  const failed = runs.filter((r) => r.outcome?.startsWith('error') && on.some((j) => j.key === r.job));
  if (failed.length) {
    return {
      name: 'scheduled jobs',
      status: 'warn',
      detail: failed.map((r) => `${r.job} failed at ${r.last_started_at}: ${r.outcome!.slice(7)}`).join('; '),
      fix: 'see the server log for "scheduled job ... failed"; the job runs again at its next interval',
    };
  }
  return { name: 'scheduled jobs', status: 'ok', detail: `${on.length} on (${on.map((j) => j.key).join(', ')}); ${runs.length ? 'last runs ok' : 'none has run yet'}` };
}

async function databaseChecks(services: Services): Promise<Check[]> {
  const out: Check[] = [];
  const { config, db } = services;
  const applied = await appliedMigrations(db);
  const code = codeMigrations();
  const appliedWhen = new Set(applied.map((a) => a.when));
  const pending = code.filter((c) => !appliedWhen.has(c.when));
  const unknown = applied.filter((a) => a.migration === null);
  if (unknown.length) {
    out.push({ name: 'migrations', status: 'fail', detail: `the database has ${unknown.length} migration(s) this Alyx-local does not know: it was upgraded by a newer version`, fix: 'install that newer Alyx-local' });
  } else if (!applied.length) {
    out.push({ name: 'migrations', status: 'fail', detail: 'the database has no tables yet', fix: 'alyx migrate (or start the server once)' });
  } else if (pending.length) {
    out.push({ name: 'migrations', status: 'fail', detail: `${pending.length} pending: ${pending.map((p) => p.tag).join(', ')}`, fix: 'alyx upgrade (backs up, then migrates)' });
  } else {
    out.push({ name: 'migrations', status: 'ok', detail: `current (${code.at(-1)!.tag})` });
  }
  if (services.handle.driver === 'pg') {
    const [{ autovacuum }] = await query<{ autovacuum: string }>(db, sql`select current_setting('autovacuum') as autovacuum`);
    out.push(
      autovacuum === 'on'
        ? { name: 'autovacuum', status: 'ok', detail: 'on' }
        : { name: 'autovacuum', status: 'warn', detail: 'off: tables bloat and planner statistics go stale', fix: 'set autovacuum = on in postgresql.conf and reload the server' },
    );
  }
  if (!applied.length) return out;
  for (const d of derivedTables) {
    const n = await d.differences(db);
    const name = d.label;
    const table = getTableName(d.table);
    out.push(
      n
        ? { name, status: 'warn', detail: `${n} row(s) of ${table} differ from a recount of their sources`, fix: 'alyx migrate (recounts it)' }
        : { name, status: 'ok', detail: `${table} matches its sources` },
    );
  }
  // repositories: the configured directories, and a sample of the files their records say exist
  const names = Object.keys(config.repositoryDirs);
  const records = names.length ? await db.select({ id: dataRepositories.id, name: dataRepositories.name }).from(dataRepositories).where(inArray(dataRepositories.name, names)) : [];
  for (const name of names) {
    const dir = config.repositoryDirs[name];
    const setting = `"repositories": {"${name}": "<directory>"} in ${configWhere(config)}`;
    let readable = false;
    try {
      readable = fs.statSync(dir).isDirectory();
      fs.accessSync(dir, fs.constants.R_OK);
    } catch {
      readable = false;
    }
    if (!readable) {
      out.push({ name: `repository ${name}`, status: 'fail', detail: `${dir} is not a readable directory`, fix: `mount it, or set ${setting}` });
      continue;
    }
    const record = records.find((r) => r.name === name);
    if (!record) {
      out.push({ name: `repository ${name}`, status: 'warn', detail: `${dir} is readable, but there is no data repository record named ${name}`, fix: `create it (web UI, data repositories) or correct the name in ${setting}` });
      continue;
    }
    const sample = await db
      .select({ path: fileRecords.relative_path })
      .from(fileRecords)
      .where(and(eq(fileRecords.data_repository, record.id), eq(fileRecords.exists, true)))
      .orderBy(sql`random()`)
      .limit(20);
    const missing = sample.filter((f) => {
      const file = safeJoin(dir, f.path);
      return !file || !fs.existsSync(file);
    });
    if (missing.length) {
      out.push({
        name: `repository ${name}`,
        status: 'warn',
        detail: `${missing.length} of ${sample.length} sampled files marked present are not in ${dir} (e.g. ${missing[0].path})`,
        fix: `check the directory, then "alyx files check --repository ${name}"`,
      });
    } else {
      out.push({ name: `repository ${name}`, status: 'ok', detail: `${dir} readable${sample.length ? `, ${sample.length} sampled files present` : ''}` });
    }
  }
  return out;
}

export async function smtpCheck(config: Config, timeoutMs: number): Promise<Check | null> {
  const smtp = config.smtp;
  if (!smtp) return null;
  const fix = `check smtp.host / smtp.port in ${configWhere(config)} (ALYX_SMTP_HOST, ALYX_SMTP_PORT) and that the mail server runs`;
  try {
    const { smtpTransport } = await import('../apps/actions/mail.ts');
    const transport = await smtpTransport(smtp, timeoutMs);
    try {
      await withTimeout(transport.verify(), timeoutMs * 2, 'SMTP');
    } finally {
      transport.close();
    }
    return { name: 'smtp', status: 'ok', detail: `${smtp.host}:${smtp.port} answers` };
  } catch (e) {
    return { name: 'smtp', status: 'fail', detail: `${smtp.host}:${smtp.port}: ${(e as Error).message}`, fix };
  }
}

export async function rabbitCheck(config: Config, timeoutMs: number): Promise<Check | null> {
  if (!config.rabbitmqUrl) return null;
  const shown = config.rabbitmqUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  try {
    const amqp = await import('amqplib');
    const conn = await withTimeout(amqp.connect(config.rabbitmqUrl, { timeout: timeoutMs }), timeoutMs * 2, 'RabbitMQ');
    await conn.close();
    return { name: 'rabbitmq', status: 'ok', detail: `${shown} answers` };
  } catch (e) {
    return { name: 'rabbitmq', status: 'fail', detail: `${shown}: ${(e as Error).message}`, fix: `check ALYX_RABBITMQ_URL in ${configWhere(config)} and that the broker runs` };
  }
}

function diskChecks(config: Config): Check[] {
  const out: Check[] = [];
  const free = (dir: string) => {
    const s = fs.statfsSync(existingParent(dir));
    return s.bavail * s.bsize;
  };
  const dbBytes = config.databaseUrl ? 0 : dirSize(path.join(config.dataDir, 'db'));
  const dataFree = free(config.dataDir);
  const dataNeed = Math.max(GiB, 2 * dbBytes);
  if (!config.databaseUrl) {
    const status: Status = dataFree < 256 * MiB ? 'fail' : dataFree < dataNeed ? 'warn' : 'ok';
    out.push({
      name: 'disk (database)',
      status,
      detail: `${size(dataFree)} free for ${config.dataDir} (database ${size(dbBytes)})`,
      fix: status === 'ok' ? undefined : `free space there, or move ALYX_DATA_DIR to a larger disk (alyx backup, then alyx restore there)`,
    });
  }
  const newest = listBackups(config.backup.dir)[0];
  const lastSize = newest ? fs.statSync(newest.file).size : 0;
  const backupFree = free(config.backup.dir);
  const status: Status = backupFree < 256 * MiB || backupFree < lastSize ? 'fail' : backupFree < Math.max(GiB, 3 * lastSize) ? 'warn' : 'ok';
  out.push({
    name: 'disk (backups)',
    status,
    detail: `${size(backupFree)} free for ${config.backup.dir}${newest ? ` (last backup ${size(lastSize)})` : ''}`,
    fix: status === 'ok' ? undefined : 'free space there, lower the retention (ALYX_BACKUP_KEEP_*), or set ALYX_BACKUP_DIR to a larger disk',
  });
  return out;
}

function backupAgeCheck(config: Config, now: number): Check[] {
  const out: Check[] = [];
  const newest = listBackups(config.backup.dir)[0];
  const hours = config.backup.intervalHours;
  if (!newest) {
    out.push({ name: 'last backup', status: 'warn', detail: `no backup in ${config.backup.dir}`, fix: 'alyx backup; and schedule them with ALYX_BACKUP_INTERVAL_HOURS' });
  } else {
    const ms = now - newest.time.getTime();
    const limit = hours ? 2 * hours * 3600e3 : 7 * 86400e3;
    out.push(
      ms > limit
        ? { name: 'last backup', status: 'warn', detail: `${newest.name} is ${age(ms)} old`, fix: hours ? 'check that the server runs and its log for "scheduled job backups failed"' : 'alyx backup; and schedule them with ALYX_BACKUP_INTERVAL_HOURS' }
        : { name: 'last backup', status: 'ok', detail: `${newest.name}, ${age(ms)} old` },
    );
  }
  if (hours && !config.schedulerIntervalSeconds) {
    out.push({ name: 'backup schedule', status: 'warn', detail: `backups every ${hours} h are configured, but the scheduler is off`, fix: 'set ALYX_SCHEDULER_INTERVAL (e.g. 60)' });
  }
  return out;
}

function timeZoneCheck(config: Config, env: NodeJS.ProcessEnv): Check {
  if (!isValidTimeZone(config.timeZone)) return { name: 'time zone', status: 'fail', detail: `${config.timeZone} is not an IANA time zone`, fix: 'set ALYX_TIME_ZONE, e.g. Europe/London' };
  const offset = new Intl.DateTimeFormat('en', { timeZone: config.timeZone, timeZoneName: 'shortOffset' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
  const explicit = Boolean(env.ALYX_TIME_ZONE) || (config.configFile !== null && /"(ALYX_TIME_ZONE|timeZone)"/.test(fs.readFileSync(config.configFile, 'utf8')));
  if (!explicit) {
    return {
      name: 'time zone',
      status: 'warn',
      detail: `${config.timeZone} (${offset}), taken from this machine: datetimes are stored in it`,
      fix: `set ALYX_TIME_ZONE in ${configWhere(config)} so that a move to another machine does not shift them`,
    };
  }
  return { name: 'time zone', status: 'ok', detail: `${config.timeZone} (${offset} now)` };
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** per network check (SMTP, RabbitMQ) */
  timeoutMs?: number;
  now?: number;
  /** the running server's own services: check through them (the server owns the data directory) */
  services?: Services;
}

/** Runs every check; never throws for a problem it can name. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<Check[]> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 5000;
  let config: Config;
  try {
    config = opts.services?.config ?? loadConfig(env, opts.cwd);
  } catch (e) {
    return [{ name: 'config', status: 'fail', detail: (e as Error).message, fix: 'correct that setting (alyx configure rewrites the file)' }];
  }
  const checks: Check[] = [{ name: 'config', status: 'ok', detail: config.configFile ? `valid (${config.configFile})` : 'valid (environment and defaults; no alyx.config.json)' }];
  checks.push(timeZoneCheck(config, env));
  let heldBy: number | null = null;
  if (opts.services) {
    checks.push({ name: 'database', status: 'ok', detail: config.databaseUrl ? 'PostgreSQL reachable' : `embedded, ${path.join(config.dataDir, 'db')}, held by this server` });
    try {
      checks.push(...(await databaseChecks(opts.services)), ...(await jobsCheckOf(opts.services)));
    } catch (e) {
      checks.push({ name: 'database', status: 'fail', detail: (e as Error).message, fix: config.databaseUrl ? 'check the PostgreSQL server' : 'restart the server' });
    }
  } else if (!config.databaseUrl) {
    const lock = lockCheck(config);
    checks.push(lock.check);
    heldBy = lock.heldBy;
  }
  if (opts.services) {
    // checked above
  } else if (heldBy !== null) {
    checks.push({
      name: 'database',
      status: 'warn',
      detail: `not opened: the running server (pid ${heldBy}) owns the embedded database`,
      fix: 'stop the server to check the database and repositories, or ask the server: GET /health?full=1',
    });
  } else if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'db', 'PG_VERSION'))) {
    checks.push({ name: 'database', status: 'fail', detail: `no embedded database in ${path.join(config.dataDir, 'db')}`, fix: 'alyx migrate (or start the server), or set ALYX_DATA_DIR to the existing data directory' });
  } else {
    let services: Services | null = null;
    try {
      services = await withTimeout(openServices(config, { migrate: false }), timeoutMs * 3, 'database');
      checks.push({ name: 'database', status: 'ok', detail: config.databaseUrl ? 'PostgreSQL reachable' : `embedded, ${path.join(config.dataDir, 'db')}` });
      checks.push(...(await databaseChecks(services)), ...(await jobsCheckOf(services)));
    } catch (e) {
      checks.push({
        name: 'database',
        status: 'fail',
        detail: (e as Error).message,
        fix: config.databaseUrl ? 'check DATABASE_URL and that the PostgreSQL server runs' : 'check ALYX_DATA_DIR',
      });
    } finally {
      if (services) await services.handle.close();
    }
  }
  const network = await Promise.all([smtpCheck(config, timeoutMs), rabbitCheck(config, timeoutMs)]);
  checks.push(...network.filter((c): c is Check => c !== null));
  checks.push(...diskChecks(config));
  checks.push(...backupAgeCheck(config, opts.now ?? Date.now()));
  return checks;
}

/** The scheduled-jobs check, on the services a check opened (or the server's). */
async function jobsCheckOf(services: Services): Promise<Check[]> {
  try {
    return [await jobsCheck(services)];
  } catch (e) {
    return [{ name: 'scheduled jobs', status: 'warn', detail: (e as Error).message }];
  }
}

export function formatChecks(checks: Check[]): string {
  const label: Record<Status, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((c) => [`${label[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`, ...(c.fix ? [`${' '.repeat(width + 8)}fix: ${c.fix}`] : [])]);
  const fails = checks.filter((c) => c.status === 'fail').length;
  const warns = checks.filter((c) => c.status === 'warn').length;
  lines.push('', fails || warns ? `${fails} failure(s), ${warns} warning(s)` : 'everything is fine');
  return lines.join('\n');
}
