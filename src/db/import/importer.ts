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
import { and, eq, getTableColumns, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Queryable } from '../client.ts';
import { allModels, contentTypeLabel, uniqueKeysOf, type ModelInfo } from '../models.ts';
import type { DumpRow } from './read.ts';

export class ImportError extends Error {}

export interface ImportOptions {
  /** overwrite rows whose pk already exists (default: keep them and skip the dump's row) */
  replace?: boolean;
  /** do everything, report, then roll back: checks that a dump imports cleanly */
  dryRun?: boolean;
  /** rows per INSERT (default: as many as fit in 30000 parameters, at most 500) */
  batchSize?: number;
  /** progress callback: rows processed so far, out of `total` */
  onProgress?: (done: number, total: number) => void;
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

export async function importDump(db: Db, dump: DumpRow[], opts: ImportOptions = {}): Promise<ImportReport> {
  const replace = opts.replace === true;
  const report: ImportReport = { models: {}, merged: {}, links: {}, skippedModels: {}, ignoredFields: {}, replace, dryRun: opts.dryRun === true };

  // --- classify rows by model --------------------------------------------------------------
  const byLabel = new Map<string, ModelInfo>();
  for (const info of allModels()) if (pkOf(info)) byLabel.set(contentTypeLabel(info), info);
  const contentTypes = new Map<string, string>();
  const groups = new Map<ModelInfo, DumpRow[]>();
  const byPk = new Map<string, DumpRow[]>();
  for (const row of dump) {
    if (row.model === 'contenttypes.contenttype') {
      const f = row.fields as { app_label?: string; model?: string };
      contentTypes.set(String(row.pk), `${f.app_label}.${f.model}`.toLowerCase());
    }
    const info = byLabel.get(row.model);
    if (!info) {
      const s = (report.skippedModels[row.model] ??= { rows: 0, reason: skipReason(row.model) });
      s.rows++;
      continue;
    }
    if (!groups.has(info)) groups.set(info, []);
    groups.get(info)!.push(row);
    if (typeof row.pk === 'string') {
      if (!byPk.has(row.pk)) byPk.set(row.pk, []);
      byPk.get(row.pk)!.push(row);
    }
  }
  const labelOf = (info: ModelInfo) => contentTypeLabel(info);
  const infoOfTable = new Map<PgTable, ModelInfo>(allModels().map((m) => [m.table, m]));

  // --- order models by foreign keys ------------------------------------------------------------
  const order: ModelInfo[] = [];
  const placed = new Set<ModelInfo>();
  const pending = [...groups.keys()];
  while (pending.length) {
    const blocking = (info: ModelInfo, hardOnly: boolean) =>
      Object.values(info.foreignKeys).filter((fk) => {
        const t = infoOfTable.get(fk.target);
        return t && t !== info && groups.has(t) && !placed.has(t) && (!hardOnly || fk.column.notNull);
      }).length;
    let idx = pending.findIndex((i) => blocking(i, false) === 0);
    if (idx < 0) idx = pending.findIndex((i) => blocking(i, true) === 0); // cycle: break it on a nullable FK
    if (idx < 0) throw new ImportError(`cannot order ${pending.map(labelOf).join(', ')}: their required foreign keys form a cycle`);
    const [info] = pending.splice(idx, 1);
    order.push(info);
    placed.add(info);
  }

  // --- natural keys (--natural-foreign) --------------------------------------------------------
  const naturalFields = (info: ModelInfo): string[] => {
    const declared = NATURAL_KEYS[labelOf(info)];
    if (declared) return declared;
    if (info.columns.name) return ['name'];
    throw new ImportError(`${labelOf(info)} has no natural key known to the importer`);
  };
  const wanted = new Map<ModelInfo, Set<string>>();
  const want = (target: ModelInfo | undefined, value: unknown) => {
    if (!target || !Array.isArray(value)) return;
    if (!wanted.has(target)) wanted.set(target, new Set());
    wanted.get(target)!.add(JSON.stringify(value));
  };
  for (const [info, rows] of groups) {
    for (const row of rows) {
      for (const [field, value] of Object.entries(row.fields)) {
        const fk = info.foreignKeys[field];
        if (fk) want(infoOfTable.get(fk.target), value);
        const m2m = info.m2m?.[field];
        if (m2m && Array.isArray(value)) for (const v of value) want(infoOfTable.get(m2m.target), v);
      }
    }
  }

  // dump pk -> existing pk, for rows merged into an existing row
  const remap = new Map<ModelInfo, Map<string, unknown>>();
  const remapOf = (info: ModelInfo) => {
    if (!remap.has(info)) remap.set(info, new Map());
    return remap.get(info)!;
  };
  const natural = new Map<ModelInfo, Map<string, unknown>>();
  const total = [...groups.values()].reduce((n, r) => n + r.length, 0);
  let done = 0;

  await db.transaction(async (tx) => {
    for (const [target, keys] of wanted) {
      const fields = naturalFields(target);
      const found = new Map<string, unknown>();
      const [pkField] = pkOf(target)!;
      for (const row of groups.get(target) ?? []) {
        found.set(JSON.stringify(fields.map((f) => row.fields[f])), row.pk);
      }
      const missing = [...keys].filter((k) => !found.has(k)).map((k) => JSON.parse(k) as unknown[]);
      for (let i = 0; i < missing.length; i += 500) {
        const chunk = missing.slice(i, i + 500);
        const cols = fields.map((f) => target.columns[f]);
        const where = or(...chunk.map((k) => and(...cols.map((c, j) => eq(c, k[j])))));
        const sel: Record<string, PgColumn> = { __pk: target.columns[pkField] };
        fields.forEach((f) => (sel[f] = target.columns[f]));
        const rows = (await tx.select(sel).from(target.table as never).where(where)) as Row[];
        for (const r of rows) found.set(JSON.stringify(fields.map((f) => r[f])), r.__pk);
      }
      natural.set(target, found);
    }

    const resolve = (target: ModelInfo | undefined, value: unknown, where: string): unknown => {
      if (value === null || value === undefined || !target) return value ?? null;
      let pk: unknown = value;
      if (Array.isArray(value)) {
        pk = natural.get(target)?.get(JSON.stringify(value));
        if (pk === undefined) {
          throw new ImportError(`${where}: no ${labelOf(target)} with natural key ${JSON.stringify(value)} in the dump or the database`);
        }
      }
      const mapped = remap.get(target)?.get(String(pk));
      return mapped === undefined ? pk : mapped;
    };

    const contentTypeOf = (value: unknown, where: string): unknown => {
      if (value === null || value === undefined) return null;
      if (Array.isArray(value)) return value.join('.').toLowerCase();
      if (typeof value === 'number' || /^\d+$/.test(String(value))) {
        const label = contentTypes.get(String(value));
        if (!label) throw new ImportError(`${where}: content type id ${value} has no contenttypes.contenttype row in the dump`);
        return label;
      }
      return String(value);
    };

    const convert = (c: PgColumn, value: unknown, where: string, field: string): unknown => {
      if (value === null || value === undefined) return null;
      const t = colType(c);
      if (field === 'content_type' && TEXT.has(t)) return contentTypeOf(value, where);
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
    };

    const deferred: Array<{ info: ModelInfo; field: string; pk: unknown; value: unknown }> = [];
    const written = new Map<ModelInfo, Set<string>>(); // rows inserted or overwritten (deferred FKs apply to them)

    for (const info of order) {
      const label = labelOf(info);
      const rows = groups.get(info)!;
      const [pkField, pkCol] = pkOf(info)!;
      const counts: ModelCounts = (report.models[label] = { rows: rows.length, inserted: 0, existing: 0, matched: 0 });
      const writtenHere = new Set<string>();
      written.set(info, writtenHere);
      const uniqueKeys = uniqueKeysOf(info);
      const rowDeferred = new Map<string, Array<{ field: string; value: unknown }>>();

      // convert every row of the model into column values keyed by TS (Django) field names
      const values: Row[] = rows.map((row) => {
        const where = `${label} pk ${keyString(row.pk)}`;
        const out: Row = { [pkField]: row.pk };
        const fields: Record<string, unknown> = { ...row.fields };
        // multi-table inheritance: parent fields live in the parent model's row with the same pk
        for (const other of typeof row.pk === 'string' ? byPk.get(row.pk) ?? [] : []) {
          if (other === row) continue;
          for (const [f, v] of Object.entries(other.fields)) if (!(f in fields) && f in info.columns) fields[f] = v;
        }
        for (const [field, raw] of Object.entries(fields)) {
          if (info.m2m?.[field]) continue;
          const c = info.columns[field];
          if (!c || field === pkField) {
            if (!c) report.ignoredFields[`${label}.${field}`] = (report.ignoredFields[`${label}.${field}`] ?? 0) + 1;
            continue;
          }
          const fk = info.foreignKeys[field];
          let v: unknown;
          if (fk) {
            const target = infoOfTable.get(fk.target);
            v = resolve(target, raw, where);
            if (v !== null && target && groups.has(target) && (target === info || !written.has(target))) {
              // target rows are written later (self reference or a cycle): set it afterwards
              if (!rowDeferred.has(String(row.pk))) rowDeferred.set(String(row.pk), []);
              rowDeferred.get(String(row.pk))!.push({ field, value: raw });
              v = null;
            }
          } else v = convert(c, raw, where, field);
          if (v === null && c.notNull) {
            if (c.hasDefault) continue;
            if (TEXT.has(colType(c))) v = '';
          }
          out[field] = v;
        }
        return out;
      });

      // rows matching an existing row by a unique key (with another pk) are merged into it
      const merged = new Map<number, unknown>();
      for (const key of uniqueKeys) {
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
          const existing = (await tx.select(sel).from(info.table as never).where(where)) as Row[];
          const index = new Map(existing.map((r) => [JSON.stringify(key.map((f) => String(r[f]))), r.__pk]));
          for (const [j, v] of chunk) {
            const found = index.get(JSON.stringify(key.map((f) => String(v[f]))));
            if (found !== undefined && String(found) !== String(v[pkField])) {
              merged.set(j, found);
              remapOf(info).set(String(v[pkField]), found);
              (report.merged[label] ??= {})[String(v[pkField])] = found;
            }
          }
        }
      }
      counts.matched = merged.size;

      // write: new rows, and existing pks skipped or overwritten
      const toInsert = values.filter((_, i) => !merged.has(i));
      const ncols = Math.max(1, Object.keys(info.columns).length);
      const batchSize = opts.batchSize ?? Math.max(1, Math.min(500, Math.floor(30000 / ncols)));
      const insertBatch = async (q: Queryable, batch: Row[]) => {
        const present = new Set(batch.flatMap((r) => Object.keys(r)));
        const base = q.insert(info.table).values(batch as never);
        const returning = { pk: pkCol, fresh: sql<boolean>`(xmax = 0)` };
        if (!replace) return (await base.onConflictDoNothing({ target: pkCol }).returning(returning)) as Array<{ pk: unknown; fresh: boolean }>;
        const set: Record<string, SQL> = {};
        for (const f of present) if (f !== pkField) set[f] = sql.raw(`excluded."${info.columns[f].name}"`);
        if (!Object.keys(set).length) return (await base.onConflictDoNothing({ target: pkCol }).returning(returning)) as Array<{ pk: unknown; fresh: boolean }>;
        return (await base.onConflictDoUpdate({ target: pkCol, set }).returning(returning)) as Array<{ pk: unknown; fresh: boolean }>;
      };
      for (let i = 0; i < toInsert.length; i += batchSize) {
        const batch = toInsert.slice(i, i + batchSize);
        let result: Array<{ pk: unknown; fresh: boolean }>;
        try {
          result = await tx.transaction((sp) => insertBatch(sp as unknown as Queryable, batch));
        } catch {
          // find the row at fault, one at a time, to name it
          result = [];
          for (const row of batch) {
            try {
              result.push(...(await tx.transaction((sp) => insertBatch(sp as unknown as Queryable, [row]))));
            } catch (e) {
              throw new ImportError(`${label} pk ${keyString(row[pkField])}: ${dbErrorMessage(e)}`);
            }
          }
        }
        for (const r of result) {
          writtenHere.add(String(r.pk));
          if (r.fresh) counts.inserted++;
        }
        counts.existing += batch.length - result.filter((r) => r.fresh).length;
        done += batch.length;
        opts.onProgress?.(done, total);
      }
      // replace: merged rows take the dump's values (their pk stays the existing one)
      if (replace) {
        for (const [i, existingPk] of merged) {
          const { [pkField]: _dumpPk, ...rest } = values[i];
          if (!Object.keys(rest).length) continue;
          try {
            await tx.transaction((sp) => sp.update(info.table).set(rest as never).where(eq(pkCol, existingPk)));
          } catch (e) {
            throw new ImportError(`${label} pk ${keyString(values[i][pkField])}: ${dbErrorMessage(e)}`);
          }
          writtenHere.add(String(existingPk));
        }
      }
      done += merged.size;
      opts.onProgress?.(done, total);
      for (const [pk, list] of rowDeferred) {
        const mapped = remap.get(info)?.get(pk);
        for (const d of list) deferred.push({ info, field: d.field, pk: mapped ?? pk, value: d.value });
      }
    }

    // foreign keys to rows written after their referrer (self references, cycles)
    const groupsOfDeferred = new Map<string, typeof deferred>();
    for (const d of deferred) {
      if (!written.get(d.info)?.has(String(d.pk))) continue;
      const k = `${labelOf(d.info)}\u0000${d.field}`;
      if (!groupsOfDeferred.has(k)) groupsOfDeferred.set(k, []);
      groupsOfDeferred.get(k)!.push(d);
    }
    for (const list of groupsOfDeferred.values()) {
      const { info, field } = list[0];
      const [, pkCol] = pkOf(info)!;
      const col = info.columns[field];
      const target = infoOfTable.get(info.foreignKeys[field].target);
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000);
        const pairs = chunk.map((d) => sql`(${String(d.pk)}, ${String(resolve(target, d.value, `${labelOf(info)} pk ${keyString(d.pk)}`))})`);
        const stmt = sql`update ${info.table} set ${sql.identifier(col.name)} = v.val::${sql.raw(col.getSQLType())} from (values ${sql.join(pairs, sql`, `)}) as v(pk, val) where ${info.table}.${sql.identifier(pkCol.name)} = v.pk::${sql.raw(pkCol.getSQLType())}`;
        try {
          await tx.transaction((sp) => sp.execute(stmt));
        } catch (e) {
          for (const d of chunk) {
            const one = sql`update ${info.table} set ${sql.identifier(col.name)} = ${String(resolve(target, d.value, ''))}::${sql.raw(col.getSQLType())} where ${sql.identifier(pkCol.name)} = ${String(d.pk)}::${sql.raw(pkCol.getSQLType())}`;
            try {
              await tx.transaction((sp) => sp.execute(one));
            } catch (err) {
              throw new ImportError(`${labelOf(info)} pk ${keyString(d.pk)}: ${dbErrorMessage(err)}`);
            }
          }
          void e; // every row went through one at a time
        }
      }
    }

