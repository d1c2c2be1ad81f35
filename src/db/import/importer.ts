// Loads a Django `dumpdata` export of an upstream Alyx into our tables, generically over the model
// registry (src/db/models.ts): a dump row's `model` label names the table, its `fields` are keyed by
// Django field names as our TS column keys are, FK fields hold the target's pk (or its natural key
// with --natural-foreign), and many-to-many fields hold lists written into the join tables.
//
// Everything runs in one transaction. Rows whose pk already exists are skipped (or overwritten with
// `replace`), so a re-run is harmless. A dump row whose unique key (a lab's name, a user's username,
// a dataset type's name...) matches an existing row with another pk is merged into that row: its pk
// is remapped wherever the dump refers to it. That is how reference data seeded by Alyx-local and
// the same reference data in the dump meet.
import { cliActor, recordAudit, summary, type AuditChange } from '../../apps/audit/record.ts';
import { and, eq, getTableColumns, gt, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { alias, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Db, Queryable, Tx } from '../client.ts';
import { allModels, contentTypeLabel, uniqueKeysOf, type ModelInfo } from '../models.ts';
import type { DumpRow } from './read.ts';
import { createStaging, importStaging } from './staging.ts';
// every app's tables declare their model when loaded: the registry (allModels) is complete only
// once all are, whichever command loaded this module first
import '../schema.ts';

export class ImportError extends Error {}

export interface ImportOptions {
  /** overwrite rows whose pk already exists (default: keep them and skip the dump's row) */
  replace?: boolean;
  /** do everything, report, then roll back: checks that a dump imports cleanly */
  dryRun?: boolean;
  /**
   * rows per INSERT (default: as many as fit in 30000 parameters, at most 500), and rows per batch
   * staged and read back (default 1000)
   */
  batchSize?: number;
  /** reading progress: rows staged so far (the total is known once the dump is read) */
  onRead?: (rows: number) => void;
  /** progress callback: rows processed so far, out of `total` */
  onProgress?: (done: number, total: number) => void;
  /** the dump's file name, for the audit trail */
  source?: string;
}

export interface ModelCounts {
  /** rows of this model in the dump */
  rows: number;
  /** new rows written */
  inserted: number;
  /** rows whose pk existed: skipped (default) or overwritten (replace) */
  existing: number;
  /** rows merged into an existing row with the same unique key (and another pk) */
  matched: number;
}

export interface ImportReport {
  models: Record<string, ModelCounts>;
  /** rows merged into an existing row: model -> dump pk -> pk of the existing row */
  merged: Record<string, Record<string, unknown>>;
  /** many-to-many links written, by "<model>.<field>" */
  links: Record<string, number>;
  /** dump models without a table here: count and reason; they are skipped */
  skippedModels: Record<string, { rows: number; reason: string }>;
  /** dump fields without a column here, by "<model>.<field>": number of rows that had them */
  ignoredFields: Record<string, number>;
  replace: boolean;
  /** true when the import was rolled back on purpose (dryRun) */
  dryRun: boolean;
}

class DryRunRollback extends Error {}

type Row = Record<string, unknown>;

/** Natural keys that `dumpdata --natural-foreign` writes for upstream models (others use `name`). */
const NATURAL_KEYS: Record<string, string[]> = {
  'misc.labmember': ['username'],
  'subjects.species': ['nickname'],
  'subjects.line': ['nickname'],
  'subjects.allele': ['nickname'],
  'subjects.subject': ['nickname'],
};

const NOT_STORED = /^(auth|admin|sessions|reversion|contenttypes|django_\w+|sites|guardian)\./;

function skipReason(label: string): string {
  if (label === 'contenttypes.contenttype') return 'content types: used to resolve generic relations, not stored';
  if (NOT_STORED.test(label)) return 'Django framework data (permissions, groups, admin log, sessions, history): not used by Alyx-local';
  return 'no table for this model in Alyx-local';
}

const colType = (c: PgColumn): string => (c as unknown as { columnType: string }).columnType;
const NUMERIC = new Set(['PgInteger', 'PgSmallInt', 'PgBigInt53', 'PgDoublePrecision', 'PgReal', 'PgSerial', 'PgSmallSerial', 'PgBigSerial53']);
const TEXT = new Set(['PgVarchar', 'PgText', 'PgChar']);

function pkOf(info: ModelInfo): [string, PgColumn] | null {
  const entry = Object.entries(info.columns).find(([, c]) => c.primary);
  return entry ?? null;
}

/** The database error's message and detail, through drizzle's wrapping. */
export function dbErrorMessage(e: unknown): string {
  let err = e as { message?: string; detail?: string; code?: string; cause?: unknown } | undefined;
  while (err && !err.code && err.cause) err = err.cause as typeof err;
  const msg = err?.message ?? String(e);
  return err?.detail ? `${msg} (${err.detail})` : msg;
}

const keyString = (v: unknown): string => (Array.isArray(v) ? JSON.stringify(v) : String(v));
const labelOf = (info: ModelInfo): string => contentTypeLabel(info);
const rowName = (info: ModelInfo, pk: unknown): string => `${labelOf(info)} pk ${keyString(pk)}`;

function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  if (!map.has(key)) map.set(key, []);
  return map.get(key)!;
}

