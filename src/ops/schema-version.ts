// The schema version of a database is the last drizzle migration applied to it (drizzle keeps them in
// drizzle.__drizzle_migrations, one row per migration with the journal entry's `when` as created_at);
// the code's version is the last entry of its migrations journal.
import fs from 'node:fs';
import path from 'node:path';
import { desc, sql } from 'drizzle-orm';
import { bigint, getTableConfig, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { MIGRATIONS_DIR, query, type Queryable } from '../db/client.ts';

/** drizzle's own bookkeeping table (created by its migrator), declared here to query it. */
const drizzleMigrations = pgSchema('drizzle').table('__drizzle_migrations', {
  id: serial('id').primaryKey(),
  hash: text('hash').notNull(),
  created_at: bigint('created_at', { mode: 'number' }),
});

export interface SchemaVersion {
  /** the migration's tag, e.g. "0000_init" (null: a migration this code does not know) */
  migration: string | null;
  index: number;
  /** the journal entry's timestamp (ms), which drizzle stores as created_at */
  when: number;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

export function codeMigrations(): JournalEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

export function codeSchemaVersion(): SchemaVersion {
  const last = codeMigrations().at(-1)!;
  return { migration: last.tag, index: last.idx, when: last.when };
}

/** Tags of the migrations applied to the database, oldest first ([] for a database never migrated). */
export async function appliedMigrations(db: Queryable): Promise<Array<{ migration: string | null; when: number }>> {
  const { schema, name } = getTableConfig(drizzleMigrations);
  const [{ exists }] = await query<{ exists: boolean }>(db, sql`select to_regclass(${`"${schema}"."${name}"`}) is not null as exists`);
  if (!exists) return [];
  const rows = await db.select({ when: drizzleMigrations.created_at }).from(drizzleMigrations).orderBy(desc(drizzleMigrations.created_at));
  const byWhen = new Map(codeMigrations().map((e) => [e.when, e.tag]));
  return rows.reverse().map((r) => ({ migration: byWhen.get(Number(r.when)) ?? null, when: Number(r.when) }));
}

/** The database's schema version, or null when no migration was ever applied. */
export async function databaseSchemaVersion(db: Queryable): Promise<SchemaVersion | null> {
  const applied = await appliedMigrations(db);
  const last = applied.at(-1);
  if (!last) return null;
  const entry = codeMigrations().find((e) => e.when === last.when);
  return { migration: last.migration, index: entry?.idx ?? applied.length - 1, when: last.when };
}

/** A schema this code does not know, or one made after its last migration. */
export function isNewerThanCode(v: SchemaVersion): boolean {
  const code = codeSchemaVersion();
  return v.when > code.when || !codeMigrations().some((e) => e.when === v.when);
}
