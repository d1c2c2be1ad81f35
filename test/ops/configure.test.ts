// `alyx configure`: the non-interactive path (flags and environment, every check), re-running it
// (current values kept, unknown keys kept), the interactive wizard fed through a stream (re-asks a
// bad answer), and a closed stdin (a clear message, exit 1) through the real CLI.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { configure, flagAsker, parseRepositories, terminalAsker } from '../../src/cli/configure.ts';
import { CliError } from '../../src/cli/args.ts';
import { loadConfig } from '../../src/config.ts';
import { openServices, seedAll } from '../../src/db/setup.ts';
import dataApp from '../../src/apps/data/index.ts';
import { dataRepositories } from '../../src/apps/data/tables.ts';
import { users } from '../../src/apps/misc/tables.ts';
import { verifyPassword } from '../../src/rest/auth.ts';
import { closedPort, fakeSmtp, type FakeSmtp } from './fakes.ts';

let dir: string;
let repoDir: string;
let smtp: FakeSmtp;
const lines: string[] = [];
const quiet = () => flagAsker((l) => lines.push(l));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-configure-'));
  repoDir = path.join(dir, 'lab data');
  fs.mkdirSync(repoDir);
  smtp = await fakeSmtp();
});
afterAll(async () => {
  await smtp.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function readJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('alyx configure --non-interactive', () => {
  it('writes every setting (mode 0600), tests SMTP with a message, and creates the administrator in the database only', async () => {
    const cwd = path.join(dir, 'site1');
    fs.mkdirSync(cwd);
    const code = await configure(
      {
        lab: 'cortexlab',
        'time-zone': 'Europe/Paris',
        host: '0.0.0.0',
        port: '8123',
        'data-dir': './data',
        repositories: `main=${repoDir},https://files.example.org/main; scratch=${repoDir}`,
        'smtp-host': '127.0.0.1',
        'smtp-port': String(smtp.port),
        'smtp-from': 'alyx@lab.example.org',
        'smtp-test-to': 'pi@lab.example.org',
        'backup-dir': './backups',
        'backup-interval-hours': '12',
        'admin-username': 'boss',
        'admin-email': 'boss@lab.example.org',
      },
      quiet(),
      { ALYX_ADMIN_PASSWORD: 'correct horse battery' } as NodeJS.ProcessEnv,
      cwd,
    );
    expect(code).toBe(0);
    const file = path.join(cwd, 'alyx.config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(JSON.parse(text)).toEqual({
      labName: 'cortexlab',
      timeZone: 'Europe/Paris',
      host: '0.0.0.0',
      port: 8123,
      dataDir: './data',
      repositories: { main: { path: repoDir, url: 'https://files.example.org/main' }, scratch: { path: repoDir } },
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'alyx@lab.example.org' },
      backup: { dir: './backups', intervalHours: 12 },
    });
    expect(smtp.messages.some((m) => m.includes('pi@lab.example.org') && m.includes('Alyx-local: test message'))).toBe(true);

    // the server reads it as written
    const config = loadConfig({ ALYX_CONFIG: file } as NodeJS.ProcessEnv, cwd);
    expect(config).toMatchObject({ labName: 'cortexlab', port: 8123, timeZone: 'Europe/Paris', databaseUrl: null, dataDir: path.join(cwd, 'data') });
    expect(config.repositoryDirs).toEqual({ main: repoDir, scratch: repoDir });
    expect(config.repositoryUrls).toEqual({ main: 'https://files.example.org/main' });
    expect(config.backup).toMatchObject({ dir: path.join(cwd, 'backups'), intervalHours: 12 });

    const services = await openServices(config, { migrate: false });
    try {
      const [boss] = await services.db.select().from(users).where(eq(users.username, 'boss'));
      expect(boss).toMatchObject({ is_superuser: true, is_staff: true, email: 'boss@lab.example.org' });
      expect(await verifyPassword('correct horse battery', boss.password)).toBe(true);

      // the repositories exist in the database once the server seeds, with the configured url as data_url
      const repos = async () =>
        (await services.db.select({ name: dataRepositories.name, data_url: dataRepositories.data_url }).from(dataRepositories).where(inArray(dataRepositories.name, ['main', 'scratch']))).sort((a, b) => a.name.localeCompare(b.name));
      expect((await seedAll(services, { apps: [dataApp] })).seeded).toEqual(['data']);
      expect(await repos()).toEqual([
        { name: 'main', data_url: 'https://files.example.org/main' },
        { name: 'scratch', data_url: null },
      ]);
      // a new url in the config reaches the database at the next start; unchanged, nothing is re-seeded
      const moved = { ...services, config: { ...config, repositoryUrls: { main: 'http://nas:8000/main/', scratch: 'http://nas:8000/scratch/' } } };
      expect((await seedAll(moved, { apps: [dataApp] })).seeded).toEqual(['data']);
      expect(await repos()).toEqual([
        { name: 'main', data_url: 'http://nas:8000/main/' },
        { name: 'scratch', data_url: 'http://nas:8000/scratch/' },
      ]);
      expect((await seedAll(moved, { apps: [dataApp] })).skipped).toEqual(['data']);
    } finally {
      await services.handle.close();
    }
  });

  it('re-running keeps the current values, the scanner settings of a repository and keys it does not know', async () => {
    const cwd = path.join(dir, 'site2');
    fs.mkdirSync(cwd);
    const file = path.join(cwd, 'alyx.config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        ALYX_LAB: 'hoferlab',
        PORT: 8001,
        ALYX_TIME_ZONE: 'America/New_York',
        repositories: { main: { path: repoDir, scan: true, scan_interval_minutes: 5 } },
        jobs: { cache_tables: { enabled: true } },
        somethingElse: { a: 1 },
      }),
    );
    await configure({ port: '9000' }, quiet(), {} as NodeJS.ProcessEnv, cwd);
    const saved = readJson(file);
    expect(saved).toMatchObject({
      ALYX_LAB: 'hoferlab', // the key the file used is kept
      PORT: 9000,
      ALYX_TIME_ZONE: 'America/New_York',
      repositories: { main: { path: repoDir, scan: true, scan_interval_minutes: 5 } },
      jobs: { cache_tables: { enabled: true } },
      somethingElse: { a: 1 },
    });
    expect(saved.labName).toBeUndefined();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('the environment gives values too (the config names), flags win over it', async () => {
    const cwd = path.join(dir, 'site3');
    fs.mkdirSync(cwd);
    await configure({ lab: 'flaglab' }, quiet(), { ALYX_LAB: 'envlab', ALYX_TIME_ZONE: 'Asia/Tokyo', PORT: '8555' } as NodeJS.ProcessEnv, cwd);
    expect(readJson(path.join(cwd, 'alyx.config.json'))).toMatchObject({ labName: 'flaglab', timeZone: 'Asia/Tokyo', port: 8555 });
  });

  it('refuses bad values, naming the setting, and writes nothing', async () => {
    const cwd = path.join(dir, 'site4');
    fs.mkdirSync(cwd);
    const run = (flags: Record<string, string>) => configure(flags, quiet(), {} as NodeJS.ProcessEnv, cwd);
    const dead = await closedPort();
    await expect(run({ 'time-zone': 'Mars/Olympus' })).rejects.toThrow(/Time zone: Mars\/Olympus is not an IANA time zone/);
    await expect(run({ lab: 'my lab' })).rejects.toThrow(/Lab name: letters, numbers and underscores/);
    await expect(run({ port: '70000' })).rejects.toThrow(/Port: 70000 is not a port/);
    await expect(run({ repositories: `main=${path.join(dir, 'nowhere')}` })).rejects.toThrow(/Data repositories: .*nowhere does not exist/);
    await expect(run({ database: `postgres://alyx:pw@127.0.0.1:${dead}/alyx` })).rejects.toThrow(/could not connect to postgres:\/\/alyx:\*\*\*@127\.0\.0\.1/);
    await expect(run({ database: 'mysql://x' })).rejects.toThrow(CliError);
    await expect(run({ 'smtp-host': '127.0.0.1', 'smtp-port': String(dead) })).rejects.toThrow(/SMTP server does not answer/);
    await expect(run({ rabbitmq: `amqp://guest:guest@127.0.0.1:${dead}` })).rejects.toThrow(/RabbitMQ URL.*no broker there/);
    await expect(run({ 'admin-username': 'boss', 'admin-password': 'short' })).rejects.toThrow(/at least 8 characters/);
    expect(fs.existsSync(path.join(cwd, 'alyx.config.json'))).toBe(false);
  });

  it('accepts a PostgreSQL URL it can connect to (on the pg project: the test server)', async () => {
    const cwd = path.join(dir, 'site5');
    fs.mkdirSync(cwd);
    const url = process.env.TEST_DATABASE_URL;
    await configure({ database: url ?? 'embedded' }, quiet(), {} as NodeJS.ProcessEnv, cwd);
    const saved = readJson(path.join(cwd, 'alyx.config.json'));
    expect(saved.databaseUrl).toBe(url ?? undefined);
  });

  it('a repository url in the file that is not a URL is refused by name when the config loads', () => {
    const cwd = path.join(dir, 'badurl');
    fs.mkdirSync(cwd);
    const file = path.join(cwd, 'alyx.config.json');
    fs.writeFileSync(file, JSON.stringify({ repositories: { main: { path: repoDir, url: 'files on the nas' } } }));
    expect(() => loadConfig({ ALYX_CONFIG: file, ALYX_TIME_ZONE: 'UTC' } as NodeJS.ProcessEnv, cwd)).toThrow(/repositories\.main\.url must be a URL/);
    fs.writeFileSync(file, JSON.stringify({ repositories: { main: { path: repoDir, url: 'http://nas/' } } }));
    expect(loadConfig({ ALYX_CONFIG: file, ALYX_TIME_ZONE: 'UTC' } as NodeJS.ProcessEnv, cwd).repositoryUrls).toEqual({ main: 'http://nas/' });
  });

  it('parses drive-letter and UNC repository directories (the directory check aside)', () => {
    // existence is checked against this machine; the syntax is what matters here
    expect(() => parseRepositories('main=D:\\lab data,https://x.org/main', dir)).toThrow(/does not exist/);
    expect(() => parseRepositories('main=\\\\fileserver\\lab\\raw', dir)).toThrow(/fileserver.*does not exist/);
    expect(() => parseRepositories('bad name=/x', dir)).toThrow(/repository name/);
    expect(parseRepositories(`a=${repoDir}; b=${repoDir},https://x.org/b`, dir)).toEqual([
      { name: 'a', path: repoDir },
      { name: 'b', path: repoDir, url: 'https://x.org/b' },
    ]);
  });
});