    // many-to-many links
    for (const info of order) {
      const label = labelOf(info);
      for (const [field, m2m] of Object.entries(info.m2m ?? {})) {
        const throughCols = getTableColumns(m2m.through) as Record<string, PgColumn>;
        const fromKey = Object.entries(throughCols).find(([, c]) => c === m2m.from || c.name === m2m.from.name)![0];
        const toKey = Object.entries(throughCols).find(([, c]) => c === m2m.to || c.name === m2m.to.name)![0];
        const target = infoOfTable.get(m2m.target);
        const links: Row[] = [];
        const owners: unknown[] = [];
        for (const row of groups.get(info)!) {
          const list = row.fields[field];
          if (!Array.isArray(list)) continue;
          const where = `${label} pk ${keyString(row.pk)}`;
          const owner = remap.get(info)?.get(String(row.pk)) ?? row.pk;
          owners.push(owner);
          const seen = new Set<string>();
          for (const item of list) {
            const to = resolve(target, item, `${where}, ${field}`);
            if (to === null || seen.has(String(to))) continue;
            seen.add(String(to));
            links.push({ [fromKey]: owner, [toKey]: to });
          }
        }
        if (replace) {
          for (let i = 0; i < owners.length; i += 1000) {
            await tx.delete(m2m.through).where(inArray(m2m.from, owners.slice(i, i + 1000)));
          }
        }
        let n = 0;
        for (let i = 0; i < links.length; i += 1000) {
          const batch = links.slice(i, i + 1000);
          try {
            const res = await tx.transaction((sp) => sp.insert(m2m.through).values(batch as never).onConflictDoNothing().returning());
            n += res.length;
          } catch {
            for (const link of batch) {
              try {
                n += (await tx.transaction((sp) => sp.insert(m2m.through).values(link as never).onConflictDoNothing().returning())).length;
              } catch (e) {
                throw new ImportError(`${label} pk ${keyString(link[fromKey])}, ${field} -> ${keyString(link[toKey])}: ${dbErrorMessage(e)}`);
              }
            }
          }
        }
        if (links.length) report.links[`${label}.${field}`] = n;
      }
    }
    if (opts.dryRun) throw new DryRunRollback(); // undoes everything, the report stays
  }).catch((e) => {
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