// ---------------------------------------------------------------------------------------------
// Step 1, read: the dump's rows streamed into the staging table (src/db/import/staging.ts), the
// rest counted as skipped. What stays in memory is small: counts, content types, the natural keys
// the dump refers to.

/** A dump: a list, or a stream of rows (a file being read, an upstream database's tables). */
export type DumpSource = Iterable<DumpRow> | AsyncIterable<DumpRow>;

interface DumpPlan {
  /** our models with rows in the dump, and how many */
  counts: Map<ModelInfo, number>;
  /** contenttypes.contenttype pk -> "app.model" */
  contentTypes: Map<string, string>;
  infoOfTable: Map<PgTable, ModelInfo>;
  /** the natural keys (`--natural-foreign` lists, JSON) the dump uses, by target model */
  wanted: Map<ModelInfo, Set<string>>;
  /** labels of the models with rows that share their pk with rows of another model */
  sharedPk: Set<string>;
  total: number;
}

function wantNaturalKeys(plan: DumpPlan, info: ModelInfo, row: DumpRow): void {
  const want = (target: ModelInfo | undefined, value: unknown) => {
    if (!target || !Array.isArray(value)) return;
    if (!plan.wanted.has(target)) plan.wanted.set(target, new Set());
    plan.wanted.get(target)!.add(JSON.stringify(value));
  };
  for (const [field, value] of Object.entries(row.fields)) {
    const fk = info.foreignKeys[field];
    if (fk) want(plan.infoOfTable.get(fk.target), value);
    const m2m = info.m2m?.[field];
    if (m2m && Array.isArray(value)) for (const v of value) want(plan.infoOfTable.get(m2m.target), v);
  }
}

