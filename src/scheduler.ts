// The in-process scheduler: every ALYX_SCHEDULER_INTERVAL seconds (default 30; 0 = off) it runs
// the apps' scheduled jobs (AlyxApp.jobs) that are due. Each job's defaults (on/off, interval) can
// be overridden by `jobs` in the config or ALYX_JOBS_<NAME> (src/config.ts).
//
// The state lives in alyx_scheduled_job_run: a process claims a run by moving `last_started_at`
// to now when it is older than the interval, inside a transaction holding
// pg_try_advisory_xact_lock on the job. So with several server processes on one PostgreSQL
// database a job runs once per interval (not once per process), a restart does not re-run a daily
// job, and the table tells when each job last ran, where, and how it ended. On PGlite the data-dir
// lock already means one process; the claim works the same without the advisory lock.
import os from 'node:os';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apps } from './apps/index.ts';
import type { ScheduledJob, Services } from './apps/app.ts';
import { jobKey } from './config.ts';
import { scheduledJobRuns } from './db/tables.ts';

export interface EffectiveJob {
  /** the config key: "cache tables" -> "cache_tables" */
  key: string;
  job: ScheduledJob;
  enabled: boolean;
  everySeconds: number;
}

/** Every app's jobs with the config's overrides applied (disabled ones included, for doctor and tests). */
export function effectiveJobs(services: Services, jobs: ScheduledJob[] = apps.flatMap((a) => a.jobs ?? [])): EffectiveJob[] {
  return jobs.map((job) => {
    const key = jobKey(job.name);
    const set = services.config.jobs?.[key] ?? {};
    return { key, job, enabled: set.enabled ?? job.enabledByDefault, everySeconds: set.everySeconds ?? job.everySeconds };
  });
}

/** The names of the configured jobs that no app declares (a typo in `jobs`). */
export function unknownJobKeys(services: Services): string[] {
  const known = new Set(effectiveJobs(services).map((j) => j.key));
  return Object.keys(services.config.jobs ?? {}).filter((k) => !known.has(k));
}

/**
 * Claims the job's run when it is due: true when this process is to run it now. The advisory lock
 * makes a concurrent claimer skip at once instead of waiting on the row; the conditional update
 * alone would already let only one of them through.
 */
async function claim(services: Services, j: EffectiveJob, who: string): Promise<boolean> {
  // a little slack so that a job every hour does not drift by one scheduler tick an hour
  const slack = Math.min(5, j.everySeconds * 0.05);
  return services.db.transaction(async (tx) => {
    if (services.handle.driver === 'pg') {
      const res = (await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${`alyx scheduled job ${j.key}`})) as locked`)) as unknown as {
        rows: Array<{ locked: boolean }>;
      };
      if (!res.rows[0]?.locked) return false;
    }
    await tx.insert(scheduledJobRuns).values({ job: j.key }).onConflictDoNothing();
    const claimed = await tx
      .update(scheduledJobRuns)
      .set({ last_started_at: sql`now()`, started_by: who, outcome: 'running', runs: sql`${scheduledJobRuns.runs} + 1` })
      .where(
        and(
          eq(scheduledJobRuns.job, j.key),
          or(isNull(scheduledJobRuns.last_started_at), lt(scheduledJobRuns.last_started_at, sql`now() - make_interval(secs => ${j.everySeconds - slack})`)),
        ),
      )
      .returning({ job: scheduledJobRuns.job });
    return claimed.length > 0;
  });
}

export interface RunReport {
  key: string;
  outcome: string;
}

/** Runs each enabled job that is due and that this process claims; returns what ran and how it ended. */
export async function runDueJobs(services: Services, jobs: EffectiveJob[], who = `${os.hostname()}:${process.pid}`): Promise<RunReport[]> {
  const report: RunReport[] = [];
  for (const j of jobs) {
    if (!j.enabled) continue;
    if (!(await claim(services, j, who))) continue;
    let outcome = 'ok';
    try {
      await j.job.run(services);
    } catch (e) {
      // the message only: no stack, and nothing of the config (URLs with passwords) beyond what the job said
      outcome = `error: ${String((e as Error)?.message ?? e).replace(/\/\/[^/@\s]*@/g, '//<redacted>@').slice(0, 500)}`;
      console.error(`scheduled job ${j.key} failed: ${outcome.slice(7)}`);
    }
    await services.db.update(scheduledJobRuns).set({ last_finished_at: sql`now()`, outcome }).where(eq(scheduledJobRuns.job, j.key));
    report.push({ key: j.key, outcome });
  }
  return report;
}

export interface SchedulerOptions {
  /** delay of the first round (default: one interval); serve starts it 2 s after listening */
  firstRunMs?: number;
  /** the jobs to run (default: every app's, with the config's overrides) */
  jobs?: EffectiveJob[];
  who?: string;
}

export function startScheduler(services: Services, opts: SchedulerOptions = {}): { stop(): Promise<void> } {
  const interval = services.config.schedulerIntervalSeconds;
  if (!interval) return { stop: async () => {} };
  const jobs = opts.jobs ?? effectiveJobs(services);
  let stopped = false;
  let current: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const round = () => {
    if (stopped) return;
    current = runDueJobs(services, jobs, opts.who)
      .catch((e) => console.error('scheduler:', (e as Error).message))
      .finally(() => {
        current = null;
        if (!stopped) (timer = setTimeout(round, interval * 1000)).unref();
      });
  };
  (timer = setTimeout(round, opts.firstRunMs ?? interval * 1000)).unref();
  return {
    // waits for a running job, so that the database is not closed under it
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (current) await current;
    },
  };
}
