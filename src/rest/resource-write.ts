// Writing a resource (create, update, partial update, bulk create, delete), as DRF's serializer
// save: parse the body field by field, run the declaration's validate hook, turn the values into
// columns, let beforeWrite adjust them, check uniqueness, write the row and its relations, run
// afterWrite, and answer the re-read row. Each write is one transaction.
import { enforceWrite, precheckWrite } from './permissions.ts';
import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import { ApiError, BulkValidationError, FieldValidationError, validationError, type FieldErrors } from './errors.ts';
import { forgetSlugs, type Field, type Row } from './fields.ts';
import type { RequestContext } from './context.ts';
import type { ResourceParts, WriteState } from './resource.ts';
import { serializeRows } from './resource-fields.ts';
import { fetchByLookup } from './resource-read.ts';
import { checkUniqueness } from './resource-unique.ts';
import { countReferences, refusedCascade, refusedReferenced } from './references.ts';
import { actorOf, created, deleted, recordAudit, updated, type AuditChange } from '../apps/audit/record.ts';

type Action = WriteState['action'];
type TxContext = RequestContext & { db: Tx };

function refuseNonObject(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'NoneType' : Array.isArray(body) ? 'list' : typeof body;
    throw new ApiError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`] });
  }
}

/** HTML-form semantics (DRF): omitted lists are empty and omitted booleans false, except on PATCH. */
function formInput(field: Field, present: boolean, raw: unknown, action: Action): { present: boolean; raw: unknown } {
  if (field.many && present && !Array.isArray(raw)) raw = [raw];
  if (!present && action !== 'partial_update' && field.many) return { present: true, raw: [] };
  if (!present && action !== 'partial_update' && field.boolean) return { present: true, raw: false };
  if (field.kind === 'column' && present && raw === '' && field.nullable && !field.boolean && field.schema.type !== 'string') raw = null;
  return { present, raw };
}

/** The parsed values of the writable fields that were sent (or defaulted); 400 with every field's errors. */
async function parseBody(
  parts: ResourceParts,
  ctx: RequestContext,
  body: Record<string, unknown>,
  isForm: boolean,
  action: Action,
  instance: Row | null,
): Promise<Row> {
  refuseNonObject(body);
  const errors: FieldErrors = {};
  const data: Row = {};
  for (const [name, field] of Object.entries(parts.spec.fields)) {
    if (field.readOnly || !field.parse) continue;
    let present = Object.prototype.hasOwnProperty.call(body, name);
    let raw = body[name];
    if (isForm) ({ present, raw } = formInput(field, present, raw, action));
    if (!present) {
      if (action === 'partial_update') continue;
      if (field.default && (action === 'create' || field.resetOnPut)) data[name] = await field.default(ctx);
      else if (field.required) errors[name] = ['This field is required.'];
      continue;
    }
    try {
      data[name] = await field.parse(raw, ctx, instance);
    } catch (e) {
      if (e instanceof FieldValidationError) errors[name] = e.messages as string[];
      else throw e;
    }
  }
  if (Object.keys(errors).length) throw validationError(errors);
  return data;
}

/** The column values of the parsed fields. */
function columnValues(parts: ResourceParts, data: Row): Row {
  const values: Row = {};
  for (const [name, value] of Object.entries(data)) {
    const field = parts.spec.fields[name];
    if (field?.columns) Object.assign(values, field.columns(value));
  }
  return values;
}

/** Inserts or updates the row itself; an update without column values leaves it as it was. */
async function saveRow(parts: ResourceParts, tx: Tx, values: Row, instance: Row | null): Promise<Row> {
  const table = parts.spec.table as PgTable;
  if (instance === null) {
    const [row] = (await tx.insert(table).values(values as never).returning()) as Row[];
    return row;
  }
  if (!Object.keys(values).length) return instance;
  const [row] = (await tx
    .update(table)
    .set(values as never)
    .where(eq(parts.idCol, instance.id as string))
    .returning()) as Row[];
  return row;
}

/** Writes that need the row's id (many-to-many sets, reverse relations). */
async function saveRelations(parts: ResourceParts, row: Row, data: Row, tx: Tx, ctx: TxContext, created: boolean): Promise<void> {
  for (const [name, value] of Object.entries(data)) {
    const field = parts.spec.fields[name];
    if (field?.save) await field.save(row.id, value, tx, ctx, created);
  }
}

/** The row as written: re-read when an after-write hook may have changed it, else as RETURNING gave it. */
async function reread(parts: ResourceParts, tx: Tx, row: Row): Promise<Row> {
  if (!parts.spec.afterWrite) return row;
  const [fresh] = (await tx
    .select()
    .from(parts.spec.table as PgTable)
    .where(eq(parts.idCol, row.id as string))) as Row[];
  return fresh;
}

/**
 * The answer of a write: the re-read row, rendered. A create without an after-write hook is
 * rendered from what the request sent where it can be (the links it set, no rows pointing at it).
 */
async function respondWith(parts: ResourceParts, fresh: Row, action: Action, ctx: TxContext, data: Row): Promise<Row> {
  const names = action === 'create' && parts.spec.createResponse === 'list' ? parts.listFields : parts.detailFields;
  const created = action === 'create' && !parts.spec.afterWrite ? data : undefined;
  const [out] = await serializeRows(parts.spec.fields, [fresh], names, ctx, created);
  return out;
}

/** The rendered values of the many-to-many fields a write sets (empty when none). */
async function manyValues(parts: ResourceParts, row: Row | null, names: string[], ctx: TxContext): Promise<Row> {
  if (!row || !names.length) return {};
  const [out] = await serializeRows(parts.spec.fields, [row], names, ctx);
  return out;
}

/**
 * The audit entry of one write: the written values of a create, field -> [old, new] of an update.
 * The many-to-many values are taken from the rendered answer when it has them (no second query).
 */
async function auditOf(parts: ResourceParts, instance: Row | null, fresh: Row, manySent: string[], beforeMany: Row, out: Row, ctx: TxContext): Promise<AuditChange | null> {
  const table = parts.spec.table as PgTable;
  const rendered = manySent.every((n) => Object.prototype.hasOwnProperty.call(out, n));
  const afterMany = rendered ? Object.fromEntries(manySent.map((n) => [n, out[n]])) : await manyValues(parts, fresh, manySent, ctx);
  if (!instance) return created(table, fresh, afterMany);
  return updated(table, instance, fresh, Object.fromEntries(manySent.map((n) => [n, [beforeMany[n] ?? null, afterMany[n] ?? null]])));
}

/** A write as requested: the body, how it came, and the row it updates (null: a create). */
export interface WriteRequest {
  body: Record<string, unknown>;
  isForm: boolean;
  action: Action;
  lookupValue: string | null;
}

/** One write inside an open transaction: its answer and its audit entry (null: nothing changed). */
async function writeIn(parts: ResourceParts, tx: Tx, ctx: RequestContext, request: WriteRequest): Promise<{ out: Row; change: AuditChange | null }> {
  const { spec } = parts;
  const { body, isForm, action, lookupValue } = request;
  const tctx = { ...ctx, db: tx } as TxContext;
  const instance = lookupValue === null ? null : await fetchByLookup(parts, tctx, lookupValue);
  precheckWrite(tctx, { action: action === 'create' ? 'create' : 'update', resource: spec.path, row: instance });
  const data = await parseBody(parts, tctx, body, isForm, action, instance);
  const state: WriteState = { action, instance, data, raw: body };
  await enforceWrite(tctx, { action: action === 'create' ? 'create' : 'update', resource: spec.path, row: instance, changes: data });
  await spec.validate?.(state, tctx);
  const values = columnValues(parts, data);
  await spec.beforeWrite?.(values, state, tctx);
  await checkUniqueness(parts, tctx, values, instance);
  const manySent = Object.keys(data).filter((n) => spec.fields[n]?.many && spec.fields[n]?.save);
  const beforeMany = await manyValues(parts, instance, manySent, tctx);
  const row = await saveRow(parts, tx, values, instance);
  forgetSlugs(tctx, spec.table as PgTable); // the row may have renamed itself
  await saveRelations(parts, row, data, tx, tctx, instance === null);
  await spec.afterWrite?.(row, state, tctx);
  const fresh = await reread(parts, tx, row);
  const out = await respondWith(parts, fresh, action, tctx, data);
  const change = await auditOf(parts, instance, fresh, manySent, beforeMany, out, tctx);
  return { out, change };
}

/** Create or update, in its own transaction, recorded in the audit trail in that transaction. */
export function write(parts: ResourceParts, ctx: RequestContext, request: WriteRequest): Promise<Row> {
  return ctx.services.db.transaction(async (tx) => {
    const { out, change } = await writeIn(parts, tx, ctx, request);
    await recordAudit(tx, actorOf(ctx), [change]);
    return out;
  });
}

/** Creates every item in one transaction; validation errors are collected per item. */
export function createMany(parts: ResourceParts, ctx: RequestContext, items: unknown[], isForm: boolean): Promise<Row[]> {
  const { bulkCreate } = parts.spec;
  return ctx.services.db.transaction(async (tx) => {
    if (typeof bulkCreate === 'function') return bulkCreate(items, { ...ctx, db: tx });
    const out: Row[] = [];
    const changes: Array<AuditChange | null> = [];
    const errors: Array<Record<string, unknown>> = [];
    let failed = false;
    for (const item of items) {
      try {
        const request = { body: item as Record<string, unknown>, isForm, action: 'create' as const, lookupValue: null };
        const done = await writeIn(parts, tx, ctx, request);
        out.push(done.out);
        changes.push(done.change);
        errors.push({});
      } catch (e) {
        // a 4xx raised before the database refused anything: report it and check the others
        if (!(e instanceof ApiError) || e.statusCode !== 400) throw e;
        failed = true;
        errors.push(e.body);
      }
    }
    if (failed) throw new BulkValidationError(errors);
    // one INSERT for the audit entries of the whole request
    await recordAudit(tx, actorOf(ctx), changes);
    return out;
  });
}

/** `?cascade=true` (also 1, True) on a DELETE request. */
function cascadeRequested(ctx: RequestContext): boolean {
  const q = ctx.request?.query as Record<string, unknown> | undefined;
  const v = q?.cascade;
  return typeof v === 'string' && /^(true|1)$/i.test(v);
}

/**
 * Deletes the row after the declaration's delete guard (references.ts) allowed it, and records
 * the deleted values (and the counts of what went with it) in the audit trail.
 */
export async function destroy(parts: ResourceParts, ctx: RequestContext, lookupValue: string): Promise<void> {
  await ctx.services.db.transaction(async (tx) => {
    const tctx = { ...ctx, db: tx } as TxContext;
    const { spec } = parts;
    const table = spec.table as PgTable;
    const row = await fetchByLookup(parts, tctx, lookupValue);
    let extra: Row = {};
    if (spec.deleteGuard) {
      const cascadingOnly = spec.deleteGuard === 'cascade';
      const counts = await countReferences(tx, table, row.id as string, { cascadingOnly, except: spec.deleteParts });
      const name = String(row[parts.lookup] ?? row.id);
      if (Object.keys(counts).length) {
        if (!cascadingOnly) throw refusedReferenced(parts.modelName, name, counts);
        if (!cascadeRequested(ctx)) throw refusedCascade(parts.modelName, name, counts);
        extra = { deleted_with: counts };
      }
    }
    await enforceWrite(tctx, { action: 'delete', resource: spec.path, row, changes: null });
    await spec.beforeDelete?.(row, tctx);
    await tx.delete(table).where(eq(parts.idCol, row.id as string));
    const change = deleted(table, row);
    Object.assign(change.changes, extra);
    await recordAudit(tx, actorOf(ctx), [change]);
  });
}
