// The scheduler: jobs configured by `jobs` / ALYX_JOBS_<NAME>, one run per interval across server
// processes (on PostgreSQL: two connection pools on one database, as two servers would have), the
// outcome of each run recorded in alyx_scheduled_job_run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { openServices } from '../../src/db/setup.ts';
import { scheduledJobRuns } from '../../src/db/tables.ts';
import { effectiveJobs, runDueJobs, startScheduler, unknownJobKeys, type EffectiveJob } from '../../src/scheduler.ts';
import type { ScheduledJob, Services } from '../../src/apps/app.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
/** a second "server process": its own pool on the same PostgreSQL database (the same handle on PGlite) */
let other: Services;
beforeAll(async () => {
  t = await startTestApp();
  other = t.services.handle.driver === 'pg' ? await openServices(t.config, { migrate: false }) : t.services;
});
afterAll(async () => {
  if (other !== t.services) await other.handle.close();
  await t.close();
});

function counting(name: string, everySeconds: number, fail = false): { job: ScheduledJob; count: () => number } {
  let n = 0;
  return {
    count: () => n,
    job: {
      name,
      everySeconds,
      enabledByDefault: true,
      run: async () => {
        n++;
        // long enough that the other process's claim overlaps this run
        await new Promise((r) => setTimeout(r, 50));
        if (fail) throw new Error('disk full at postgres://alyx:secret@db/alyx');
      },
    },
  };
}

async function row(key: string) {
  return (await t.services.db.select().from(scheduledJobRuns).where(eq(scheduledJobRuns.job, key)))[0];
}

describe('job settings', () => {
  it('reads "jobs" from the config file and ALYX_JOBS_<NAME>, the environment winning', () => {
    const config = loadConfig({ ALYX_TIME_ZONE: 'UTC', ALYX_JOBS_CACHE_TABLES: '900', ALYX_JOBS_FILES_SCAN: 'off' } as NodeJS.ProcessEnv, '/nonexistent');
    expect(config.jobs).toEqual({ cache_tables: { enabled: true, everySeconds: 900 }, files_scan: { enabled: false } });
    expect(config.schedulerIntervalSeconds).toBe(30);
    expect(() => loadConfig({ ALYX_TIME_ZONE: 'UTC', ALYX_JOBS_BACKUPS: 'sometimes' } as NodeJS.ProcessEnv, '/nonexistent')).toThrow(ConfigError);
  });

  it('applies the overrides to the apps\' jobs and names unknown ones', () => {
    const services = { ...t.services, config: { ...t.config, jobs: { cache_tables: { enabled: true, everySeconds: 120 }, files_scan: { enabled: false }, nightly_tea: { enabled: true } } } };
    const jobs = effectiveJobs(services);
    const byKey = Object.fromEntries(jobs.map((j) => [j.key, j]));
    expect(Object.keys(byKey)).toEqual(
      expect.arrayContaining(['cache_tables', 'files_check', 'files_scan', 'backups', 'planner_statistics', 'send_pending_notifications', 'check_water_admin']),
    );
    expect(byKey.cache_tables).toMatchObject({ enabled: true, everySeconds: 120 });
    expect(byKey.files_scan.enabled).toBe(false);
    expect(byKey.files_check.enabled).toBe(false); // off by default
    expect(byKey.planner_statistics).toMatchObject({ enabled: true, everySeconds: 3600 });
    expect(unknownJobKeys(services)).toEqual(['nightly_tea']);
  });
});

