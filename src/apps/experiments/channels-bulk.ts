// POST /channels with a list: ibllib posts every channel of a probe (384 or more) at once. The
// generic item-by-item create costs several statements per channel; this batched version
// validates every item, checks trajectories, brain regions and (axial, lateral, trajectory)
// uniqueness with one query each, inserts all rows with one statement and bumps the
// trajectories' "last update" once — with the same per-item error messages.
import { actorOf, created, recordAudit } from '../audit/record.ts';
import crypto from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';
import { BulkValidationError, FieldValidationError } from '../../rest/errors.ts';
import type { Field, Row } from '../../rest/fields.ts';
import type { RequestContext } from '../../rest/context.ts';
import { normalizeUuid, nowInZone } from '../../rest/values.ts';
import { brainRegions, channels, trajectoryEstimates } from './tables.ts';

const SCALARS = ['name', 'json', 'axial', 'lateral', 'x', 'y', 'z'] as const;
const UNIQUE_MESSAGE = 'The fields axial, lateral, trajectory_estimate must make a unique set.';
const INSERT_BATCH = 2000;

type Errors = Record<string, string[]>;

interface Parsed {
  values: Row;
  errors: Errors;
  /** raw text of the references, for "does not exist" messages */
  rawTrajectory?: unknown;
  rawRegion?: unknown;
}
/** an item that is not an object at all */
interface Misshapen {
  shape: string;
}
type Item = Parsed | Misshapen;

const isParsed = (p: Item): p is Parsed => !('shape' in p);
const hasErrors = (p: Item) => !isParsed(p) || Object.keys(p.errors).length > 0;

/** Saving channels bumps their trajectories' "last update". */
export async function touchTrajectories(db: Queryable, ids: string[], now: string): Promise<void> {
  if (ids.length) await db.update(trajectoryEstimates).set({ datetime: now }).where(inArray(trajectoryEstimates.id, ids));
}

// ---- step 1: parse and validate each item on its own ----

/** trajectory_estimate: required, not null, a UUID */
function parseTrajectory(body: Record<string, unknown>, p: Parsed): void {
  if (!('trajectory_estimate' in body)) return void (p.errors.trajectory_estimate = ['This field is required.']);
  const raw = body.trajectory_estimate;
  if (raw === null) p.errors.trajectory_estimate = ['This field may not be null.'];
  else if (raw === '') p.errors.trajectory_estimate = ['This field may not be blank.'];
  else if (typeof raw !== 'string') p.errors.trajectory_estimate = ['Invalid value.'];
  else {
    const id = normalizeUuid(raw);
    if (!id) p.errors.trajectory_estimate = [`“${raw}” is not a valid UUID.`];
    else (p.values.trajectory_estimate = id), (p.rawTrajectory = raw);
  }
}

/** brain_region: an Allen id, 0 ("void") when omitted, null allowed */
function parseRegion(body: Record<string, unknown>, p: Parsed): void {
  if (!('brain_region' in body)) return void (p.values.brain_region = 0);
  const raw = body.brain_region;
  if (raw === null || raw === '') p.values.brain_region = null;
  else if ((typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) || (typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim())))
    (p.values.brain_region = Number(raw)), (p.rawRegion = raw);
  else p.errors.brain_region = ['A valid integer is required.'];
}

async function parseItem(item: unknown, fields: Record<string, Field>, ctx: RequestContext): Promise<Item> {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { shape: `Invalid data. Expected a dictionary, but got ${Array.isArray(item) ? 'list' : item === null ? 'NoneType' : typeof item}.` };
  }
  const body = item as Record<string, unknown>;
  const p: Parsed = { values: {}, errors: {} };
  parseTrajectory(body, p);
  parseRegion(body, p);
  for (const name of SCALARS) {
    if (!(name in body)) continue;
    try {
      p.values[name] = await fields[name].parse!(body[name], ctx, null);
    } catch (e) {
      if (e instanceof FieldValidationError) p.errors[name] = e.messages as string[];
      else throw e;
    }
  }
  return p;
}

// ---- step 2: resolve the references, one query per table ----

