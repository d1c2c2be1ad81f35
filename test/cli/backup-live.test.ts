// Backups while the server runs on the embedded data directory: `alyx backup` (another process)
// asks the server over the local control channel (src/ops/control.ts); the scheduled backup job
// writes and prunes (src/ops/scheduled.ts).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openServices } from '../../src/db/setup.ts';
import { buildServer } from '../../src/server.ts';
import type { Services } from '../../src/services.ts';
import { controlFileOf } from '../../src/ops/control.ts';
import { runScheduledBackup } from '../../src/ops/scheduled.ts';
import { stamp } from '../../src/ops/archive.ts';
import { TEST_DIR, testConfig } from '../templates.ts';
import { codeSchemaVersion } from '../../src/ops/schema-version.ts';

const work = path.join(TEST_DIR, `live-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
const dataDir = path.join(work, 'data');
const backupDir = path.join(work, 'backups');
const bin = path.join(__dirname, '..', '..', 'bin', 'alyx.mjs');

function alyx(...argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...argv], {
      env: { ...process.env, ALYX_DATA_DIR: dataDir, ALYX_BACKUP_DIR: backupDir, ALYX_LOG: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86400e3);

describe('backups of a running server', () => {
  let services: Services;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    const config = testConfig({
      databaseUrl: null,
      dataDir,
      mediaDir: path.join(dataDir, 'media'),
      backup: { dir: backupDir, intervalHours: 24, keep: { daily: 2, weekly: 0, monthly: 0 } },
    });
    services = await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
    app = await buildServer(services, { serveWeb: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
    await services?.handle.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('writes a control file that only the server account can read', () => {
    const file = controlFileOf(services.config);
    const info = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(info).toEqual({ pid: process.pid, port, token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('alyx backup in another process gets the backup from the server instead of opening the data directory', async () => {
    const out = path.join(work, 'live.tar.gz');
    const r = await alyx('backup', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(new RegExp(`^backup written to ${out} \\([0-9.]+ MB\\): database \\(\\d+ tables, \\d+ rows, schema ${codeSchemaVersion().migration}\\), 0 media files, no config file \\(written by the running server\\)$`));
    expect(fs.existsSync(out)).toBe(true);
    // the server still works on its database
    expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok' });
  }, 120_000);

  it('refuses a wrong token', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/admin/backup`, { method: 'POST', headers: { 'x-alyx-control-token': 'guess', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    const none = await fetch(`http://127.0.0.1:${port}/api/admin/backup`, { method: 'POST' });
    expect(none.status).toBe(403);
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.tar.gz'))).toEqual(['live.tar.gz']);
  });

  it('the scheduled job writes a backup when one is due and prunes older scheduled ones', async () => {
    fs.mkdirSync(backupDir, { recursive: true });
    const [twoDays, threeDays, manual] = [`alyx-scheduled-${stamp(daysAgo(2))}.tar.gz`, `alyx-scheduled-${stamp(daysAgo(3))}.tar.gz`, `alyx-backup-${stamp(daysAgo(30))}.tar.gz`];
    for (const name of [twoDays, threeDays, manual]) fs.writeFileSync(path.join(backupDir, name), 'x');
    const r = await runScheduledBackup(services);
    expect(r.file).toMatch(/[\\/]alyx-scheduled-\d{8}-\d{6}\.tar\.gz$/);
    expect(r.removed).toEqual([threeDays]); // daily: 2 keeps today's and the one of two days ago; manual backups stay
    expect(fs.readdirSync(backupDir).sort()).toEqual([manual, twoDays, path.basename(r.file!)].sort());
    expect(await runScheduledBackup(services)).toEqual({ file: null, removed: [] }); // not due again yet
    const off = { ...services, config: { ...services.config, backup: { ...services.config.backup, intervalHours: 0 } } };
    expect(await runScheduledBackup(off, new Date(Date.now() + 7 * 86400e3))).toEqual({ file: null, removed: [] });
  }, 120_000);

  it('removes the control file when the server closes', async () => {
    await app.close();
    expect(fs.existsSync(controlFileOf(services.config))).toBe(false);
  });
});
