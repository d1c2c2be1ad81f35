// The staging table of an import: the dump's rows, streamed in as they are read, then read back
// model by model in keyset batches (by `seq`), so that an import holds O(batch) rows in memory.
// It is a temporary table created inside the import's transaction (dropped at its end, commit or
// rollback): never part of the schema, the migrations or a backup.
import { sql } from 'drizzle-orm';
import { getTableConfig, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Tx } from '../client.ts';

export const importStaging = pgTable(
  'alyx_import_staging',
  {
    /** the row's position in the dump */
    seq: integer('seq').primaryKey(),
    /** the dump's model label */
    model: text('model').notNull(),
    /** the dump's pk as given (uuid string, integer, token key...) */
    pk: jsonb('pk'),
    /** the pk as text: rows of two models with the same pk are one object (multi-table inheritance) */
    pkText: text('pk_text'),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('alyx_import_staging_model').on(t.model, t.seq), index('alyx_import_staging_pk').on(t.pkText)],
);

const STAGING_TEMP_BUFFERS = '64MB';

/** Creates the staging table for this transaction (`on commit drop`). */
export async function createStaging(tx: Tx): Promise<void> {
  const cfg = getTableConfig(importStaging);
  // a temporary table lives in the session's local buffers (8 MB by default), and pages beyond them
  // go to temporary files: PGlite's are slow. More buffers, where the session allows it still (only
  // before its first temporary table).
  await tx.transaction((sp) => sp.execute(sql`select set_config('temp_buffers', ${STAGING_TEMP_BUFFERS}, true)`)).catch(() => {});
  const id = (name: string) => sql.identifier(name);
  const cols = cfg.columns.map((c) => sql`${id(c.name)} ${sql.raw(c.getSQLType())}${c.primary ? sql` primary key` : c.notNull ? sql` not null` : sql``}`);
  await tx.execute(sql`create temporary table ${id(cfg.name)} (${sql.join(cols, sql`, `)}) on commit drop`);
  for (const ix of cfg.indexes) {
    const on = ix.config.columns.map((c) => id((c as { name: string }).name));
    await tx.execute(sql`create index ${id(ix.config.name!)} on ${id(cfg.name)} (${sql.join(on, sql`, `)})`);
  }
}
