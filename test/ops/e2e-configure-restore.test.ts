// End to end through the real CLI: `alyx configure --non-interactive` -> `alyx serve` -> data and a
// note image through the API -> `alyx backup` (from the running server) -> wipe -> `alyx restore` ->
// everything is back, the image included -> `alyx backup verify` -> `alyx doctor` passes, and then
// names a broken repository directory and an SMTP server that does not answer.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, fakeSmtp, type FakeSmtp } from './fakes.ts';
import { listeningPort } from './spawned.ts';

const BIN = path.resolve('bin/alyx.mjs');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
let work: string;
let repoDir: string;
let smtp: FakeSmtp;
let server: ChildProcess | null = null;

const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, ALYX_SKIP_WEB_BUILD: '1', ALYX_LOG: 'off' };
  for (const k of ['DATABASE_URL', 'ALYX_DATA_DIR', 'ALYX_BACKUP_DIR', 'ALYX_CONFIG', 'ALYX_ADMIN_PASSWORD', 'PORT', 'HOST']) delete e[k];
  return e;
};

function alyx(...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: work, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startServer(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: work, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  const { port } = await listeningPort(child);
  return `http://127.0.0.1:${port}`;
}

async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const s = server;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  await exited;
  server = null;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-e2e-'));
  repoDir = path.join(work, 'repository');
  fs.mkdirSync(repoDir);
  smtp = await fakeSmtp();
});
afterAll(async () => {
  await stopServer();
  await smtp.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('configure, serve, back up, wipe, restore, verify, doctor', () => {
  it('round-trips a site through a backup, image included, and doctor names what breaks', async () => {
    const port = await closedPort();
    const configured = await alyx(
      'configure', '--non-interactive',
      '--lab', 'e2elab', '--time-zone', 'Europe/London', '--host', '127.0.0.1', '--port', String(port),
      '--data-dir', './data', '--repositories', `main=${repoDir},http://127.0.0.1:${port}/e2elab/Subjects/`,
      '--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port), '--smtp-from', 'alyx@e2e.example.org',
      '--backup-dir', './backups', '--backup-interval-hours', '0',
      '--admin-username', 'boss', '--admin-password', 'e2e-password-1',
    );
    expect(configured.stderr).toBe('');
    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain('Created the administrator boss');

    // serve; data and a note image through the API
    let base = await startServer();
    const auth = async () => {
      const r = await fetch(`${base}/auth-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'boss', password: 'e2e-password-1' }) });
      expect(r.status).toBe(200);
      return { authorization: `Token ${((await r.json()) as { token: string }).token}` };
    };
    let headers = await auth();
    // the repository configured with a URL exists, with that URL as its data_url
    const repository = await fetch(`${base}/data-repository/main`, { headers });
    expect(repository.status).toBe(200);
    expect(((await repository.json()) as { data_url: string }).data_url).toBe(`http://127.0.0.1:${port}/e2elab/Subjects/`);
    const subject = await fetch(`${base}/subjects`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ nickname: 'E2E_001', lab: 'e2elab', birth_date: '2024-02-01' }) });
    expect(subject.status).toBe(201);
    const subjectId = ((await subject.json()) as { id: string }).id;
    const form = new FormData();
    for (const [k, v] of Object.entries({ user: 'boss', content_type: 'subject', object_id: subjectId, text: 'before the backup', width: 'orig' })) form.append(k, v);
    form.append('image', new Blob([PNG], { type: 'image/png' }), 'e2e.png');
    const note = await fetch(`${base}/notes`, { method: 'POST', headers, body: form });
    expect(note.status).toBe(201);
    const imageUrl = new URL(((await note.json()) as { image: string }).image);

    // backup from the running server, then stop and wipe the data directory
    const backup = await alyx('backup');
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const archive = /backup written to (\S+)/.exec(backup.stdout)![1];
    expect(path.dirname(archive)).toBe(path.join(work, 'backups'));
    expect(backup.stdout).toMatch(/1 media files?/);
    await stopServer();
    fs.rmSync(path.join(work, 'data'), { recursive: true, force: true });

    const restored = await alyx('restore', archive);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    // all there, the image byte for byte
    base = await startServer();
    headers = await auth();
    const subjects = (await (await fetch(`${base}/subjects?nickname=E2E_001`, { headers })).json()) as { results: Array<{ id: string }> };
    expect(subjects.results.map((s) => s.id)).toEqual([subjectId]);
    const notes = (await (await fetch(`${base}/notes?object_id=${subjectId}`, { headers })).json()) as { results: Array<{ text: string }> };
    expect(notes.results.map((n) => n.text)).toEqual(['before the backup']);
    const image = await fetch(`${base}${imageUrl.pathname}`, { headers });
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(PNG);
    await stopServer();

    const verified = await alyx('backup', 'verify', archive);
    expect(verified.code).toBe(0);

    const doctor = await alyx('doctor', '--timeout', '3');
    expect(doctor.stdout).not.toMatch(/\bFAIL\b/i);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/repository main/);
    expect(doctor.stdout).toMatch(/smtp/);

    // break the repository directory and the SMTP server
    const file = path.join(work, 'alyx.config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    config.repositories.main.path = path.join(work, 'moved-away');
    config.smtp.port = await closedPort();
    fs.writeFileSync(file, JSON.stringify(config));
    const broken = await alyx('doctor', '--timeout', '3');
    expect(broken.code).toBe(1);
    const lines = broken.stdout.split('\n');
    expect(lines.find((l) => /repository main/.test(l))).toMatch(/moved-away/);
    expect(lines.find((l) => /smtp/i.test(l))).toMatch(new RegExp(`127\\.0\\.0\\.1:${config.smtp.port}`));
  }, 300_000);
});