async function stageDump(tx: Tx, dump: DumpSource, report: ImportReport, opts: ImportOptions): Promise<DumpPlan> {
  const byLabel = new Map<string, ModelInfo>();
  for (const info of allModels()) if (pkOf(info)) byLabel.set(labelOf(info), info);
  const plan: DumpPlan = { counts: new Map(), contentTypes: new Map(), infoOfTable: new Map(allModels().map((m) => [m.table, m])), wanted: new Map(), sharedPk: new Set(), total: 0 };
  const size = opts.batchSize ?? READ_BATCH;
  let buffer: Array<typeof importStaging.$inferInsert> = [];
  const flush = async () => {
    if (!buffer.length) return;
    try {
      await tx.transaction((sp) => sp.insert(importStaging).values(buffer));
    } catch {
      // row by row, to name the one the database refuses (e.g. a NUL character, which jsonb cannot hold)
      for (const r of buffer) {
        try {
          await tx.transaction((sp) => sp.insert(importStaging).values(r));
        } catch (e) {
          throw new ImportError(`${r.model} pk ${keyString(r.pk)}: ${dbErrorMessage(e)}`);
        }
      }
    }
    buffer = [];
    opts.onRead?.(plan.total);
  };
  await createStaging(tx);
  for await (const row of dump) {
    if (row.model === 'contenttypes.contenttype') {
      const f = row.fields as { app_label?: string; model?: string };
      plan.contentTypes.set(String(row.pk), `${f.app_label}.${f.model}`.toLowerCase());
    }
    const info = byLabel.get(row.model);
    if (!info) {
      const s = (report.skippedModels[row.model] ??= { rows: 0, reason: skipReason(row.model) });
      s.rows++;
      continue;
    }
    wantNaturalKeys(plan, info, row);
    buffer.push({ seq: plan.total, model: row.model, pk: row.pk ?? null, pkText: typeof row.pk === 'string' ? row.pk : null, fields: row.fields });
    plan.counts.set(info, (plan.counts.get(info) ?? 0) + 1);
    plan.total++;
    if (buffer.length >= size) await flush();
  }
  await flush();
  // the models with rows sharing a pk with another model's rows (multi-table inheritance): only
  // their batches look up those rows
  const s = importStaging;
  const o = alias(importStaging, 'o');
  const shared = await tx
    .selectDistinct({ model: s.model })
    .from(s)
    .innerJoin(o, and(eq(o.pkText, s.pkText), ne(o.model, s.model)));
  for (const { model } of shared) plan.sharedPk.add(model);
  return plan;
}

/** Rows read back from the staging table per batch (and staged per INSERT), unless `batchSize` says otherwise. */
const READ_BATCH = 1000;

/**
 * A model's staged rows in dump order, in keyset batches. With `only`, each row's fields hold just
 * that field (many-to-many lists), read out of the jsonb by the database.
 */
async function* stagedRows(run: ImportRun, info: ModelInfo, only?: string): AsyncGenerator<DumpRow[]> {
  const label = labelOf(info);
  const size = run.opts.batchSize ?? READ_BATCH;
  const s = importStaging;
  const fields = only === undefined ? s.fields : sql<Record<string, unknown>>`jsonb_build_object(${only}::text, ${s.fields} -> ${only}::text)`;
  let last = -1;
  for (;;) {
    const rows = await run.tx
      .select({ seq: s.seq, pk: sql<string>`${s.pk}::text`, fields })
      .from(s)
      .where(and(eq(s.model, label), gt(s.seq, last)))
      .orderBy(s.seq)
      .limit(size);
    if (!rows.length) return;
    last = rows[rows.length - 1].seq;
    yield rows.map((r) => ({ model: label, pk: r.pk === null ? null : JSON.parse(r.pk), fields: r.fields }));
    if (rows.length < size) return;
  }
}

/** The fields of rows of other models with the same (uuid) pks: multi-table inheritance splits one object over two models. */
async function parentFields(run: ImportRun, info: ModelInfo, rows: DumpRow[]): Promise<Map<string, Array<Record<string, unknown>>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  const pks = rows.map((r) => r.pk).filter((pk): pk is string => typeof pk === 'string');
  if (!pks.length || !run.plan.sharedPk.has(labelOf(info))) return out;
  const s = importStaging;
  const found = await run.tx.select({ pk: s.pkText, fields: s.fields }).from(s).where(and(inArray(s.pkText, pks), ne(s.model, labelOf(info))));
  for (const r of found) listIn(out, r.pk!).push(r.fields);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Step 2, order: referenced models before the models that refer to them.

function orderModels(plan: DumpPlan): ModelInfo[] {
  const order: ModelInfo[] = [];
  const placed = new Set<ModelInfo>();
  const pending = [...plan.counts.keys()];
  const blocking = (info: ModelInfo, hardOnly: boolean) =>
    Object.values(info.foreignKeys).filter((fk) => {
      const t = plan.infoOfTable.get(fk.target);
      return t && t !== info && plan.counts.has(t) && !placed.has(t) && (!hardOnly || fk.column.notNull);
    }).length;
  while (pending.length) {
    let idx = pending.findIndex((i) => blocking(i, false) === 0);
    if (idx < 0) idx = pending.findIndex((i) => blocking(i, true) === 0); // cycle: break it on a nullable FK
    if (idx < 0) throw new ImportError(`cannot order ${pending.map(labelOf).join(', ')}: their required foreign keys form a cycle`);
    const [info] = pending.splice(idx, 1);
    order.push(info);
    placed.add(info);
  }
  return order;
}

