// Process life of the real `alyx serve` and `npm start`: start-up progress on a fresh data
// directory, a clean stop on SIGTERM (to the server, or to the npm process that started it), and no
// lingering server when npm dies without forwarding the signal — each time the data-dir lock released.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningPort } from './spawned.ts';

const ROOT = path.resolve('.');
let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-serve-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  output: () => string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function start(cmd: string, args: string[]): Promise<Running> {
  const child = spawn(cmd, args, {
    cwd: dir,
    env: { ...process.env, ALYX_DATA_DIR: path.join(dir, 'data'), PORT: '0', ALYX_TIME_ZONE: 'UTC', ALYX_SKIP_WEB_BUILD: '1', ALYX_LOG: 'off', npm_config_prefix: ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const { port, output } = await listeningPort(child);
  return { child, output, port, exited };
}

const lockFile = () => path.join(dir, 'data', 'alyx.lock');

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!cond()) throw new Error(`gave up waiting for ${what}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('alyx serve process life', () => {
  it('says what it does on a fresh data directory, answers, and stops on SIGTERM releasing the lock', async () => {
    const s = await start(process.execPath, [path.join(ROOT, 'bin', 'alyx.mjs'), 'serve']);
    expect(s.output()).toMatch(/Creating the database in .*data[/\\]db\.\.\./);
    expect(s.output()).toMatch(/Loading reference data[^\n]*\n\s+misc/);
    const res = await fetch(`http://127.0.0.1:${s.port}/health`);
    expect(res.status).toBe(200);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(String(s.child.pid));
    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.output()).toContain('SIGTERM: shutting down');
    expect(s.output()).toContain('stopped');
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('npm start: SIGTERM to npm stops the server too (second start: no seeding)', async () => {
    const s = await start('npm', ['start', '--silent', '--prefix', ROOT]);
    expect(s.output()).not.toContain('Creating the database');
    expect(s.output()).not.toContain('Loading reference data');
    const serverPid = Number(fs.readFileSync(lockFile(), 'utf8'));
    expect(serverPid).toBeGreaterThan(0);
    s.child.kill('SIGTERM');
    await s.exited;
    await waitFor(() => !alive(serverPid), 'the server to exit');
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('npm start: when npm dies without forwarding (SIGKILL), the server notices and stops', async () => {
    const s = await start('npm', ['start', '--silent', '--prefix', ROOT]);
    const serverPid = Number(fs.readFileSync(lockFile(), 'utf8'));
    s.child.kill('SIGKILL');
    await s.exited;
    await waitFor(() => !alive(serverPid), 'the orphaned server to exit');
    expect(fs.existsSync(lockFile())).toBe(false);
  });
});
