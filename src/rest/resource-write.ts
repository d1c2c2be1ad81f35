// Writing a resource (create, update, partial update, bulk create, delete), as DRF's serializer
// save: parse the body field by field, run the declaration's validate hook, turn the values into
// columns, let beforeWrite adjust them, check uniqueness, write the row and its relations, run
// afterWrite, and answer the re-read row. Each write is one transaction.
import { enforceWrite, precheckWrite } from './permissions.ts';
import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import { ApiError, BulkValidationError, FieldValidationError, validationError, type FieldErrors } from './errors.ts';
import type { Field, Row } from './fields.ts';
import type { RequestContext } from './context.ts';
import type { ResourceParts, WriteState } from './resource.ts';
import { serializeRows } from './resource-fields.ts';
import { fetchByLookup } from './resource-read.ts';
import { checkUniqueness } from './resource-unique.ts';

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
async function saveRelations(parts: ResourceParts, row: Row, data: Row, tx: Tx, ctx: TxContext): Promise<void> {
  for (const [name, value] of Object.entries(data)) {
    const field = parts.spec.fields[name];
    if (field?.save) await field.save(row.id, value, tx, ctx);
  }
}

/** The answer of a write: the row re-read (hooks may have changed it), rendered. */
async function respondWith(parts: ResourceParts, tx: Tx, id: unknown, action: Action, ctx: TxContext): Promise<Row> {
  const [fresh] = (await tx
    .select()
    .from(parts.spec.table as PgTable)
    .where(eq(parts.idCol, id as string))) as Row[];
  const names = action === 'create' && parts.spec.createResponse === 'list' ? parts.listFields : parts.detailFields;
  const [out] = await serializeRows(parts.spec.fields, [fresh], names, ctx);
  return out;
}

/** A write as requested: the body, how it came, and the row it updates (null: a create). */
export interface WriteRequest {
  body: Record<string, unknown>;
  isForm: boolean;
  action: Action;
  lookupValue: string | null;
}

/** One write inside an open transaction. */
async function writeIn(parts: ResourceParts, tx: Tx, ctx: RequestContext, request: WriteRequest): Promise<Row> {
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
  const row = await saveRow(parts, tx, values, instance);
  await saveRelations(parts, row, data, tx, tctx);
  await spec.afterWrite?.(row, state, tctx);
  return respondWith(parts, tx, row.id, action, tctx);
}

/** Create or update, in its own transaction. */
export function write(parts: ResourceParts, ctx: RequestContext, request: WriteRequest): Promise<Row> {
  return ctx.services.db.transaction((tx) => writeIn(parts, tx, ctx, request));
}

/** Creates every item in one transaction; validation errors are collected per item. */
export function createMany(parts: ResourceParts, ctx: RequestContext, items: unknown[], isForm: boolean): Promise<Row[]> {
  const { bulkCreate } = parts.spec;
  return ctx.services.db.transaction(async (tx) => {
    if (typeof bulkCreate === 'function') return bulkCreate(items, { ...ctx, db: tx });
    const out: Row[] = [];
    const errors: Array<Record<string, unknown>> = [];
    let failed = false;
    for (const item of items) {
      try {
        const request = { body: item as Record<string, unknown>, isForm, action: 'create' as const, lookupValue: null };
        out.push(await writeIn(parts, tx, ctx, request));
        errors.push({});
      } catch (e) {
        // a 4xx raised before the database refused anything: report it and check the others
        if (!(e instanceof ApiError) || e.statusCode !== 400) throw e;
        failed = true;
        errors.push(e.body);
      }
    }
    if (failed) throw new BulkValidationError(errors);
    return out;
  });
}

export async function destroy(parts: ResourceParts, ctx: RequestContext, lookupValue: string): Promise<void> {
  await ctx.services.db.transaction(async (tx) => {
    const tctx = { ...ctx, db: tx } as TxContext;
    const row = await fetchByLookup(parts, tctx, lookupValue);
    await enforceWrite(tctx, { action: 'delete', resource: parts.spec.path, row, changes: null });
    await parts.spec.beforeDelete?.(row, tctx);
    await tx.delete(parts.spec.table as PgTable).where(eq(parts.idCol, row.id as string));
  });
}
