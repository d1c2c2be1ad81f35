// How `alyx` answers misuse: one line (plus the command's usage for usage errors), no stack trace,
// exit code 2 for usage errors and 1 for errors while running; --help prints the usage, exit 0.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, inject } from 'vitest';
import { main } from '../../src/main.ts';
import { openServices } from '../../src/db/setup.ts';
import { TEST_DIR, testConfig } from '../templates.ts';

const work = path.join(TEST_DIR, `misuse-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let out: string[];
let err: string[];
const env = { ...process.env };
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  process.env.ALYX_DATA_DIR = path.join(work, 'empty');
  process.env.ALYX_LOG = 'off';
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...env };
  process.exitCode = 0;
});

async function alyx(...argv: string[]) {
  out.length = 0;
  err.length = 0;
  const code = await main(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('alyx misuse', () => {
  it.each([
    [['backup', '--ouput', 'x.tar.gz'], 'alyx backup: unexpected argument --ouput', 'usage: alyx backup [--out DIR|FILE] [--with-secrets] [--sql]'],
    [['backup', '--sql', '--with-secrets'], 'alyx backup: --with-secrets applies to archives, not to --sql', 'usage: alyx backup'],
    [['backup', 'verify'], 'alyx backup verify: missing FILE', 'usage: alyx backup verify FILE'],
    [['doctor', '--timeout', 'soon'], 'alyx doctor: --timeout: "soon" is not a non-negative integer', 'usage: alyx doctor [--timeout SECONDS]'],
    [['upgrade', 'now'], 'alyx upgrade: unexpected argument now', 'usage: alyx upgrade [--out DIR|FILE]'],
    [['serve', '--port', '9999', '--bogus'], 'alyx serve: unexpected argument --bogus', 'usage: alyx serve'],
    [['serve', '--port', 'abc'], 'alyx serve: --port: "abc" is not a non-negative integer', 'usage: alyx serve'],
    [['import', '--dryrun', 'FILE'], 'alyx import: unexpected argument --dryrun', 'usage: alyx import DUMP.json[.gz] [--replace] [--dry-run]'],
    [['import'], 'alyx import: missing DUMP.json[.gz]', 'usage: alyx import'],
    [['restore', 'a', 'b'], 'alyx restore: unexpected argument b', 'usage: alyx restore FILE'],
    [['user', 'create'], 'alyx user create: --username is required', 'usage: alyx user create'],
    [['files', 'check', '--dry=1'], 'alyx files check: --dry takes no value', 'usage: alyx files check'],
    [['notifications', 'purge'], 'alyx notifications: ACTION: "purge" is not one of check, send, delete-expired', 'usage: alyx notifications'],
    [['tasks', 'cleanup', '--limit'], 'alyx tasks: --limit needs a value', 'usage: alyx tasks'],
    [['update-zygosities', '--forse'], 'alyx update-zygosities: unexpected argument --forse', 'usage: alyx update-zygosities'],
  ])('refuses %j with exit code 2 and the usage', async (argv, message, usage) => {
    const r = await alyx(...argv);
    expect(r.code).toBe(2);
    expect(process.exitCode).toBe(2);
    expect(r.err.split('\n')[0]).toBe(message);
    expect(r.err).toContain(usage);
    expect(r.out).toBe('');
  });

  it('prints the usage of every command with --help, exit 0', async () => {
    for (const argv of [['backup', '--help'], ['serve', '-h'], ['user', 'create', '--help'], ['files', 'check', '--help'], ['tasks', '--help']]) {
      const r = await alyx(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: alyx ${argv.slice(0, -1).join(' ')}`));
    }
  });

  it('alyx alone prints the general help and fails; --help succeeds', async () => {
    let r = await alyx();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^usage: alyx <command> \[options\]/);
    expect(r.err).toContain('update-zygosities');
    r = await alyx('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Exit codes: 0 success, 1 error, 2 usage error.');
  });

  it('lists the subcommands of "alyx user" and names unknown commands', async () => {
    let r = await alyx('user');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^alyx user commands:\n {2}user create .*\n {2}user password /);
    r = await alyx('user', 'delete');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('alyx: unknown command "user delete".');
    r = await alyx('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^alyx: unknown command "frobnicate". Commands:\n {2}serve /);
  });

  it('says what went wrong, without a stack, for expected errors (exit 1)', async () => {
    let r = await alyx('import', path.join(work, 'missing.json'));
    expect([r.code, r.err]).toEqual([1, `alyx import: ${path.join(work, 'missing.json')} does not exist`]);
    r = await alyx('restore', path.join(work, 'missing.tar.gz'));
    expect([r.code, r.err]).toEqual([1, `alyx restore: ${path.join(work, 'missing.tar.gz')} does not exist`]);
    r = await alyx('backup');
    expect([r.code, r.err]).toEqual([1, `alyx backup: there is no embedded database in ${path.join(work, 'empty', 'db')} to back up (ALYX_DATA_DIR=${path.join(work, 'empty')})`]);
    expect(fs.existsSync(path.join(work, 'empty', 'db'))).toBe(false);
    r = await alyx('backup', 'verify', path.join(work, 'missing.tar.gz'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`FAILED: 1 problem(s):\n  - ${path.join(work, 'missing.tar.gz')} does not exist`);
    process.env.PORT = 'eighty';
    r = await alyx('migrate');
    expect([r.code, r.err]).toEqual([1, 'alyx migrate: PORT must be an integer between 0 and 65535, got "eighty"']);
  });

  it('refuses an unknown repository in "files check" with one line', async () => {
    const dataDir = path.join(work, 'db-dir');
    const services = await openServices(testConfig({ databaseUrl: null, dataDir, mediaDir: path.join(dataDir, 'media') }), {
      migrate: false,
      loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]),
    });
    await services.handle.close();
    process.env.ALYX_DATA_DIR = dataDir;
    const r = await alyx('files', 'check', '--repository', 'nosuch');
    expect(r.code).toBe(1);
    expect(r.err).toBe('alyx files check: repository nosuch has no directory in the configuration ("repositories": {"nosuch": "/path"})');
  });
});

describe('bin/alyx.mjs', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'alyx.mjs');
  const spawn = (...argv: string[]) =>
    spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ALYX_DATA_DIR: path.join(work, 'spawned') } });

  it('exits with the code main returns, and a closed stdin ends a password prompt with a message', () => {
    let r = spawn('backup', '--ouput', 'x.tar.gz');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('alyx backup: unexpected argument --ouput');
    r = spawn('user', 'create', '--username', 'bob');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('alyx user create: no password given: standard input is closed (give --password, or run in a terminal)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