// ---------------------------------------------------------------------------------------------
// The state of one import inside its transaction: pk remapping, natural keys, deferred FKs.

interface Deferred {
  info: ModelInfo;
  field: string;
  pk: unknown;
  value: unknown;
}

interface ImportRun {
  tx: Tx;
  plan: DumpPlan;
  opts: ImportOptions;
  report: ImportReport;
  /** dump pk -> existing pk, for rows merged into an existing row */
  remap: Map<ModelInfo, Map<string, unknown>>;
  /** natural key (JSON) -> pk, for the natural keys the dump uses */
  natural: Map<ModelInfo, Map<string, unknown>>;
  /** models whose rows are being or have been written (FKs to the others are deferred) */
  writtenModels: Set<ModelInfo>;
  /** foreign keys of written rows to rows written after them (self references, cycles) */
  deferred: Deferred[];
  done: number;
}

function progressBy(run: ImportRun, n: number): void {
  run.done += n;
  run.opts.onProgress?.(run.done, run.plan.total);
}

function remapOf(run: ImportRun, info: ModelInfo): Map<string, unknown> {
  if (!run.remap.has(info)) run.remap.set(info, new Map());
  return run.remap.get(info)!;
}

// ---------------------------------------------------------------------------------------------
// Step 3, map: natural keys to pks, dump values to column values.

function naturalFields(info: ModelInfo): string[] {
  const declared = NATURAL_KEYS[labelOf(info)];
  if (declared) return declared;
  if (info.columns.name) return ['name'];
  throw new ImportError(`${labelOf(info)} has no natural key known to the importer`);
}

/** Finds each wanted natural key's pk, in the dump (staged rows) or else in the database. */
async function loadNaturalKeys(run: ImportRun): Promise<void> {
  for (const [target, keys] of run.plan.wanted) {
    const fields = naturalFields(target);
    const found = new Map<string, unknown>();
    const [pkField] = pkOf(target)!;
    if (run.plan.counts.has(target)) {
      for await (const rows of stagedRows(run, target)) {
        for (const row of rows) {
          const key = JSON.stringify(fields.map((f) => row.fields[f]));
          if (keys.has(key)) found.set(key, row.pk);
        }
      }
    }
    const missing = [...keys].filter((k) => !found.has(k)).map((k) => JSON.parse(k) as unknown[]);
    const cols = fields.map((f) => target.columns[f]);
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      const where = or(...chunk.map((k) => and(...cols.map((c, j) => eq(c, k[j])))));
      const sel: Record<string, PgColumn> = { __pk: target.columns[pkField] };
      fields.forEach((f) => (sel[f] = target.columns[f]));
      const rows = (await run.tx.select(sel).from(target.table as never).where(where)) as Row[];
      for (const r of rows) found.set(JSON.stringify(fields.map((f) => r[f])), r.__pk);
    }
    run.natural.set(target, found);
  }
}

/** A foreign key's value (pk or natural key) as the pk to write, after merges. */
function resolve(run: ImportRun, target: ModelInfo | undefined, value: unknown, where: string): unknown {
  if (value === null || value === undefined || !target) return value ?? null;
  let pk: unknown = value;
  if (Array.isArray(value)) {
    pk = run.natural.get(target)?.get(JSON.stringify(value));
    if (pk === undefined) {
      throw new ImportError(`${where}: no ${labelOf(target)} with natural key ${JSON.stringify(value)} in the dump or the database`);
    }
  }
  const mapped = run.remap.get(target)?.get(String(pk));
  return mapped === undefined ? pk : mapped;
}

function contentTypeOf(plan: DumpPlan, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.join('.').toLowerCase();
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    const label = plan.contentTypes.get(String(value));
    if (!label) throw new ImportError(`${where}: content type id ${value} has no contenttypes.contenttype row in the dump`);
    return label;
  }
  return String(value);
}

