// The audit trail: one row per object created, updated or deleted, written in the transaction of
// the change (src/apps/audit/record.ts). Append-only: a trigger installed after the migrations
// (installAuditGuard) refuses UPDATE and DELETE of its rows, on PGlite and PostgreSQL alike.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

export const auditEntries = pgTable(
  'alyx_audit',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** clock time of the insert: rows of one transaction keep their order */
    datetime: timestamp('datetime', { mode: 'string', withTimezone: true })
      .notNull()
      .default(sql`clock_timestamp()`),
    /** the acting user (no foreign key: the trail outlives the user row) */
    user: uuid('user_id'),
    username: varchar('username', { length: 150 }).notNull().default(''),
    /** token | session | cli | import | system */
    channel: varchar('channel', { length: 16 }).notNull(),
    /** the client address of an HTTP request */
    client: varchar('client', { length: 255 }).notNull().default(''),
    /** create | update | delete | import */
    action: varchar('action', { length: 16 }).notNull(),
    /** content type label ("subjects.subject"), or the table name of a table without a model */
    model: varchar('model', { length: 100 }).notNull(),
    object_id: varchar('object_id', { length: 64 }).notNull().default(''),
    repr: varchar('repr', { length: 255 }).notNull().default(''),
    /** update: field -> [old, new]; create: the written values; delete: the deleted values */
    changes: jsonb('changes').notNull().default({}),
  },
  (t) => [
    index('alyx_audit_datetime_idx').on(t.datetime),
    index('alyx_audit_object_idx').on(t.object_id),
    index('alyx_audit_username_idx').on(t.username),
    index('alyx_audit_model_idx').on(t.model),
  ],
);
