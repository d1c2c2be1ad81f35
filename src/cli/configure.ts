// `alyx configure`: writes alyx.config.json (mode 0600) — interactively, one question at a time with
// the current value as default and a re-ask on a bad answer, or with --non-interactive from flags and
// the environment (the same names as the config: ALYX_LAB, DATABASE_URL, ...). Everything is checked
// before it is saved: the time zone by Intl, directories exist, a PostgreSQL URL, the SMTP server and
// the RabbitMQ URL by connecting. Keys it does not ask about are kept. The first administrator is
// created in the database; its password is never written to the file.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import readline from 'node:readline';
import { eq } from 'drizzle-orm';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { isValidTimeZone } from '../rest/values.ts';
import { CliError, command } from './args.ts';

type Raw = Record<string, unknown>;

/** One answer source: the terminal (asks until valid) or flags/environment/current file (checks once). */
interface Asker {
  interactive: boolean;
  /**
   * `given`: from a flag or the environment; `current`: from the existing file; `fallback`: the default.
   * `secret`: not echoed, and its current value shown as "<kept>".
   */
  ask<T>(label: string, opts: { given?: string; current?: string; fallback?: string; secret?: boolean }, check: (answer: string) => Promise<T> | T): Promise<T>;
  say(line: string): void;
  close(): void;
}

/** A bad answer: said, then asked again (interactive) or the command fails (non-interactive). */
class Invalid extends Error {}

const CLOSED_STDIN =
  'standard input closed before the questions were answered: run "alyx configure" in a terminal, or give the values with --non-interactive (alyx configure --help)';

