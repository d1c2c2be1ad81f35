// `alyx doctor` (src/ops/doctor.ts): passes on a good site, then names a broken repository path and
// a stopped SMTP server with their fixes, and exits 1.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openServices } from '../../src/db/setup.ts';
import { dataRepositories } from '../../src/apps/data/tables.ts';
import { formatChecks, runDoctor } from '../../src/ops/doctor.ts';
import { stamp } from '../../src/ops/archive.ts';
import { main } from '../../src/main.ts';
import { TEST_DIR, testConfig } from '../templates.ts';
import { codeSchemaVersion } from '../../src/ops/schema-version.ts';

const work = path.join(TEST_DIR, `doctor-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
const dataDir = path.join(work, 'data');
const repoDir = path.join(work, 'repo');
const configFile = path.join(work, 'alyx.config.json');

/** Just enough SMTP for nodemailer's verify(): greeting, EHLO, QUIT. */
function fakeSmtp(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.write('220 fake.example.org ESMTP\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i).toUpperCase();
        buffer = buffer.slice(i + 2);
        if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 fake.example.org\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function writeConfig(values: Record<string, unknown>): void {
  fs.writeFileSync(configFile, JSON.stringify({ ALYX_DATA_DIR: dataDir, ALYX_TIME_ZONE: 'Europe/London', ...values }));
}

const env = { ALYX_CONFIG: configFile } as NodeJS.ProcessEnv;

describe('alyx doctor', () => {
  let smtp: net.Server;
  let smtpPort: number;
  beforeAll(async () => {
    fs.mkdirSync(repoDir, { recursive: true });
    const config = testConfig({ databaseUrl: null, dataDir });
    const services = await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
    await services.db.insert(dataRepositories).values({ name: 'lab_server' });
    await services.handle.close();
    fs.mkdirSync(path.join(dataDir, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'backups', `alyx-backup-${stamp()}.tar.gz`), 'x');
    smtp = await fakeSmtp();
    smtpPort = (smtp.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    smtp.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('passes on a good setup', async () => {
    writeConfig({ repositories: { lab_server: repoDir }, smtp: { host: '127.0.0.1', port: smtpPort, from: 'alyx@example.org' } });
    const checks = await runDoctor({ env, timeoutMs: 3000 });
    const text = formatChecks(checks);
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'config',
      'time zone',
      'data-dir lock',
      'database',
      'migrations',
      'session projects',
      'repository lab_server',
      'scheduled jobs',
      'smtp',
      'disk (database)',
      'disk (backups)',
      'last backup',
    ]);
    expect(text).toContain(`ok    repository lab_server  ${repoDir} readable`);
    expect(text).toContain(`ok    smtp                   127.0.0.1:${smtpPort} answers`);
    expect(text).toContain(`ok    migrations             current (${codeSchemaVersion().migration})`);
    expect(text).toMatch(/ok {4}last backup {12}alyx-backup-\d{8}-\d{6}\.tar\.gz, 0\.0 h old/);
    expect(text.split('\n').at(-1)).toBe('everything is fine');
  });

  it('names a broken repository path and a stopped SMTP server, with their fixes, and exits 1', async () => {
    const port = await closedPort();
    writeConfig({ repositories: { lab_server: path.join(work, 'unmounted') }, smtp: { host: '127.0.0.1', port, from: 'alyx@example.org' } });
    const checks = await runDoctor({ env, timeoutMs: 3000 });
    const fails = checks.filter((c) => c.status === 'fail');
    expect(fails.map((c) => c.name)).toEqual(['repository lab_server', 'smtp']);
    expect(fails[0]).toEqual({
      name: 'repository lab_server',
      status: 'fail',
      detail: `${path.join(work, 'unmounted')} is not a readable directory`,
      fix: `mount it, or set "repositories": {"lab_server": "<directory>"} in ${configFile}`,
    });
    expect(fails[1].detail).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(fails[1].fix).toBe(`check smtp.host / smtp.port in ${configFile} (ALYX_SMTP_HOST, ALYX_SMTP_PORT) and that the mail server runs`);
    expect(formatChecks(checks)).toMatch(/\n2 failure\(s\), \d+ warning\(s\)$/);

    const saved = { ...process.env };
    const logs: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void logs.push(a.join(' '));
    try {
      process.env.ALYX_CONFIG = configFile;
      expect(await main(['doctor', '--timeout', '3'])).toBe(1);
      expect(logs.join('\n')).toContain('FAIL  repository lab_server');
    } finally {
      console.log = log;
      process.env = saved;
      process.exitCode = 0;
    }
  });

  it('reports a missing database, a bad config and a server holding the data dir', async () => {
    writeConfig({ ALYX_DATA_DIR: path.join(work, 'empty') });
    let checks = await runDoctor({ env, timeoutMs: 1000 });
    expect(checks.find((c) => c.name === 'database')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^alyx migrate/) });
    expect(checks.find((c) => c.name === 'last backup')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^alyx backup/) });

    fs.writeFileSync(configFile, '{"PORT": "eighty"}');
    checks = await runDoctor({ env });
    expect(checks).toEqual([{ name: 'config', status: 'fail', detail: 'PORT must be an integer between 0 and 65535, got "eighty"', fix: 'correct that setting (alyx configure rewrites the file)' }]);

    writeConfig({});
    fs.writeFileSync(path.join(dataDir, 'alyx.lock'), String(process.ppid));
    try {
      checks = await runDoctor({ env });
      expect(checks.find((c) => c.name === 'data-dir lock')).toEqual({ name: 'data-dir lock', status: 'ok', detail: `held by the running server (pid ${process.ppid})` });
      expect(checks.find((c) => c.name === 'database')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^not opened: the running server/) });
    } finally {
      fs.rmSync(path.join(dataDir, 'alyx.lock'));
    }
  });
});
