// Welfare rules that run inside write transactions (spec-core §4.5, §4.15, §4.16, protocol
// numbers of §4.6), shared by the REST resources and anything else that writes actions.
import { and, count, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { RequestContext } from '../../rest/context.ts';
import { fieldError, validationError } from '../../rest/errors.ts';
import type { Row } from '../../rest/fields.ts';
import { subjects } from '../subjects/tables.ts';
import { checkUnderweight } from './notifications.ts';
import { surgeries, waterRestrictions, waterTypes } from './tables.ts';
import { DAY_MS, naiveMs } from './water.ts';
import { subjectRow, waterControlOf, waterControls } from './water-figures.ts';

type Ctx = Pick<RequestContext, 'db' | 'config'>;

/** "3" when water-restricted now, else "2" with a surgery, else "1" (upstream set_protocol_number). */
export async function recomputeProtocolNumber(ctx: Ctx, subjectId: string): Promise<string | null> {
  const wc = await waterControlOf(ctx.db, subjectId, { serverTimeZone: ctx.config.timeZone });
  if (!wc) return null;
  let protocol = '1';
  if (wc.isWaterRestricted()) protocol = '3';
  else {
    const [{ n }] = await ctx.db.select({ n: count() }).from(surgeries).where(eq(surgeries.subject, subjectId));
    if (Number(n) > 0) protocol = '2';
  }
  await ctx.db.update(subjects).set({ protocol_number: protocol }).where(eq(subjects.id, subjectId));
  return protocol;
}

/**
 * The reference weight of a restriction saved with 0: the last weighing on or before its start
 * day, which must lie within 7 days of the start. Null when the subject has no such weighing.
 */
export async function referenceWeightFor(ctx: Ctx, subjectId: string, startTime: string): Promise<number | null> {
  const wc = await waterControlOf(ctx.db, subjectId, { serverTimeZone: ctx.config.timeZone });
  if (!wc) return null;
  const start = naiveMs(startTime);
  const w = wc.lastWeighingBefore(start);
  if (!w) return null;
  if (Math.abs(w[0] - start) >= 7 * DAY_MS) {
    throw fieldError(
      'reference_weight',
      'The last weighing is more than 7 days before the start of the restriction; enter a reference weight or weigh the subject.',
    );
  }
  return w[1];
}

/**
 * Default water type: for a water administration, the type of the subject's latest restriction
 * (by start time, even one that has ended); otherwise the type named "Water".
 */
export async function defaultWaterType(db: Queryable, subjectId: string | null, fromRestrictions: boolean): Promise<string> {
  if (fromRestrictions && subjectId) {
    const [last] = await db
      .select({ water_type: waterRestrictions.water_type })
      .from(waterRestrictions)
      .where(and(eq(waterRestrictions.subject, subjectId), isNotNull(waterRestrictions.start_time)))
      .orderBy(desc(waterRestrictions.start_time))
      .limit(1);
    if (last?.water_type) return last.water_type;
  }
  const [water] = await db.select({ id: waterTypes.id }).from(waterTypes).where(eq(waterTypes.name, 'Water')).limit(1);
  if (!water) throw validationError({ water_type: ['No water type given, and the default water type "Water" does not exist.'] });
  return water.id;
}

/** After a surgery is saved: protocol number, severity at least moderate, death on acute/non-recovery. */
export async function afterSurgeryWrite(row: Row, ctx: Ctx): Promise<void> {
  const subjectId = row.subject as string;
  await recomputeProtocolNumber(ctx, subjectId);
  const [s] = await ctx.db
    .select({ actual_severity: subjects.actual_severity, death_date: subjects.death_date })
    .from(subjects)
    .where(eq(subjects.id, subjectId));
  if (!s) return;
  const set: Record<string, unknown> = {};
  if (s.actual_severity === 2) set.actual_severity = 3;
  if ((row.outcome_type === 'a' || row.outcome_type === 'n') && row.end_time && !s.death_date) {
    set.death_date = String(row.end_time).slice(0, 10);
  }
  if (Object.keys(set).length) await ctx.db.update(subjects).set(set).where(eq(subjects.id, subjectId));
}

/** After a cull is saved: the death date follows it and open restrictions end at the cull date. */
export async function afterCullWrite(row: Row, ctx: Ctx): Promise<void> {
  const subjectId = row.subject as string;
  const date = String(row.date);
  const [s] = await ctx.db.select({ death_date: subjects.death_date }).from(subjects).where(eq(subjects.id, subjectId));
  if (!s) return;
  if (s.death_date !== date) {
    await ctx.db.update(subjects).set({ death_date: date, to_be_culled: false }).where(eq(subjects.id, subjectId));
    await ctx.db
      .update(waterRestrictions)
      .set({ end_time: `${date} 00:00:00` })
      .where(and(eq(waterRestrictions.subject, subjectId), isNotNull(waterRestrictions.start_time), isNull(waterRestrictions.end_time)));
    await recomputeProtocolNumber(ctx, subjectId);
  } else {
    await ctx.db.update(subjects).set({ to_be_culled: false }).where(eq(subjects.id, subjectId));
  }
}

/** Deleting a cull makes the subject alive again. */
export async function afterCullDelete(row: Row, ctx: Ctx): Promise<void> {
  await ctx.db.update(subjects).set({ death_date: null }).where(eq(subjects.id, row.subject as string));
}

/** After a weighing is created: the underweight check (may create a notification). */
export async function afterWeighingCreate(row: Row, ctx: Ctx): Promise<void> {
  // a subject never water-restricted has no reference weight, hence no percentage to warn about:
  // one indexed probe instead of loading its whole history
  const [restricted] = await ctx.db
    .select({ id: waterRestrictions.id })
    .from(waterRestrictions)
    .where(eq(waterRestrictions.subject, row.subject as string))
    .limit(1);
  if (!restricted) return;
  const s = await subjectRow(ctx.db, row.subject as string);
  if (!s) return;
  const wc = (await waterControls(ctx.db, [s], { serverTimeZone: ctx.config.timeZone })).get(s.id)!;
  await checkUnderweight({ db: ctx.db, config: ctx.config }, s, wc);
}