/** A dump value as the value of column `c`. */
function convert(plan: DumpPlan, c: PgColumn, value: unknown, where: string, field: string): unknown {
  if (value === null || value === undefined) return null;
  const t = colType(c);
  if (field === 'content_type' && TEXT.has(t)) return contentTypeOf(plan, value, where);
  if (t === 'PgArray') {
    let v = value;
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        throw new ImportError(`${where}: ${field} is not a list: ${JSON.stringify(value)}`);
      }
    }
    const base = (c as unknown as { baseColumn?: PgColumn }).baseColumn;
    if (Array.isArray(v) && base && NUMERIC.has(colType(base))) v = v.map((x) => (x === null ? null : Number(x)));
    return v;
  }
  if (NUMERIC.has(t) && typeof value === 'string') return Number(value);
  // upstream's CharNullField stores '' as NULL in nullable unique columns; the dump shows ''
  if (value === '' && TEXT.has(t) && !c.notNull && c.isUnique) return null;
  return value;
}

/** The row's fields, with those of its parent model's row (multi-table inheritance: same pk). */
function fieldsWithParents(info: ModelInfo, row: DumpRow, parents: Map<string, Array<Record<string, unknown>>>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...row.fields };
  for (const other of typeof row.pk === 'string' ? parents.get(row.pk) ?? [] : []) {
    for (const [f, v] of Object.entries(other)) if (!(f in fields) && f in info.columns) fields[f] = v;
  }
  return fields;
}

/**
 * One dump row as column values keyed by TS (Django) field names. Foreign keys to rows not written
 * yet (self references, cycles) are left null and pushed to `later`, set once those rows exist.
 */
