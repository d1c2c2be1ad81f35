// POST /channels with a list: ibllib posts every channel of a probe (384 or more) at once. The
// generic item-by-item create costs several statements per channel; this batched version
// validates every item, checks trajectories, brain regions and (axial, lateral, trajectory)
// uniqueness with one query each, inserts all rows with one statement and bumps the
// trajectories' "last update" once — with the same per-item error messages.
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Tx } from '../../db/client.ts';
import { BulkValidationError, FieldValidationError } from '../../rest/errors.ts';
import type { Field, Row } from '../../rest/fields.ts';
import type { RequestContext } from '../../rest/context.ts';
import { normalizeUuid, nowInZone } from '../../rest/values.ts';
import { channels } from './tables.ts';

const SCALARS = ['name', 'json', 'axial', 'lateral', 'x', 'y', 'z'] as const;
const UNIQUE_MESSAGE = 'The fields axial, lateral, trajectory_estimate must make a unique set.';

interface Parsed {
  values: Row;
  errors: Record<string, string[]>;
  /** raw text of the references, for "does not exist" messages */
  rawTrajectory?: unknown;
  rawRegion?: unknown;
}

const list = (values: unknown[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

export function channelBulkCreate(fields: () => Record<string, Field>, detailFields: () => string[], serialize: (rows: Row[], names: string[], ctx: RequestContext) => Promise<Row[]>) {
  return async function createChannels(items: unknown[], ctx: RequestContext & { db: Tx }): Promise<Row[]> {
    const f = fields();
    const parsed: Array<Parsed | { shape: string }> = [];
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        parsed.push({ shape: `Invalid data. Expected a dictionary, but got ${Array.isArray(item) ? 'list' : item === null ? 'NoneType' : typeof item}.` });
        continue;
      }
      const body = item as Record<string, unknown>;
      const p: Parsed = { values: {}, errors: {} };
      // trajectory_estimate: required, not null, a UUID
      if (!('trajectory_estimate' in body)) p.errors.trajectory_estimate = ['This field is required.'];
      else {
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
      // brain_region: an Allen id, 0 ("void") when omitted, null allowed
      if (!('brain_region' in body)) p.values.brain_region = 0;
      else {
        const raw = body.brain_region;
        if (raw === null || raw === '') p.values.brain_region = null;
        else if ((typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) || (typeof raw === 'string' && /^\d{1,15}$/.test(raw.trim())))
          (p.values.brain_region = Number(raw)), (p.rawRegion = raw);
        else p.errors.brain_region = ['A valid integer is required.'];
      }
      for (const name of SCALARS) {
        if (!(name in body)) continue;
        try {
          p.values[name] = await f[name].parse!(body[name], ctx, null);
        } catch (e) {
          if (e instanceof FieldValidationError) p.errors[name] = e.messages as string[];
          else throw e;
        }
      }
      parsed.push(p);
    }

    const ok = (p: Parsed | { shape: string }): p is Parsed => !('shape' in p);
    // references, one query each
    const trajIds = [...new Set(parsed.filter(ok).map((p) => p.values.trajectory_estimate).filter(Boolean))];
    const regionIds = [...new Set(parsed.filter(ok).map((p) => p.values.brain_region).filter((v) => v !== null && v !== undefined))];
    const knownTraj = new Set(
      trajIds.length
        ? (await query<{ id: string }>(ctx.db, sql`select id from experiments_trajectoryestimate where id in (${list(trajIds)})`)).map((r) => r.id)
        : [],
    );
    const knownRegion = new Set(
      regionIds.length
        ? (await query<{ id: number }>(ctx.db, sql`select id from experiments_brainregion where id in (${list(regionIds)})`)).map((r) => Number(r.id))
        : [],
    );
    for (const p of parsed.filter(ok)) {
      const t = p.values.trajectory_estimate;
      if (t && !knownTraj.has(t as string)) p.errors.trajectory_estimate = [`Object with id=${String(p.rawTrajectory)} does not exist.`];
      const r = p.values.brain_region;
      if (r !== null && r !== undefined && !knownRegion.has(r as number)) p.errors.brain_region = [`Object with id=${String(p.rawRegion ?? r)} does not exist.`];
    }
    // field order of the error objects: as the fields are declared
    const order = [...Object.keys(f), 'non_field_errors'];
    const sortErrors = (e: Record<string, string[]>) => Object.fromEntries(order.filter((k) => e[k]).map((k) => [k, e[k]]));

    // uniqueness of (axial, lateral, trajectory_estimate) among valid items and against the table
    const valid = parsed.filter(ok).filter((p) => Object.keys(p.errors).length === 0);
    const keyOf = (v: Row) =>
      v.axial === null || v.axial === undefined || v.lateral === null || v.lateral === undefined || !v.trajectory_estimate
        ? null
        : `${v.trajectory_estimate}|${Number(v.axial)}|${Number(v.lateral)}`;
    const keyed = valid.filter((p) => keyOf(p.values) !== null);
    const taken = new Set<string>();
    if (keyed.length) {
      const tuples = sql.join(
        keyed.map((p) => sql`(${p.values.trajectory_estimate as string}::uuid, ${p.values.axial as number}::float8, ${p.values.lateral as number}::float8)`),
        sql`, `,
      );
      const existing = await query<{ t: string; a: number; l: number }>(
        ctx.db,
        sql`select c.trajectory_estimate_id as t, c.axial as a, c.lateral as l from experiments_channel c
            where (c.trajectory_estimate_id, c.axial, c.lateral) in (${tuples})`,
      );
      for (const e of existing) taken.add(`${e.t}|${Number(e.a)}|${Number(e.l)}`);
    }
    for (const p of keyed) {
      const k = keyOf(p.values)!;
      if (taken.has(k)) p.errors = { non_field_errors: [UNIQUE_MESSAGE] };
      else taken.add(k);
    }

    if (parsed.some((p) => !ok(p) || Object.keys(p.errors).length)) {
      throw new BulkValidationError(parsed.map((p) => (ok(p) ? sortErrors(p.errors) : { non_field_errors: [p.shape] })));
    }
    if (parsed.length === 0) return [];

    const rows = (parsed as Parsed[]).map((p) => ({ id: crypto.randomUUID(), ...p.values }));
    const inserted: Row[] = [];
    for (let i = 0; i < rows.length; i += 2000) {
      inserted.push(...((await ctx.db.insert(channels).values(rows.slice(i, i + 2000) as never).returning()) as Row[]));
    }
    const byId = new Map(inserted.map((r) => [r.id, r]));
    const ordered = rows.map((r) => byId.get(r.id)!);
    const touched = [...new Set(ordered.map((r) => r.trajectory_estimate).filter(Boolean))];
    if (touched.length) {
      await ctx.db.execute(
        sql`update experiments_trajectoryestimate set datetime = ${nowInZone(ctx.config.timeZone)} where id in (${list(touched)})`,
      );
    }
    return serialize(ordered, detailFields(), ctx);
  };
}
