// Water-control numbers shown on subjects: the provider of the subjects app's hooks
// (reference_weight, last_water_restriction, expected_water, remaining_water, nested weighings and
// water administrations), and `/water-restricted-subjects` (spec-core §2.8). Everything is
// computed per page with a constant number of queries.
import { asc, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../../rest/context.ts';
import { column, computed, selfUrl, type Row } from '../../rest/fields.ts';
import { defineResource } from '../../rest/resource.ts';
import { labs } from '../misc/tables.ts';
import { registerSubjectActions, type SubjectWaterInfo } from '../subjects/extensions.ts';
import { subjects } from '../subjects/tables.ts';
import { waterAdministrationResource, weighingResource } from './resources.ts';
import { waterAdministrations, waterRestrictions, weighings } from './tables.ts';
import { DAY_MS, naiveMs, isoDate } from './water.ts';
import { waterControls, type SubjectLike } from './water-data.ts';
import { responsibleUserChanged } from './notifications.ts';
import { nowInZone } from '../../rest/values.ts';
import { pushTo } from '../../rest/group.ts';

const NO_WATER: SubjectWaterInfo = { reference_weight: 0, last_water_restriction: null, expected_water: 0, remaining_water: 0 };

/** Today's water numbers for a page of subjects (5 queries). */
export async function subjectWaterInfo(rows: Row[], ctx: RequestContext): Promise<Map<string, SubjectWaterInfo>> {
  const out = new Map<string, SubjectWaterInfo>();
  if (!rows.length) return out;
  // only today's administrations matter; two days of margin cover any lab time zone
  const today = nowInZone(ctx.config.timeZone).slice(0, 10);
  const since = isoDate(naiveMs(today) - 2 * DAY_MS);
  const wcs = await waterControls(ctx.db, rows as unknown as SubjectLike[], {
    serverTimeZone: ctx.config.timeZone,
    administrationsSince: since,
    summaryOn: today,
  });
  for (const r of rows) {
    const wc = wcs.get(r.id as string);
    out.set(r.id as string, wc ? wc.subjectSummary() : NO_WATER);
  }
  return out;
}

/** Rows of a table for a page of subjects, serialized by a resource, grouped by subject id. */
async function nested(
  table: typeof weighings | typeof waterAdministrations,
  resource: typeof weighingResource | typeof waterAdministrationResource,
  fieldNames: string[],
  subjectRows: Row[],
  ctx: RequestContext,
): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  const ids = subjectRows.map((r) => r.id as string);
  if (!ids.length) return out;
  const rows = (await ctx.db
    .select()
    .from(table)
    .where(inArray(table.subject, ids))
    .orderBy(asc(table.date_time), asc(table.id))) as Row[];
  const rendered = await resource.serialize(rows, fieldNames, ctx);
  rows.forEach((row, i) => {
    const key = row.subject as string;
    pushTo(out, key, rendered[i]);
  });
  return out;
}

export function registerSubjectHooks(): void {
  registerSubjectActions({
    waterInfo: subjectWaterInfo,
    weighings: (rows, ctx) => nested(weighings, weighingResource, ['subject', 'date_time', 'weight', 'user', 'url'], rows, ctx),
    waterAdministrations: (rows, ctx) =>
      nested(
        waterAdministrations,
        waterAdministrationResource,
        ['subject', 'date_time', 'water_administered', 'water_type', 'user', 'url', 'session', 'adlib'],
        rows,
        ctx,
      ),
    async afterSubjectWrite(subject, previous, ctx) {
      if (!previous || previous.responsible_user === subject.responsible_user || !subject.responsible_user) return;
      await responsibleUserChanged(
        { db: ctx.db, config: ctx.config },
        { id: subject.id as string, nickname: subject.nickname as string },
        (previous.responsible_user as string | null) ?? null,
        subject.responsible_user as string,
      );
    },
  });
}

// ---- /water-restricted-subjects -----------------------------------------------------------------

const waterCache = new WeakMap<Row[], Promise<Map<string, SubjectWaterInfo>>>();
function loadWater(rows: Row[], ctx: RequestContext) {
  let p = waterCache.get(rows);
  if (!p) waterCache.set(rows, (p = subjectWaterInfo(rows, ctx)));
  return p;
}
const waterField = (key: keyof SubjectWaterInfo, schema: Record<string, unknown>) =>
  computed(schema, loadWater, (row, map) => (map.get(row.id as string) ?? NO_WATER)[key]);

const labPct = (key: 'reference_weight_pct' | 'zscore_weight_pct') =>
  computed(
    { type: 'number' },
    async (rows, ctx) => {
      const ids = [...new Set(rows.map((r) => r.lab as string).filter(Boolean))];
      if (!ids.length) return new Map<string, number>();
      const found = await ctx.db.select({ id: labs.id, v: labs[key] }).from(labs).where(inArray(labs.id, ids));
      return new Map(found.map((f) => [f.id, f.v]));
    },
    (row, map) => map.get(row.lab as string) ?? 0,
  );

export const waterRestrictedSubjectResource = defineResource({
  path: 'water-restricted-subjects',
  name: 'WaterRestrictedSubject',
  table: subjects,
  lookup: 'nickname',
  description: 'Subjects with an open water restriction (no end), with today\'s water numbers.',
  actions: ['list'],
  fields: {
    nickname: column(subjects.nickname, { readOnly: true }),
    url: selfUrl('subjects', 'nickname'),
    expected_water: waterField('expected_water', { type: 'number' }),
    remaining_water: waterField('remaining_water', { type: 'number' }),
    reference_weight: waterField('reference_weight', { type: 'number' }),
    last_water_restriction: waterField('last_water_restriction', { type: 'string', format: 'date-time', nullable: true }),
    reference_weight_pct: labPct('reference_weight_pct'),
    zscore_weight_pct: labPct('zscore_weight_pct'),
  },
  django: false,
  baseWhere: () =>
    sql`exists (select 1 from ${waterRestrictions} where ${waterRestrictions.subject} = ${subjects.id} and ${waterRestrictions.end_time} is null)`,
  ordering: (t) => [asc(t.nickname), sql`${t.birth_date} desc nulls first`],
});