describe('alyx configure (interactive)', () => {
  function wizard(answers: string[], end = true) {
    const input = new PassThrough();
    const output = new PassThrough();
    let said = '';
    output.on('data', (c) => (said += c.toString()));
    for (const a of answers) input.write(`${a}\n`);
    if (end) input.end();
    return { asker: terminalAsker(input, output), said: () => said };
  }

  it('shows the defaults, re-asks a bad answer, and saves', async () => {
    const cwd = path.join(dir, 'site6');
    fs.mkdirSync(cwd);
    fs.writeFileSync(path.join(cwd, 'alyx.config.json'), JSON.stringify({ labName: 'oldlab', keepMe: true }));
    const w = wizard([
      '', // lab: keep oldlab
      'Nowhere/Special', // bad time zone
      'Europe/London',
      '', // host
      'eighty', // bad port
      '8080',
      '', // data dir
      '', // database: embedded
      `main=${repoDir}`,
      '', // no smtp
      '', // no rabbitmq
      '', // backup dir
      '0', // no scheduled backups
      '-', // no administrator now
    ]);
    try {
      expect(await configure({}, w.asker, {} as NodeJS.ProcessEnv, cwd)).toBe(0);
    } finally {
      w.asker.close();
    }
    expect(w.said()).toContain('Lab name [oldlab]:');
    expect(w.said()).toMatch(/Nowhere\/Special is not an IANA time zone[\s\S]*Time zone \[/);
    expect(w.said()).toContain('eighty is not a port');
    expect(readJson(path.join(cwd, 'alyx.config.json'))).toMatchObject({
      labName: 'oldlab',
      keepMe: true,
      timeZone: 'Europe/London',
      port: 8080,
      repositories: { main: { path: repoDir } },
      backup: { intervalHours: 0 },
    });
  });

  it('an SMTP server that does not answer: says so and asks the SMTP settings again; the test message goes out', async () => {
    const cwd = path.join(dir, 'site9');
    fs.mkdirSync(cwd);
    const dead = await closedPort();
    const before = smtp.messages.length;
    const w = wizard([
      'smtplab', 'UTC', '', '8080', '', '', '-',
      '127.0.0.1', String(dead), 'alyx@lab.example.org', '', // no answer there
      'y',
      '127.0.0.1', String(smtp.port), '', '', // the default sender kept
      'tech@lab.example.org',
      '', '', '0', '-',
    ]);
    try {
      await configure({}, w.asker, {} as NodeJS.ProcessEnv, cwd);
    } finally {
      w.asker.close();
    }
    expect(w.said()).toContain(`the SMTP server does not answer: 127.0.0.1:${dead}`);
    expect(w.said()).toContain('test message sent to tech@lab.example.org');
    expect(smtp.messages.length).toBe(before + 1);
    expect(readJson(path.join(cwd, 'alyx.config.json')).smtp).toEqual({ host: '127.0.0.1', port: smtp.port, from: 'alyx@lab.example.org' });
  });

  it('input that ends before the last question: a clear error, nothing written', async () => {
    const cwd = path.join(dir, 'site7');
    fs.mkdirSync(cwd);
    const w = wizard(['mylab']);
    await expect(configure({}, w.asker, {} as NodeJS.ProcessEnv, cwd)).rejects.toThrow(/standard input closed/);
    w.asker.close();
    expect(fs.existsSync(path.join(cwd, 'alyx.config.json'))).toBe(false);
  });

  it('the real CLI with a closed stdin exits 1 with that message', () => {
    const cwd = path.join(dir, 'site8');
    fs.mkdirSync(cwd);
    const res = spawnSync(process.execPath, [path.resolve('bin/alyx.mjs'), 'configure'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/standard input closed before the questions were answered.*--non-interactive/);
    expect(fs.existsSync(path.join(cwd, 'alyx.config.json'))).toBe(false);
  });
});