async function checkReferences(db: Queryable, parsed: Parsed[]): Promise<void> {
  const trajIds = [...new Set(parsed.map((p) => p.values.trajectory_estimate).filter(Boolean))] as string[];
  const regionIds = [...new Set(parsed.map((p) => p.values.brain_region).filter((v) => v !== null && v !== undefined))] as number[];
  const knownTraj = new Set(
    trajIds.length
      ? (await db.select({ id: trajectoryEstimates.id }).from(trajectoryEstimates).where(inArray(trajectoryEstimates.id, trajIds))).map((r) => r.id)
      : [],
  );
  const knownRegion = new Set(
    regionIds.length
      ? (await db.select({ id: brainRegions.id }).from(brainRegions).where(inArray(brainRegions.id, regionIds))).map((r) => Number(r.id))
      : [],
  );
  for (const p of parsed) {
    const t = p.values.trajectory_estimate;
    if (t && !knownTraj.has(t as string)) p.errors.trajectory_estimate = [`Object with id=${String(p.rawTrajectory)} does not exist.`];
    const r = p.values.brain_region;
    if (r !== null && r !== undefined && !knownRegion.has(r as number)) p.errors.brain_region = [`Object with id=${String(p.rawRegion ?? r)} does not exist.`];
  }
}

// ---- step 3: (axial, lateral, trajectory_estimate) unique among the items and against the table ----

const uniqueKey = (v: Row) =>
  v.axial === null || v.axial === undefined || v.lateral === null || v.lateral === undefined || !v.trajectory_estimate
    ? null
    : `${v.trajectory_estimate}|${Number(v.axial)}|${Number(v.lateral)}`;

async function existingKeys(db: Queryable, keyed: Parsed[]): Promise<Set<string>> {
  const taken = new Set<string>();
  if (!keyed.length) return taken;
  const tuples = sql.join(
    keyed.map((p) => sql`(${p.values.trajectory_estimate as string}::uuid, ${p.values.axial as number}::float8, ${p.values.lateral as number}::float8)`),
    sql`, `,
  );
  const existing = await db
    .select({ trajectory_estimate: channels.trajectory_estimate, axial: channels.axial, lateral: channels.lateral })
    .from(channels)
    .where(sql`(${channels.trajectory_estimate}, ${channels.axial}, ${channels.lateral}) in (${tuples})`);
  for (const e of existing) taken.add(uniqueKey(e)!);
  return taken;
}

async function checkUniqueness(db: Queryable, parsed: Parsed[]): Promise<void> {
  const keyed = parsed.filter((p) => !hasErrors(p) && uniqueKey(p.values) !== null);
  const taken = await existingKeys(db, keyed);
  for (const p of keyed) {
    const k = uniqueKey(p.values)!;
    if (taken.has(k)) p.errors = { non_field_errors: [UNIQUE_MESSAGE] };
    else taken.add(k);
  }
}

/** One error object per item (`{}` when valid), keys in the order the fields are declared. */
function throwIfInvalid(items: Item[], fields: Record<string, Field>): void {
  if (!items.some(hasErrors)) return;
  const order = [...Object.keys(fields), 'non_field_errors'];
  const sorted = (e: Errors) => Object.fromEntries(order.filter((k) => e[k]).map((k) => [k, e[k]]));
  throw new BulkValidationError(items.map((p) => (isParsed(p) ? sorted(p.errors) : { non_field_errors: [p.shape] })));
}

// ---- step 4: write ----

/** Inserts the rows in batches; returns them in the order of the request. */
async function insertChannels(db: Tx, parsed: Parsed[]): Promise<Row[]> {
  const rows = parsed.map((p) => ({ id: crypto.randomUUID(), ...p.values }));
  const inserted: Row[] = [];
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    inserted.push(...((await db.insert(channels).values(rows.slice(i, i + INSERT_BATCH) as never).returning()) as Row[]));
  }
  const byId = new Map(inserted.map((r) => [r.id, r]));
  return rows.map((r) => byId.get(r.id)!);
}

export function channelBulkCreate(
  fields: () => Record<string, Field>,
  detailFields: () => string[],
  serialize: (rows: Row[], names: string[], ctx: RequestContext) => Promise<Row[]>,
) {
  return async function createChannels(items: unknown[], ctx: RequestContext & { db: Tx }): Promise<Row[]> {
    const f = fields();
    const parsedItems: Item[] = [];
    for (const item of items) parsedItems.push(await parseItem(item, f, ctx));
    const parsed = parsedItems.filter(isParsed);
    await checkReferences(ctx.db, parsed);
    await checkUniqueness(ctx.db, parsed);
    throwIfInvalid(parsedItems, f);
    if (parsed.length === 0) return [];
    const rows = await insertChannels(ctx.db, parsed);
    await recordAudit(ctx.db, actorOf(ctx), rows.map((r) => created(channels, r)));
    const touched = [...new Set(rows.map((r) => r.trajectory_estimate).filter(Boolean))] as string[];
    await touchTrajectories(ctx.db, touched, nowInZone(ctx.config.timeZone));
    return serialize(rows, detailFields(), ctx);
  };
}
