// The database part of a backup: every table of the schema as JSON lines, one row per line as
// PostgreSQL's row_to_json writes it, and loaded back with json_populate_recordset. PostgreSQL does
// both conversions itself, so every type (timestamps to the microsecond, jsonb, numeric, floats)
// comes back exactly, on either engine: a backup of the embedded database restores into PostgreSQL
// and back. The same row text gives each table's checksum.
import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { is, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema.ts';
import { query, type Queryable } from '../db/client.ts';
import { CliError } from '../cli/args.ts';
import { isDerived, rebuildDerivedTables } from '../db/derived.ts';

/** Every table of the schema, in schema order, but the derived ones (rebuilt after loading instead). */
export const backupTables: PgTable[] = (Object.values(schema) as unknown[]).filter((t): t is PgTable => is(t, PgTable) && !isDerived(t));

export function tableName(table: PgTable): string {
  return getTableConfig(table).name;
}

export function tableByName(name: string): PgTable | undefined {
  return backupTables.find((t) => tableName(t) === name);
}

/** The quoted (schema-qualified when declared) name, as regclass input. */
function regclassName(table: PgTable): string {
  const { schema: s, name } = getTableConfig(table);
  return s ? `"${s}"."${name}"` : `"${name}"`;
}

export interface TableDigest {
  rows: number;
  /** sum of the sha256 of every row's JSON text, modulo 2^256: independent of row order */
  sha256: string;
}

/** Order-independent digest of a table's rows (rows come in no particular order). */
export class RowDigest {
  private sum = 0n;
  rows = 0;
  add(line: string): void {
    this.sum = (this.sum + BigInt('0x' + crypto.createHash('sha256').update(line).digest('hex'))) & ((1n << 256n) - 1n);
    this.rows++;
  }
  result(): TableDigest {
    return { rows: this.rows, sha256: this.sum.toString(16).padStart(64, '0') };
  }
}

/** The table's columns in the database (null: the table does not exist there). */
export async function columnsInDatabase(db: Queryable, table: PgTable): Promise<string[] | null> {
  const rows = await query<{ name: string | null; exists: boolean }>(
    db,
    sql`select to_regclass(${regclassName(table)}) is not null as exists,
          (select array_agg(attname::text order by attnum) from pg_attribute
            where attrelid = to_regclass(${regclassName(table)}) and attnum > 0 and not attisdropped)::text as name`,
  );
  if (!rows[0].exists) return null;
  const raw = rows[0].name ?? '{}';
  return raw.slice(1, -1).split(',').filter(Boolean).map((c) => c.replace(/^"(.*)"$/, '$1'));
}

const columnList = (columns: string[]): SQL => sql.join(columns.map((c) => sql.identifier(c)), sql`, `);

/**
 * Calls `onLine` with each row's JSON text (the given columns, in that order). Runs a cursor in
 * batches, so a large table is never held in memory; needs a transaction (the caller's).
 */
export async function scanTable(tx: Queryable, table: PgTable, columns: string[], onLine: (line: string) => void | Promise<void>): Promise<TableDigest> {
  const digest = new RowDigest();
  await tx.execute(sql`declare alyx_backup_rows no scroll cursor for select row_to_json(alyx_row)::text as r from (select ${columnList(columns)} from ${table}) alyx_row`);
  try {
    for (;;) {
      const rows = await query<{ r: string }>(tx, sql`fetch forward 2000 from alyx_backup_rows`);
      if (!rows.length) break;
      for (const { r } of rows) {
        digest.add(r);
        await onLine(r);
      }
    }
  } finally {
    await tx.execute(sql`close alyx_backup_rows`);
  }
  return digest.result();
}

/** JSON text is compared byte for byte: fix the session settings that change how values are written. */
export async function fixOutputSettings(tx: Queryable): Promise<void> {
  await tx.execute(sql`set local timezone = 'UTC'`);
  await tx.execute(sql`set local extra_float_digits = 1`);
}

export interface DumpedTable extends TableDigest {
  columns: string[];
}

/** Writes every existing table to `<dir>/<table>.jsonl`; call inside one (repeatable read) transaction. */
export async function dumpTables(tx: Queryable, dir: string): Promise<Record<string, DumpedTable>> {
  await fixOutputSettings(tx);
  const out: Record<string, DumpedTable> = {};
  for (const table of backupTables) {
    const columns = await columnsInDatabase(tx, table);
    if (!columns) continue; // a table added by a migration not applied to this database
    const name = tableName(table);
    const stream = fs.createWriteStream(`${dir}/${name}.jsonl`);
    let failed: Error | null = null;
    stream.on('error', (e) => (failed = e));
    let digest: TableDigest;
    try {
      digest = await scanTable(tx, table, columns, (line) => {
        if (failed) throw failed;
        if (!stream.write(line + '\n')) return new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      });
    } catch (e) {
      stream.destroy();
      throw e;
    }
    await new Promise<void>((resolve, reject) => stream.end(() => (failed ? reject(failed) : resolve())));
    out[name] = { ...digest, columns };
  }
  return out;
}

export async function* linesOf(file: string): AsyncGenerator<string> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) if (line !== '') yield line;
}