function mapRow(run: ImportRun, info: ModelInfo, row: DumpRow, parents: Map<string, Array<Record<string, unknown>>>, later: Array<{ field: string; value: unknown }>): Row {
  const { plan, report } = run;
  const label = labelOf(info);
  const where = rowName(info, row.pk);
  const [pkField] = pkOf(info)!;
  const out: Row = { [pkField]: row.pk };
  for (const [field, raw] of Object.entries(fieldsWithParents(info, row, parents))) {
    if (info.m2m?.[field]) continue;
    const c = info.columns[field];
    if (!c || field === pkField) {
      if (!c) report.ignoredFields[`${label}.${field}`] = (report.ignoredFields[`${label}.${field}`] ?? 0) + 1;
      continue;
    }
    const fk = info.foreignKeys[field];
    let v: unknown;
    if (fk) {
      const target = plan.infoOfTable.get(fk.target);
      v = resolve(run, target, raw, where);
      if (v !== null && target && plan.counts.has(target) && (target === info || !run.writtenModels.has(target))) {
        later.push({ field, value: raw });
        v = null;
      }
    } else v = convert(plan, c, raw, where, field);
    if (v === null && c.notNull) {
      if (c.hasDefault) continue;
      if (TEXT.has(colType(c))) v = '';
    }
    out[field] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Step 4, write: merge by unique keys, insert (or overwrite), deferred FKs, many-to-many links.

/** Rows matching an existing row by a unique key (with another pk): row index -> existing pk. */
async function findMerges(run: ImportRun, info: ModelInfo, values: Row[]): Promise<Map<number, unknown>> {
  const label = labelOf(info);
  const [pkField, pkCol] = pkOf(info)!;
  const merged = new Map<number, unknown>();
  for (const key of uniqueKeysOf(info)) {
    const cols = key.map((f) => info.columns[f]);
    const candidates = values.map((v, i) => [i, v] as const).filter(([i, v]) => !merged.has(i) && key.every((f) => v[f] !== null && v[f] !== undefined));
    for (let i = 0; i < candidates.length; i += 500) {
      const chunk = candidates.slice(i, i + 500);
      const where =
        key.length === 1
          ? inArray(cols[0], chunk.map(([, v]) => v[key[0]]))
          : or(...chunk.map(([, v]) => and(...cols.map((c, j) => eq(c, v[key[j]])))));
      const sel: Record<string, PgColumn> = { __pk: pkCol };
      key.forEach((f) => (sel[f] = info.columns[f]));
      const existing = (await run.tx.select(sel).from(info.table as never).where(where)) as Row[];
      const index = new Map(existing.map((r) => [JSON.stringify(key.map((f) => String(r[f]))), r.__pk]));
      for (const [j, v] of chunk) {
        const found = index.get(JSON.stringify(key.map((f) => String(v[f]))));
        if (found !== undefined && String(found) !== String(v[pkField])) {
          merged.set(j, found);
          remapOf(run, info).set(String(v[pkField]), found);
          (run.report.merged[label] ??= {})[String(v[pkField])] = found;
        }
      }
    }
  }
  return merged;
}

type Inserted = Array<{ pk: unknown; fresh: boolean }>;

/** One INSERT of a batch: existing pks skipped, or overwritten with `replace`; `fresh` tells new rows. */
async function insertBatch(q: Queryable, info: ModelInfo, batch: Row[], replace: boolean): Promise<Inserted> {
  const [pkField, pkCol] = pkOf(info)!;
  const base = q.insert(info.table).values(batch as never);
  const returning = { pk: pkCol, fresh: sql<boolean>`(xmax = 0)` };
  const set: Record<string, SQL> = {};
  if (replace) {
    const present = new Set(batch.flatMap((r) => Object.keys(r)));
    for (const f of present) if (f !== pkField) set[f] = sql`excluded.${sql.identifier(info.columns[f].name)}`;
  }
  if (!Object.keys(set).length) return (await base.onConflictDoNothing({ target: pkCol }).returning(returning)) as Inserted;
  return (await base.onConflictDoUpdate({ target: pkCol, set }).returning(returning)) as Inserted;
}

/**
 * Inserts the rows in batches (each under a savepoint); a failing batch is retried row by row to
 * name the culprit. Returns the pks written (inserted, or overwritten with `replace`).
 */
async function insertRows(run: ImportRun, info: ModelInfo, rows: Row[], counts: ModelCounts): Promise<Set<string>> {
  const [pkField] = pkOf(info)!;
  const replace = run.report.replace;
  const ncols = Math.max(1, Object.keys(info.columns).length);
  // at most 30000 parameters per statement: PGlite fails above about 60000
  const batchSize = run.opts.batchSize ?? Math.max(1, Math.min(500, Math.floor(30000 / ncols)));
  const written = new Set<string>();
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    let result: Inserted;
    try {
      result = await run.tx.transaction((sp) => insertBatch(sp as unknown as Queryable, info, batch, replace));
    } catch {
      result = [];
      for (const row of batch) {
        try {
          result.push(...(await run.tx.transaction((sp) => insertBatch(sp as unknown as Queryable, info, [row], replace))));
        } catch (e) {
          throw new ImportError(`${rowName(info, row[pkField])}: ${dbErrorMessage(e)}`);
        }
      }
    }
    for (const r of result) {
      written.add(String(r.pk));
      if (r.fresh) counts.inserted++;
    }
    counts.existing += batch.length - result.filter((r) => r.fresh).length;
    progressBy(run, batch.length);
  }
  return written;
}

/** With `replace`, merged rows take the dump's values (their pk stays the existing one). */
async function overwriteMerged(run: ImportRun, info: ModelInfo, values: Row[], merged: Map<number, unknown>, written: Set<string>): Promise<void> {
  const [pkField, pkCol] = pkOf(info)!;
  for (const [i, existingPk] of merged) {
    const { [pkField]: _dumpPk, ...rest } = values[i];
    if (!Object.keys(rest).length) continue;
    try {
      await run.tx.transaction((sp) => sp.update(info.table).set(rest as never).where(eq(pkCol, existingPk)));
    } catch (e) {
      throw new ImportError(`${rowName(info, values[i][pkField])}: ${dbErrorMessage(e)}`);
    }
    written.add(String(existingPk));
  }
}

/** Map, merge and write every dump row of one model, one staged batch at a time. */
async function writeModel(run: ImportRun, info: ModelInfo): Promise<void> {
  const counts: ModelCounts = (run.report.models[labelOf(info)] = { rows: run.plan.counts.get(info) ?? 0, inserted: 0, existing: 0, matched: 0 });
  run.writtenModels.add(info);
  for await (const rows of stagedRows(run, info)) {
    const parents = await parentFields(run, info, rows);
    const later = new Map<number, Array<{ field: string; value: unknown }>>();
    const values = rows.map((row, i) => {
      const list: Array<{ field: string; value: unknown }> = [];
      const v = mapRow(run, info, row, parents, list);
      if (list.length) later.set(i, list);
      return v;
    });
    const merged = await findMerges(run, info, values);
    counts.matched += merged.size;
    const written = await insertRows(run, info, values.filter((_, i) => !merged.has(i)), counts);
    if (run.report.replace) await overwriteMerged(run, info, values, merged, written);
    progressBy(run, merged.size);
    // only the rows written here get their deferred FKs (a skipped existing row keeps its own)
    for (const [i, list] of later) {
      const pk = merged.has(i) ? merged.get(i) : rows[i].pk;
      if (!written.has(String(pk))) continue;
      for (const d of list) run.deferred.push({ info, field: d.field, pk, value: d.value });
    }
  }
}

/** Sets foreign keys that pointed to rows written after their referrer, 1000 rows per UPDATE. */
async function applyDeferred(run: ImportRun): Promise<void> {
  const byField = new Map<string, Deferred[]>();
  for (const d of run.deferred) listIn(byField, `${labelOf(d.info)}\u0000${d.field}`).push(d);
  for (const list of byField.values()) {
    const { info, field } = list[0];
    const [, pkCol] = pkOf(info)!;
    const col = info.columns[field];
    const target = run.plan.infoOfTable.get(info.foreignKeys[field].target);
    const valueType = sql.raw(col.getSQLType());
    const pkType = sql.raw(pkCol.getSQLType());
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      const pairs = chunk.map((d) => sql`(${String(d.pk)}, ${String(resolve(run, target, d.value, rowName(info, d.pk)))})`);
      const values = sql`(values ${sql.join(pairs, sql`, `)}) as v(pk, val)`;
      try {
        await run.tx.transaction((sp) =>
          sp.update(info.table).set({ [field]: sql`v.val::${valueType}` }).from(values).where(sql`${pkCol} = v.pk::${pkType}`),
        );
      } catch {
        // every row on its own, to name the one at fault
        for (const d of chunk) {
          try {
            const value = sql`${String(resolve(run, target, d.value, ''))}::${valueType}`;
            await run.tx.transaction((sp) => sp.update(info.table).set({ [field]: value }).where(sql`${pkCol} = ${String(d.pk)}::${pkType}`));
          } catch (err) {
            throw new ImportError(`${rowName(info, d.pk)}: ${dbErrorMessage(err)}`);
          }
        }
      }
    }
  }
  run.deferred = [];
}