function terminalAsker(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Asker {
  let muted = false;
  const shown = new Writable({
    write(chunk, _enc, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const isTTY = Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = readline.createInterface({ input, output: shown, terminal: isTTY });
  // lines are queued as they come: a pipe may deliver every answer before the first question
  const lines: string[] = [];
  const waiting: Array<{ resolve: (s: string) => void; reject: (e: Error) => void }> = [];
  let closed = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w.reject(new CliError(CLOSED_STDIN));
  });
  const nextLine = (prompt: string, secret: boolean): Promise<string> => {
    output.write(prompt);
    if (lines.length) {
      const line = lines.shift()!;
      if (!isTTY) output.write('\n');
      return Promise.resolve(line);
    }
    if (closed) return Promise.reject(new CliError(CLOSED_STDIN));
    muted = secret && isTTY;
    return new Promise<string>((resolve, reject) => waiting.push({ resolve, reject })).finally(() => {
      if (muted) output.write('\n');
      muted = false;
      if (!isTTY) output.write('\n');
    });
  };
  return {
    interactive: true,
    async ask(label, { given, current, fallback, secret = false }, check) {
      const def = given ?? current ?? fallback ?? '';
      const shownDefault = secret && def ? '<kept>' : def;
      for (;;) {
        const answer = (await nextLine(`${label}${shownDefault ? ` [${shownDefault}]` : ''}: `, secret)).trim();
        try {
          return await check(answer === '' ? def : answer === '-' ? '' : answer);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          output.write(`  ${e.message}\n`);
        }
      }
    },
    say: (line) => output.write(`${line}\n`),
    close: () => rl.close(),
  };
}

function flagAsker(out: (line: string) => void): Asker {
  return {
    interactive: false,
    async ask(label, { given, current, fallback }, check) {
      try {
        return await check(given ?? current ?? fallback ?? '');
      } catch (e) {
        // the label without its hint in parentheses: "Data repositories: ... does not exist"
        if (e instanceof Invalid) throw new CliError(`${label.replace(/ \(.*$/, '')}: ${e.message}`);
        throw e;
      }
    },
    say: out,
    close: () => {},
  };
}

// ---- checks ---------------------------------------------------------------------------------

const LAB_RE = /^\w+$/;
const TIMEOUT_MS = 3000;

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** The value of a setting in the file, under its environment name or its camelCase key. */
function current(raw: Raw, envKey: string, key: string): string | undefined {
  return str(raw[envKey]) ?? str(raw[key]);
}

/** Sets a setting under the key the file already uses (camelCase for a new one); null removes it. */
function put(raw: Raw, envKey: string, key: string, value: unknown): void {
  if (value === null || value === undefined) {
    delete raw[envKey];
    delete raw[key];
  } else if (envKey in raw) raw[envKey] = value;
  else raw[key] = value;
}

function existingDir(dir: string, cwd: string): string {
  const abs = path.resolve(cwd, dir);
  if (!fs.existsSync(abs)) throw new Invalid(`${abs} does not exist`);
  if (!fs.statSync(abs).isDirectory()) throw new Invalid(`${abs} is not a directory`);
  return dir;
}

/** A directory that exists or can be created (its nearest existing parent is writable). */
function creatableDir(dir: string, cwd: string): string {
  if (!dir) throw new Invalid('a directory is needed');
  let p = path.resolve(cwd, dir);
  while (!fs.existsSync(p)) {
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  if (!fs.statSync(p).isDirectory()) throw new Invalid(`${p} is not a directory`);
  try {
    fs.accessSync(p, fs.constants.W_OK);
  } catch {
    throw new Invalid(`${p} is not writable`);
  }
  return dir;
}

async function testPostgres(url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    throw new Invalid(`could not connect to ${hidePassword(url)}: ${(e as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export function hidePassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

export interface RepositoryAnswer {
  name: string;
  path: string;
  url?: string;
}

/** `NAME=DIRECTORY[,URL]`, several separated by ';' (a directory may hold ':' and '\', e.g. D:\data). */
export function parseRepositories(text: string, cwd: string): RepositoryAnswer[] {
  const out: RepositoryAnswer[] = [];
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const eqAt = part.indexOf('=');
    if (eqAt < 1) throw new Invalid(`"${part}" is not NAME=DIRECTORY[,URL]`);
    const name = part.slice(0, eqAt).trim();
    if (!/^[\w.-]+$/.test(name)) throw new Invalid(`repository name "${name}" may only hold letters, numbers, '.', '-' and '_'`);
    let rest = part.slice(eqAt + 1).trim();
    let url: string | undefined;
    const urlAt = rest.search(/,\s*(https?|ftp|s3|globus):\/\//);
    if (urlAt >= 0) {
      url = rest.slice(urlAt + 1).trim();
      rest = rest.slice(0, urlAt).trim();
      try {
        new URL(url);
      } catch {
        throw new Invalid(`${url} is not a URL`);
      }
    }
    if (out.some((r) => r.name === name)) throw new Invalid(`repository ${name} is named twice`);
    out.push({ name, path: existingDir(rest, cwd), ...(url && { url }) });
  }
  return out;
}

function currentRepositories(raw: Raw): string | undefined {
  const repos = (raw.repositories ?? raw.repositoryDirs) as Record<string, unknown> | undefined;
  if (!repos || typeof repos !== 'object') return undefined;
  const parts = Object.entries(repos).map(([name, entry]) => {
    if (typeof entry === 'string') return `${name}=${entry}`;
    const e = entry as Raw;
    return `${name}=${e.path}${e.url ? `,${e.url}` : ''}`;
  });
  return parts.join('; ') || undefined;
}

// ---- the command ------------------------------------------------------------------------------

const opt = (value: string, describe: string) => ({ type: 'string', value, describe }) as const;

export const configureCommand = command({
  name: 'configure',
  describe: 'write alyx.config.json: asks each setting (current values as defaults), or --non-interactive from flags/env',
  options: {
    'non-interactive': { type: 'boolean', describe: 'no questions: flags, then the environment, then the current file, then defaults' },
    config: opt('FILE', 'the file to write (default: $ALYX_CONFIG or ./alyx.config.json)'),
    lab: opt('NAME', 'lab name (letters, digits, _) [ALYX_LAB]'),
    'time-zone': opt('TZ', 'IANA time zone of the lab, e.g. Europe/London [ALYX_TIME_ZONE]'),
    host: opt('HOST', 'address to listen on [HOST]'),
    port: opt('PORT', 'port to listen on [PORT]'),
    'data-dir': opt('DIR', 'data directory: embedded database, uploads [ALYX_DATA_DIR]'),
    database: opt('URL', '"embedded" or a postgres:// URL, tested before saving [DATABASE_URL]'),
    repositories: opt('LIST', 'data repositories NAME=DIRECTORY[,URL], several separated by ";" ("-": none) [ALYX_REPOSITORIES]'),
    'smtp-host': opt('HOST', 'SMTP server for e-mail ("-": none) [ALYX_SMTP_HOST]'),
    'smtp-port': opt('PORT', 'SMTP port [ALYX_SMTP_PORT]'),
    'smtp-from': opt('ADDRESS', 'sender address [ALYX_SMTP_FROM]'),
    'smtp-user': opt('USER', 'SMTP user [ALYX_SMTP_USER]'),
    'smtp-password': opt('PASSWORD', 'SMTP password [ALYX_SMTP_PASSWORD]'),
    'smtp-test-to': opt('ADDRESS', 'send a test message to this address'),
    rabbitmq: opt('URL', 'amqp:// URL of the task queue ("-": none), tested [ALYX_RABBITMQ_URL]'),
    'backup-dir': opt('DIR', 'backup directory [ALYX_BACKUP_DIR]'),
    'backup-interval-hours': opt('HOURS', 'hours between scheduled backups, 0: none [ALYX_BACKUP_INTERVAL_HOURS]'),
    'admin-username': opt('NAME', 'first administrator, created in the database ("-": none)'),
    'admin-email': opt('EMAIL', "the administrator's e-mail"),
    'admin-password': opt('PASSWORD', "the administrator's password, at least 8 characters (not saved) [ALYX_ADMIN_PASSWORD]"),
  },
  async run({ values }) {
    const asker = values['non-interactive'] ? flagAsker((l) => console.log(l)) : terminalAsker(process.stdin, process.stdout);
    try {
      return await configure(values as Record<string, string | boolean | undefined>, asker, process.env, process.cwd());
    } finally {
      asker.close();
    }
  },
});

export async function configure(
  flags: Record<string, string | boolean | undefined>,
  asker: Asker,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  const file = path.resolve(cwd, (flags.config as string | undefined) ?? env.ALYX_CONFIG ?? 'alyx.config.json');
  let raw: Raw = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new CliError(`${file} is not valid JSON (${(e as Error).message}): fix or remove it first`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CliError(`${file} must hold a JSON object`);
  }
  const flag = (name: string, envKey?: string): string | undefined => str(flags[name]) ?? (envKey ? str(env[envKey]) : undefined);
  asker.say(`Configuring ${file}${fs.existsSync(file) ? ' (current values shown as defaults)' : ''}.`);
  if (asker.interactive) asker.say('Press Enter to keep the value in brackets; "-" clears an optional one.');

  const lab = await asker.ask('Lab name', { given: flag('lab', 'ALYX_LAB'), current: current(raw, 'ALYX_LAB', 'labName'), fallback: 'defaultlab' }, (a) => {
    if (!LAB_RE.test(a)) throw new Invalid('letters, numbers and underscores only');
    return a;
  });
  put(raw, 'ALYX_LAB', 'labName', lab);

  const tz = await asker.ask(
    'Time zone',
    { given: flag('time-zone', 'ALYX_TIME_ZONE'), current: current(raw, 'ALYX_TIME_ZONE', 'timeZone'), fallback: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' },
    (a) => {
      if (!isValidTimeZone(a)) throw new Invalid(`${a || '(empty)'} is not an IANA time zone (e.g. Europe/London, America/New_York)`);
      return a;
    },
  );
  put(raw, 'ALYX_TIME_ZONE', 'timeZone', tz);

  const host = await asker.ask('Listen on address', { given: flag('host', 'HOST'), current: current(raw, 'HOST', 'host'), fallback: '127.0.0.1' }, (a) => {
    if (!/^[\w.:-]+$/.test(a)) throw new Invalid(`${a || '(empty)'} is not a host name or address`);
    return a;
  });
  put(raw, 'HOST', 'host', host);
  const port = await asker.ask('Port', { given: flag('port', 'PORT'), current: current(raw, 'PORT', 'port'), fallback: '8000' }, (a) => {
    const n = Number(a);
    if (!/^\d+$/.test(a) || n < 1 || n > 65535) throw new Invalid(`${a || '(empty)'} is not a port (1-65535)`);
    return n;
  });
  put(raw, 'PORT', 'port', port);

  const dataDir = await asker.ask('Data directory', { given: flag('data-dir', 'ALYX_DATA_DIR'), current: current(raw, 'ALYX_DATA_DIR', 'dataDir'), fallback: './data' }, (a) =>
    creatableDir(a, cwd),
  );
  put(raw, 'ALYX_DATA_DIR', 'dataDir', dataDir);

  const database = await asker.ask(
    'Database ("embedded", or postgres://user:password@host:5432/name)',
    { given: flag('database', 'DATABASE_URL'), current: current(raw, 'DATABASE_URL', 'databaseUrl'), fallback: 'embedded', secret: false },
    async (a) => {
      if (a === '' || a === 'embedded') return null;
      if (!/^postgres(ql)?:\/\//.test(a)) throw new Invalid('"embedded" or a URL starting with postgres:// or postgresql://');
      asker.say(`  connecting to ${hidePassword(a)}...`);
      await testPostgres(a);
      return a;
    },
  );
  put(raw, 'DATABASE_URL', 'databaseUrl', database);

  const repos = await asker.ask(
    'Data repositories (NAME=DIRECTORY[,URL]; several separated by ";")',
    { given: flag('repositories', 'ALYX_REPOSITORIES'), current: currentRepositories(raw) },
    (a) => parseRepositories(a === '-' ? '' : a, cwd),
  );
  // the one format the scanner reads (src/config.ts): name -> {path, url?, scanner settings...};
  // the settings of a repository kept are kept
  const before = (raw.repositories ?? raw.repositoryDirs ?? {}) as Record<string, unknown>;
  const repositories: Record<string, Raw> = {};
  for (const r of repos) {
    const old = before[r.name];
    const keep = typeof old === 'object' && old !== null ? { ...(old as Raw) } : {};
    delete keep.url;
    repositories[r.name] = { ...keep, path: r.path, ...(r.url && { url: r.url }) };
  }
  delete raw.repositoryDirs;
  if (repos.length) raw.repositories = repositories;
  else delete raw.repositories;

  // e-mail
  const oldSmtp = (typeof raw.smtp === 'object' && raw.smtp !== null ? raw.smtp : {}) as Raw;
  // asked again from the host on when the server does not answer and the user wants to correct it
  // the answers of a failed attempt are the defaults of the next
  let prev: Raw = oldSmtp;
  for (;;) {
    const smtpHost = await asker.ask('SMTP server for e-mail (empty: no e-mail)', { given: flag('smtp-host', 'ALYX_SMTP_HOST'), current: str(prev.host) }, (a) => {
      if (a && a !== '-' && !/^[\w.-]+$/.test(a)) throw new Invalid(`${a} is not a host name`);
      return a === '-' ? '' : a;
    });
    if (!smtpHost) {
      delete raw.smtp;
      break;
    }
    {
      const smtpPort = await asker.ask('SMTP port', { given: flag('smtp-port', 'ALYX_SMTP_PORT'), current: str(prev.port), fallback: '25' }, (a) => {
        const n = Number(a);
        if (!/^\d+$/.test(a) || n < 1 || n > 65535) throw new Invalid(`${a || '(empty)'} is not a port`);
        return n;
      });
      const from = await asker.ask('Sender address', { given: flag('smtp-from', 'ALYX_SMTP_FROM'), current: str(prev.from), fallback: `alyx@${smtpHost}` }, (a) => {
        if (!/^[^@\s]+@[^@\s]+$/.test(a)) throw new Invalid(`${a || '(empty)'} is not an e-mail address`);
        return a;
      });
      const user = await asker.ask('SMTP user (empty: none)', { given: flag('smtp-user', 'ALYX_SMTP_USER'), current: str(prev.user) }, (a) => (a === '-' ? '' : a));
      const password = user
        ? await asker.ask('SMTP password', { given: flag('smtp-password', 'ALYX_SMTP_PASSWORD'), current: str(prev.password), secret: true }, (a) => a)
        : '';
      const smtp = { ...oldSmtp, host: smtpHost, port: smtpPort, from, ...(user ? { user, password } : {}) };
      if (!user) {
        delete (smtp as Raw).user;
        delete (smtp as Raw).password;
      }
      asker.say(`  connecting to ${smtpHost}:${smtpPort}...`);
      const { smtpCheck } = await import('../ops/doctor.ts');
      const check = await smtpCheck({ smtp: { host: smtpHost, port: smtpPort, from, user: user || undefined, password }, configFile: file } as Config, TIMEOUT_MS);
      if (check?.status !== 'ok') {
        const message = `the SMTP server does not answer: ${check?.detail}`;
        if (!asker.interactive) throw new CliError(message);
        asker.say(`  ${message}`);
        const again = await asker.ask('Try other SMTP settings? (y: ask again, n: save them anyway)', { fallback: 'y' }, (a) => {
          if (!/^[yn]/i.test(a)) throw new Invalid('y or n');
          return /^y/i.test(a);
        });
        if (again) {
          prev = smtp;
          continue;
        }
      }
      raw.smtp = smtp;
      const to = await asker.ask('Send a test message to (empty: no test message)', { given: flag('smtp-test-to') }, (a) => {
        if (a && !/^[^@\s]+@[^@\s]+$/.test(a)) throw new Invalid(`${a} is not an e-mail address`);
        return a;
      });
      if (to && check?.status === 'ok') await sendTestMessage(smtp as SmtpAnswer, to, asker);
      break;
    }
  }

  const rabbit = await asker.ask(
    'RabbitMQ URL for task dispatch (empty: none)',
    { given: flag('rabbitmq', 'ALYX_RABBITMQ_URL'), current: current(raw, 'ALYX_RABBITMQ_URL', 'rabbitmqUrl') },
    async (a) => {
      if (!a || a === '-') return null;
      if (!/^amqps?:\/\//.test(a)) throw new Invalid('a URL starting with amqp:// or amqps://');
      asker.say(`  connecting to ${hidePassword(a)}...`);
      const { rabbitCheck } = await import('../ops/doctor.ts');
      const check = await rabbitCheck({ rabbitmqUrl: a, configFile: file } as Config, TIMEOUT_MS);
      if (check?.status !== 'ok') throw new Invalid(`no broker there: ${check?.detail}`);
      return a;
    },
  );
  put(raw, 'ALYX_RABBITMQ_URL', 'rabbitmqUrl', rabbit);

  const oldBackup = (typeof raw.backup === 'object' && raw.backup !== null ? raw.backup : {}) as Raw;
  const backupDir = await asker.ask(
    'Backup directory',
    { given: flag('backup-dir', 'ALYX_BACKUP_DIR'), current: current(raw, 'ALYX_BACKUP_DIR', 'backupDir') ?? str(oldBackup.dir), fallback: path.join(dataDir, 'backups') },
    (a) => creatableDir(a, cwd),
  );
  const hours = await asker.ask(
    'Hours between scheduled backups (0: none)',
    { given: flag('backup-interval-hours', 'ALYX_BACKUP_INTERVAL_HOURS'), current: current(raw, 'ALYX_BACKUP_INTERVAL_HOURS', 'backupIntervalHours') ?? str(oldBackup.intervalHours), fallback: '24' },
    (a) => {
      if (!/^\d+$/.test(a) || Number(a) > 24 * 366) throw new Invalid(`${a || '(empty)'} is not a whole number of hours (0-8784)`);
      return Number(a);
    },
  );
  for (const k of ['ALYX_BACKUP_DIR', 'backupDir', 'ALYX_BACKUP_INTERVAL_HOURS', 'backupIntervalHours']) delete raw[k];
  raw.backup = { ...oldBackup, dir: backupDir, intervalHours: hours };

  // the administrator: asked before saving, created after
  const adminName = await asker.ask('First administrator username (empty: none now)', { given: flag('admin-username'), fallback: asker.interactive ? 'admin' : '' }, (a) => {
    if (a === '-' || a === '') return '';
    if (!/^[\w.@+-]+$/u.test(a)) throw new Invalid('letters, numbers and @/./+/-/_ only');
    return a;
  });
  let admin: { username: string; email: string; password: string } | null = null;
  if (adminName) {
    const email = await asker.ask('Administrator e-mail (empty: none)', { given: flag('admin-email') }, (a) => {
      if (a && !/^[^@\s]+@[^@\s]+$/.test(a)) throw new Invalid(`${a} is not an e-mail address`);
      return a;
    });
    const password = await asker.ask('Administrator password (8 characters or more; not saved in the file)', { given: flag('admin-password', 'ALYX_ADMIN_PASSWORD'), secret: true }, (a) => {
      if (a.length < 8) throw new Invalid('at least 8 characters');
      return a;
    });
    admin = { username: adminName, email, password };
  }

  writeConfigFile(file, raw);
  // the file must load as the server will read it
  let config: Config;
  try {
    config = loadConfig({ ALYX_CONFIG: file } as NodeJS.ProcessEnv, path.dirname(file));
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`the saved file does not load: ${e.message}`);
    throw e;
  }
  asker.say(`Saved ${file} (readable by its owner only).`);
  if (admin) {
    const { openServices } = await import('../db/setup.ts');
    const { users } = await import('../apps/misc/tables.ts');
    const { hashPassword } = await import('../rest/auth.ts');
    const services = await openServices(config);
    try {
      const hashed = await hashPassword(admin.password);
      const existing = await services.db.select({ id: users.id }).from(users).where(eq(users.username, admin.username));
      const fields = { password: hashed, is_superuser: true, is_staff: true, is_active: true, ...(admin.email && { email: admin.email }) };
      if (existing.length) await services.db.update(users).set(fields).where(eq(users.id, existing[0].id));
      else await services.db.insert(users).values({ username: admin.username, email: admin.email, ...fields });
      asker.say(`${existing.length ? 'Updated' : 'Created'} the administrator ${admin.username} in the database.`);
    } finally {
      await services.handle.close();
    }
  }
  asker.say('Next: "alyx doctor" checks the site, "alyx serve" (or npm start) runs it.');
  return 0;
}

interface SmtpAnswer {
  host: string;
  port: number;
  from: string;
  user?: string;
  password?: string;
}

async function sendTestMessage(smtp: SmtpAnswer, to: string, asker: Asker): Promise<void> {
  const { smtpTransport } = await import('../apps/actions/mail.ts');
  const transport = await smtpTransport(smtp, TIMEOUT_MS);
  try {
    await transport.sendMail({ from: smtp.from, to, subject: 'Alyx-local: test message', text: 'alyx configure sent this message: e-mail works.' });
    asker.say(`  test message sent to ${to}`);
  } catch (e) {
    const message = `the test message to ${to} was not sent: ${(e as Error).message}`;
    if (!asker.interactive) throw new CliError(message);
    asker.say(`  ${message}`);
  } finally {
    transport.close();
  }
}

/** Written whole to a temporary file, then renamed: a crash leaves the old file or the new, never half. */
function writeConfigFile(file: string, raw: Raw): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(raw, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export { terminalAsker, flagAsker };