/** Digest of a dumped table file, as written (checks the archive without a database). */
export async function digestFile(file: string): Promise<TableDigest> {
  const digest = new RowDigest();
  for await (const line of linesOf(file)) digest.add(line);
  return digest.result();
}

export class RestoreError extends CliError {}

/**
 * Replaces the content of every table with the dumped rows, inside the caller's transaction.
 * Foreign keys are not checked while loading (session_replication_role = replica): the rows come
 * from one consistent snapshot, in no particular order, and some tables refer to themselves.
 */
export async function loadTables(tx: Queryable, dir: string, tables: Record<string, { columns: string[]; rows: number }>): Promise<Record<string, number>> {
  try {
    await tx.execute(sql`set local session_replication_role = replica`);
  } catch (e) {
    throw new RestoreError(
      `this database role may not set session_replication_role, which a restore needs to load rows in any order (${(e as Error).message}). ` +
        'Restore as a superuser, or on PostgreSQL 15+ run "GRANT SET ON PARAMETER session_replication_role TO <role>" as a superuser.',
    );
  }
  const present: PgTable[] = [];
  for (const table of backupTables) if (await columnsInDatabase(tx, table)) present.push(table);
  if (present.length) await tx.execute(sql`truncate ${sql.join(present, sql`, `)}`);
  const counts: Record<string, number> = {};
  for (const [name, entry] of Object.entries(tables)) {
    const table = tableByName(name);
    const target = table && (await columnsInDatabase(tx, table));
    if (!table || !target) throw new RestoreError(`the backup has a table ${name} that this database does not have`);
    const missing = entry.columns.filter((c) => !target.includes(c));
    if (missing.length) throw new RestoreError(`the backup has columns this database lacks: ${name}.${missing.join(', ')}`);
    const cols = columnList(entry.columns);
    let batch: string[] = [];
    let bytes = 0;
    let n = 0;
    const flush = async () => {
      if (!batch.length) return;
      const json = `[${batch.join(',')}]`;
      await tx.execute(sql`insert into ${table} (${cols}) select ${cols} from json_populate_recordset(null::${table}, ${json}::json)`);
      n += batch.length;
      batch = [];
      bytes = 0;
    };
    for await (const line of linesOf(`${dir}/${name}.jsonl`)) {
      batch.push(line);
      bytes += line.length;
      if (batch.length >= 2000 || bytes > 8e6) await flush();
    }
    await flush();
    if (n !== entry.rows) throw new RestoreError(`${name}: ${n} rows in the archive, the manifest says ${entry.rows}`);
    counts[name] = n;
  }
  await rebuildDerivedTables(tx);
  return counts;
}

/** Counts and digests of the given tables and columns in a database (after a restore). */
export async function digestTables(tx: Queryable, tables: Record<string, { columns: string[] }>): Promise<Record<string, TableDigest>> {
  await fixOutputSettings(tx);
  const out: Record<string, TableDigest> = {};
  for (const [name, entry] of Object.entries(tables)) {
    const table = tableByName(name);
    if (!table || !(await columnsInDatabase(tx, table))) continue;
    out[name] = await scanTable(tx, table, entry.columns, () => {});
  }
  return out;
}