/** The join-table rows of one many-to-many field of a batch of dump rows, and their owners. */
function linksOf(run: ImportRun, info: ModelInfo, rows: DumpRow[], field: string, m2m: NonNullable<ModelInfo['m2m']>[string]) {
  const throughCols = getTableColumns(m2m.through) as Record<string, PgColumn>;
  const fromKey = Object.entries(throughCols).find(([, c]) => c === m2m.from || c.name === m2m.from.name)![0];
  const toKey = Object.entries(throughCols).find(([, c]) => c === m2m.to || c.name === m2m.to.name)![0];
  const target = run.plan.infoOfTable.get(m2m.target);
  const links: Row[] = [];
  const owners: unknown[] = [];
  for (const row of rows) {
    const list = row.fields[field];
    if (!Array.isArray(list)) continue;
    const owner = run.remap.get(info)?.get(String(row.pk)) ?? row.pk;
    owners.push(owner);
    const seen = new Set<string>();
    for (const item of list) {
      const to = resolve(run, target, item, `${rowName(info, row.pk)}, ${field}`);
      if (to === null || seen.has(String(to))) continue;
      seen.add(String(to));
      links.push({ [fromKey]: owner, [toKey]: to });
    }
  }
  return { links, owners, fromKey, toKey };
}

/** Writes a model's many-to-many links (with `replace`, its owners' old links go first). */
async function writeLinks(run: ImportRun, info: ModelInfo): Promise<void> {
  const label = labelOf(info);
  for (const [field, m2m] of Object.entries(info.m2m ?? {})) {
    let n = 0;
    let any = false;
    for await (const rows of stagedRows(run, info, field)) {
      const { links, owners, fromKey, toKey } = linksOf(run, info, rows, field, m2m);
      if (run.report.replace) {
        for (let i = 0; i < owners.length; i += 1000) await run.tx.delete(m2m.through).where(inArray(m2m.from, owners.slice(i, i + 1000)));
      }
      const insert = (q: Queryable, batch: Row[]) => q.insert(m2m.through).values(batch as never).onConflictDoNothing().returning();
      for (let i = 0; i < links.length; i += 1000) {
        const batch = links.slice(i, i + 1000);
        try {
          n += (await run.tx.transaction((sp) => insert(sp as unknown as Queryable, batch))).length;
        } catch {
          for (const link of batch) {
            try {
              n += (await run.tx.transaction((sp) => insert(sp as unknown as Queryable, [link]))).length;
            } catch (e) {
              throw new ImportError(`${label} pk ${keyString(link[fromKey])}, ${field} -> ${keyString(link[toKey])}: ${dbErrorMessage(e)}`);
            }
          }
        }
      }
      any ||= links.length > 0;
    }
    if (any) run.report.links[`${label}.${field}`] = n;
  }
}

