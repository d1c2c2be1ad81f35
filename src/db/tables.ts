// Tables of the server itself rather than of an app.
import { pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

/**
 * The hash of each app's reference data as it was last seeded: a start re-seeds an app only when
 * its seed content changed (src/db/setup.ts), so reopening a database does not rewrite 1,300 brain regions.
 */
export const seedVersions = pgTable('alyx_seed_version', {
  app: varchar('app', { length: 64 }).primaryKey(),
  hash: varchar('hash', { length: 64 }).notNull(),
  seeded_at: timestamp('seeded_at', { mode: 'string', withTimezone: true }).notNull().defaultNow(),
});
