// The in-process scheduler: every ALYX_SCHEDULER_INTERVAL seconds (0 = off) it runs the apps'
// scheduled jobs that are due. Jobs keep their own state in the database, so a restart loses nothing.
import { apps } from './apps/index.ts';
import type { Services } from './apps/app.ts';

export function startScheduler(services: Services): { stop(): void } {
  const interval = services.config.schedulerIntervalSeconds;
  if (!interval) return { stop() {} };
  const jobs = apps.flatMap((a) => a.jobs ?? []).filter((j) => j.enabledByDefault);
  const lastRun = new Map<string, number>();
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      for (const job of jobs) {
        const now = Date.now();
        if (now - (lastRun.get(job.name) ?? 0) < job.everySeconds * 1000) continue;
        lastRun.set(job.name, now);
        try {
          await job.run(services);
        } catch (e) {
          console.error(`scheduled job ${job.name} failed:`, e);
        }
      }
    } finally {
      running = false;
    }
  }, interval * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
