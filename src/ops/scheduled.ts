// Scheduled backups: the server itself writes `alyx-scheduled-<time>.tar.gz` into the backup
// directory every `backup.intervalHours` (0: off) and prunes the older scheduled ones by the
// retention rule. The files are the job's state: after a restart the next backup is due when the
// newest scheduled file is older than the interval. Manual and safety backups are never pruned.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Services } from '../services.ts';
import type { ScheduledJob } from '../apps/app.ts';
import { backupTime, createBackup } from './archive.ts';
import { planRetention } from './retention.ts';

export function listBackups(dir: string, kind?: 'backup' | 'scheduled' | 'safety'): Array<{ name: string; file: string; time: Date }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => !kind || name.startsWith(`alyx-${kind}-`))
    .map((name) => ({ name, file: path.join(dir, name), time: backupTime(name) }))
    .filter((b): b is { name: string; file: string; time: Date } => b.time !== null)
    .sort((a, b) => b.time.getTime() - a.time.getTime());
}

export interface ScheduledResult {
  file: string | null;
  removed: string[];
}

/** Writes a scheduled backup when one is due, then prunes. `now` is for tests. */
export async function runScheduledBackup(services: Services, now = new Date()): Promise<ScheduledResult> {
  const { dir, intervalHours, keep } = services.config.backup;
  if (!intervalHours) return { file: null, removed: [] };
  const newest = listBackups(dir, 'scheduled')[0];
  // a little slack so that a backup every 24 h does not drift by one scheduler tick a day
  if (newest && now.getTime() - newest.time.getTime() < intervalHours * 3600e3 - 5 * 60e3) return { file: null, removed: [] };
  const { file } = await createBackup(services, { kind: 'scheduled' });
  const plan = planRetention(listBackups(dir, 'scheduled'), keep);
  for (const b of plan.remove) fs.rmSync(b.file, { force: true });
  return { file, removed: plan.remove.map((b) => b.name) };
}

/** Checked every 10 minutes by the scheduler; does nothing unless backups are scheduled. */
export const backupJob: ScheduledJob = {
  name: 'backups',
  everySeconds: 600,
  enabledByDefault: true,
  run: async (services) => void (await runScheduledBackup(services)),
};

/**
 * Planner statistics: the embedded database has no autovacuum, so its statistics are never
 * refreshed on their own (without them the planner guesses, e.g. a sequential scan of the file
 * records for a page of datasets). Serve runs the first round 2 s after listening. Harmless, and
 * cheap, on PostgreSQL (whose autovacuum does it too).
 */
export const plannerStatisticsJob: ScheduledJob = {
  name: 'planner statistics',
  everySeconds: 3600,
  enabledByDefault: true,
  run: async (services) => void (await services.db.execute(sql`analyze`)),
};
