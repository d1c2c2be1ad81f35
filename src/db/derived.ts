// Derived tables: rows the database computes from other tables with triggers, for reads that would
// otherwise aggregate many rows per request. The application never writes them. They are not backed
// up (a restore rebuilds them from the restored rows), and `alyx doctor` compares each with a recount.
import { getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './client.ts';
import { sessionProjectsSummary } from '../apps/actions/session-projects.ts';

export interface DerivedTable {
  table: PgTable;
  /** what it holds, in a few words (`alyx doctor` names its check so) */
  label: string;
  /** installs (or upgrades) the triggers and recounts the table; does nothing when they are current */
  install(db: Queryable): Promise<void>;
  /** recounts the whole table (inside the caller's transaction) */
  rebuild(db: Queryable): Promise<void>;
  /** number of rows that differ from a recount */
  differences(db: Queryable): Promise<number>;
}

export const derivedTables: readonly DerivedTable[] = [sessionProjectsSummary];

const derivedSet = new Set<PgTable>(derivedTables.map((d) => d.table));

export function isDerived(table: PgTable): boolean {
  return derivedSet.has(table);
}

export async function installDerivedTables(db: Queryable): Promise<void> {
  for (const d of derivedTables) await d.install(db);
}

export async function rebuildDerivedTables(tx: Queryable): Promise<void> {
  for (const d of derivedTables) await d.rebuild(tx);
}

/** Recounts, in one transaction each, the derived tables that differ from a recount; returns their names. */
export async function repairDerivedTables(db: Queryable): Promise<string[]> {
  const repaired: string[] = [];
  for (const d of derivedTables) {
    if (!(await d.differences(db))) continue;
    await db.transaction((tx) => d.rebuild(tx));
    repaired.push(getTableName(d.table));
  }
  return repaired;
}
