// Two real server processes (the CLI, two ports) on one PostgreSQL database: writes through both
// (a round-robin client) are read the same from both, and a scheduled job runs once across both.
// Throttling counts per process (README: Operations); that is not shared and not tested here.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../templates.ts';
import { listeningPort } from '../spawned.ts';

const url = process.env.TEST_DATABASE_URL!;
const template = inject('pgTemplate');
const dbName = `${template.replace('tpl', 't')}_two_${crypto.randomBytes(4).toString('hex')}`;
const databaseUrl = withDatabase(url, dbName);
let dir: string;
const servers: Array<{ child: ChildProcess; port: number; out: () => string }> = [];

async function startServer(): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  const child = spawn(process.execPath, [path.resolve('bin/alyx.mjs'), 'serve'], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      ALYX_LAB: 'cortexlab',
      ALYX_TIME_ZONE: 'Europe/London',
      ALYX_ADMIN_PASSWORD: 'two-servers-pw',
      ALYX_SKIP_WEB_BUILD: '1',
      ALYX_LOG: 'off',
      ALYX_DATA_DIR: path.join(dir, `data-${servers.length}`),
      // every server of one database shares the key of its sealed tokens (README: several servers)
      ALYX_SECRET_KEY: 'two-servers-shared-secret-key-for-tokens',
      // rounds every second; the fast jobs off so that only the interval decides
      ALYX_SCHEDULER_INTERVAL: '1',
      ALYX_JOBS_TASK_DISPATCH: 'off',
      ALYX_JOBS_FILES_SCAN: 'off',
      ALYX_JOBS_PLANNER_STATISTICS: '3600',
      ALYX_THROTTLE_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { port, output } = await listeningPort(child);
  return { child, port, out: output };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-two-'));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${dbName} template ${template}`);
      break;
    } catch (e) {
      if (attempt > 50 || !/being accessed by other users/.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await admin.end();
  // one after the other: the first applies what the database lacks, the second finds it done
  servers.push(await startServer());
  servers.push(await startServer());
}, 180_000);

afterAll(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null) {
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('two servers on one PostgreSQL database', () => {
  it('writes through both are read the same from both', async () => {
    const base = servers.map((s) => `http://127.0.0.1:${s.port}`);
    const tokenRes = await fetch(`${base[0]}/auth-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'two-servers-pw' }) });
    expect(tokenRes.status).toBe(200);
    const { token } = (await tokenRes.json()) as { token: string };
    const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };
    // round robin, concurrently
    const names = Array.from({ length: 20 }, (_, i) => `RR_${String(i).padStart(2, '0')}`);
    const created = await Promise.all(
      names.map((nickname, i) => fetch(`${base[i % 2]}/subjects`, { method: 'POST', headers, body: JSON.stringify({ nickname, lab: 'cortexlab', birth_date: '2024-01-01' }) })),
    );
    expect(created.map((r) => r.status)).toEqual(names.map(() => 201));
    const listed = await Promise.all(
      base.map(async (b) =>
        ((await (await fetch(`${b}/subjects?limit=1000`, { headers })).json()) as { results: Array<{ nickname: string }> }).results
          .map((s) => s.nickname)
          .filter((n) => n.startsWith('RR_'))
          .sort(),
      ),
    );
    expect(listed[0]).toEqual(names);
    expect(listed[1]).toEqual(names);
    // a change through one is seen through the other at once
    const one = (await (await fetch(`${base[1]}/subjects/RR_03`, { headers })).json()) as { description: string };
    expect(one.description ?? '').toBe('');
    expect((await fetch(`${base[0]}/subjects/RR_03`, { method: 'PATCH', headers, body: JSON.stringify({ description: 'seen by both' }) })).status).toBe(200);
    expect(((await (await fetch(`${base[1]}/subjects/RR_03`, { headers })).json()) as { description: string }).description).toBe('seen by both');
  });

  it('a scheduled job runs once across both', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // both schedulers have had rounds (every second, the first 2 s after listening)
      let rows: Array<{ job: string; runs: number; started_by: string; outcome: string }> = [];
      for (let i = 0; i < 100; i++) {
        rows = (await client.query('select job, runs, started_by, outcome from alyx_scheduled_job_run')).rows;
        if (rows.find((r) => r.job === 'planner_statistics')?.outcome === 'ok') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 3000)); // several more rounds of both
      rows = (await client.query('select job, runs, started_by, outcome from alyx_scheduled_job_run order by job')).rows;
      const stats = rows.find((r) => r.job === 'planner_statistics');
      expect(stats).toMatchObject({ runs: 1, outcome: 'ok' });
      const pids = servers.map((s) => s.child.pid);
      expect(pids.some((pid) => stats!.started_by.endsWith(`:${pid}`))).toBe(true);
      // the other hourly jobs too: once each, whoever ran them
      for (const r of rows.filter((x) => ['check_water_admin', 'backups'].includes(x.job))) expect(r.runs, r.job).toBe(1);
      // disabled jobs never ran
      expect(rows.map((r) => r.job)).not.toContain('task_dispatch');
      expect(rows.map((r) => r.job)).not.toContain('files_scan');
    } finally {
      await client.end();
    }
  });
});