// ---------------------------------------------------------------------------------------------
// Step 5, report: filled by the steps above, returned whole (also after a dry run's rollback).

/**
 * The audit trail of an import: one entry per model (whatever its number of rows, so that a dump
 * of 100k rows adds a few dozen audit rows), with its counts and many-to-many links.
 */
function auditSummary(report: ImportReport, source: string): AuditChange[] {
  return Object.entries(report.models).map(([label, counts]) => {
    const links = Object.fromEntries(Object.entries(report.links).filter(([k]) => k.startsWith(`${label}.`)));
    const repr = `${counts.inserted} new of ${counts.rows} rows${source ? ` from ${source}` : ''}`;
    return summary('import', label, repr, { ...counts, ...(Object.keys(links).length ? { links } : {}), source, replace: report.replace });
  });
}

/**
 * Imports a dump: read (stream into the staging table) → order (by foreign keys) → map (natural
 * keys, values) → write (merge, insert, deferred FKs, links), model by model in batches, all in one
 * transaction → the report. Memory holds a batch of rows, not the dump.
 */
export async function importDump(db: Db, dump: DumpSource, opts: ImportOptions = {}): Promise<ImportReport> {
  const report: ImportReport = { models: {}, merged: {}, links: {}, skippedModels: {}, ignoredFields: {}, replace: opts.replace === true, dryRun: opts.dryRun === true };
  await db
    .transaction(async (tx) => {
      const plan = await stageDump(tx, dump, report, opts);
      const order = orderModels(plan);
      const run: ImportRun = { tx, plan, opts, report, remap: new Map(), natural: new Map(), writtenModels: new Set(), deferred: [], done: 0 };
      await loadNaturalKeys(run);
      for (const info of order) await writeModel(run, info);
      await applyDeferred(run);
      for (const info of order) await writeLinks(run, info);
      await recordAudit(tx, cliActor('import'), auditSummary(report, opts.source ?? ''));
      if (opts.dryRun) throw new DryRunRollback(); // undoes everything, the report stays
    })
    .catch((e) => {
      if (!(e instanceof DryRunRollback)) throw e;
    });
  return report;
}

/** Rows per model label in a dump, for comparisons and the summary. */
export function countByModel(dump: DumpRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of dump) out[r.model] = (out[r.model] ?? 0) + 1;
  return out;
}