describe('runs', () => {
  it('two schedulers on one database run a due job once, then not again within the interval', async () => {
    const c = counting('twice claimed', 3600);
    const jobs: EffectiveJob[] = effectiveJobs(t.services, [c.job]);
    const [a, b] = await Promise.all([runDueJobs(t.services, jobs, 'server-a'), runDueJobs(other, jobs, 'server-b')]);
    expect(c.count()).toBe(1);
    expect([...a, ...b]).toEqual([{ key: 'twice_claimed', outcome: 'ok' }]);
    const first = await row('twice_claimed');
    expect(first.outcome).toBe('ok');
    expect(first.runs).toBe(1);
    expect(['server-a', 'server-b']).toContain(first.started_by);
    expect(first.last_finished_at).not.toBeNull();

    // within the interval: nobody runs it, however often they look
    for (let i = 0; i < 3; i++) await Promise.all([runDueJobs(t.services, jobs, 'server-a'), runDueJobs(other, jobs, 'server-b')]);
    expect(c.count()).toBe(1);

    // an interval later (the last start moved back an hour): once more, by one of them
    await t.services.db.update(scheduledJobRuns).set({ last_started_at: sql`now() - interval '3601 seconds'` }).where(eq(scheduledJobRuns.job, 'twice_claimed'));
    await Promise.all([runDueJobs(t.services, jobs, 'server-a'), runDueJobs(other, jobs, 'server-b')]);
    expect(c.count()).toBe(2);
    expect((await row('twice_claimed')).runs).toBe(2);
  });

  it('never runs a disabled job', async () => {
    const c = counting('switched off', 1);
    const services = { ...t.services, config: { ...t.config, jobs: { switched_off: { enabled: false } } } };
    const jobs = effectiveJobs(services, [c.job]);
    expect(await runDueJobs(services, jobs)).toEqual([]);
    expect(c.count()).toBe(0);
    expect(await row('switched_off')).toBeUndefined();
  });

  it('records a failure with its message (credentials in URLs masked) and runs the next job anyway', async () => {
    const bad = counting('breaks', 60, true);
    const good = counting('after it', 60);
    const jobs = effectiveJobs(t.services, [bad.job, good.job]);
    const report = await runDueJobs(t.services, jobs, 'server-a');
    expect(report.map((r) => r.key)).toEqual(['breaks', 'after_it']);
    const failed = await row('breaks');
    expect(failed.outcome).toMatch(/^error: disk full/);
    expect(failed.outcome).not.toContain('secret');
    expect((await row('after_it')).outcome).toBe('ok');
    expect(good.count()).toBe(1);
  });

  it('the running scheduler runs its first round after firstRunMs and stop() waits for it', async () => {
    const c = counting('ticking', 3600);
    const services = { ...t.services, config: { ...t.config, schedulerIntervalSeconds: 3600 } };
    const s = startScheduler(services, { firstRunMs: 10, jobs: effectiveJobs(services, [c.job]) });
    while (c.count() === 0) await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    expect((await row('ticking')).outcome).toBe('ok');
  });

  it('a scheduler interval of 0 starts nothing', async () => {
    const c = counting('never ticks', 1);
    const s = startScheduler(t.services, { firstRunMs: 1, jobs: effectiveJobs(t.services, [c.job]) });
    await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(c.count()).toBe(0);
  });
});

describe('alyx doctor on the scheduled jobs', () => {
  it('names unknown job names, a scheduler that is off, and the jobs whose last run failed', async () => {
    const { jobsCheck } = await import('../../src/ops/doctor.ts');
    const withJobs = (jobs: Record<string, { enabled?: boolean }>, schedulerIntervalSeconds = 30) => ({ ...t.services, config: { ...t.config, jobs, schedulerIntervalSeconds } });
    expect(await jobsCheck(withJobs({}))).toMatchObject({ status: 'ok' });
    const typo = await jobsCheck(withJobs({ cache_tabels: { enabled: true } }));
    expect(typo).toMatchObject({ status: 'warn', detail: 'no job is named cache_tabels' });
    expect(typo.fix).toContain('cache_tables');
    expect(await jobsCheck(withJobs({}, 0))).toMatchObject({ status: 'warn', detail: expect.stringContaining('the scheduler is off') });
    await t.services.db
      .insert(scheduledJobRuns)
      .values({ job: 'cache_tables', last_started_at: sql`now()`, outcome: 'error: no space left on device', runs: 1 })
      .onConflictDoUpdate({ target: scheduledJobRuns.job, set: { outcome: 'error: no space left on device' } });
    const failed = await jobsCheck(withJobs({ cache_tables: { enabled: true } }));
    expect(failed).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^cache_tables failed at .*: no space left on device$/) });
    // a failure of a job that is off is not a problem
    expect(await jobsCheck(withJobs({ cache_tables: { enabled: false } }))).toMatchObject({ status: 'ok' });
  });
});
