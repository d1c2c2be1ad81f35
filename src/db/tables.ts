// Tables of the server itself rather than of an app.
import { integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/**
 * The hash of each app's reference data as it was last seeded: a start re-seeds an app only when
 * its seed content changed (src/db/setup.ts), so reopening a database does not rewrite 1,300 brain regions.
 */
export const seedVersions = pgTable('alyx_seed_version', {
  app: varchar('app', { length: 64 }).primaryKey(),
  hash: varchar('hash', { length: 64 }).notNull(),
  seeded_at: timestamp('seeded_at', { mode: 'string', withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per scheduled job (src/scheduler.ts): when it last started and finished, which process
 * ran it and how it ended. Several server processes on one PostgreSQL database claim a run here
 * (under an advisory lock), so a job runs once per interval, not once per process.
 */
export const scheduledJobRuns = pgTable('alyx_scheduled_job_run', {
  job: varchar('job', { length: 64 }).primaryKey(),
  last_started_at: timestamp('last_started_at', { mode: 'string', withTimezone: true }),
  last_finished_at: timestamp('last_finished_at', { mode: 'string', withTimezone: true }),
  /** host:pid of the process that ran it last */
  started_by: varchar('started_by', { length: 255 }),
  /** running | ok | error: <message> */
  outcome: text('outcome'),
  runs: integer('runs').notNull().default(0),
});
