// Water-control numbers shown on subjects: the provider of the subjects app's hooks
// (reference_weight, last_water_restriction, expected_water, remaining_water, nested weighings and
// water administrations, the projects of the sessions), and `/water-restricted-subjects` (spec-core §2.8). The figures come
// from water-figures.ts; everything is computed per page with a constant number of queries.
import { asc, inArray, sql } from 'drizzle-orm';
import type { RequestContext } from '../../rest/context.ts';
import { column, selfUrl, type Row } from '../../rest/fields.ts';
import { defineResource } from '../../rest/resource.ts';
import type { SubjectActionsProvider } from '../subjects/extensions.ts';
import { subjects } from '../subjects/tables.ts';
import { waterAdministrationResource, weighingResource } from './resources.ts';
import { waterAdministrations, waterRestrictions, weighings } from './tables.ts';
import { labWaterSettingField, todaysWaterFigures, waterFigureField } from './water-figures.ts';
import { responsibleUserChanged } from './notifications.ts';
import { pushTo } from '../../rest/group.ts';
import { sessionProjectNames } from './session-projects.ts';

/**
 * Rows of a table for a page of subjects, serialized with every field of its resource (as the
 * resource's own list shows them), grouped by subject id.
 */
function nested(table: typeof weighings | typeof waterAdministrations, resource: typeof weighingResource | typeof waterAdministrationResource) {
  const fieldNames = Object.keys(resource.fields);
  return async (subjectRows: Row[], ctx: RequestContext): Promise<Map<string, unknown[]>> => {
    const out = new Map<string, unknown[]>();
    const ids = subjectRows.map((r) => r.id as string);
    if (!ids.length) return out;
    const rows = (await ctx.db
      .select()
      .from(table)
      .where(inArray(table.subject, ids))
      .orderBy(asc(table.date_time), asc(table.id))) as Row[];
    const rendered = await resource.serialize(rows, fieldNames, ctx);
    rows.forEach((row, i) => pushTo(out, row.subject as string, rendered[i]));
    return out;
  };
}

/** What actions adds to the subjects resource (declared as `extends.subjects` in ./index.ts). */
export const subjectExtensions: SubjectActionsProvider = {
    waterInfo: todaysWaterFigures,
    weighings: nested(weighings, weighingResource),
    waterAdministrations: nested(waterAdministrations, waterAdministrationResource),
    sessionProjects: sessionProjectNames,
    async afterSubjectWrite(subject, previous, ctx) {
      if (!previous || previous.responsible_user === subject.responsible_user || !subject.responsible_user) return;
      await responsibleUserChanged(
        { db: ctx.db, config: ctx.config },
        { id: subject.id as string, nickname: subject.nickname as string },
        (previous.responsible_user as string | null) ?? null,
        subject.responsible_user as string,
      );
    },
};

// ---- /water-restricted-subjects -----------------------------------------------------------------

export const waterRestrictedSubjectResource = defineResource({
  path: 'water-restricted-subjects',
  admin: { menu: false, columns: ['nickname', 'reference_weight', 'expected_water', 'remaining_water', 'last_water_restriction'], labels: { last_water_restriction: 'Restricted since', expected_water: 'Expected water today (mL)', remaining_water: 'Remaining water today (mL)' }, hidden: ['url'] },
  name: 'WaterRestrictedSubject',
  table: subjects,
  lookup: 'nickname',
  description: 'Subjects with an open water restriction (no end), with today\'s water numbers.',
  actions: ['list'],
  fields: {
    nickname: column(subjects.nickname, { readOnly: true }),
    url: selfUrl('subjects', 'nickname'),
    expected_water: waterFigureField('expected_water', { type: 'number' }),
    remaining_water: waterFigureField('remaining_water', { type: 'number' }),
    reference_weight: waterFigureField('reference_weight', { type: 'number' }),
    last_water_restriction: waterFigureField('last_water_restriction', { type: 'string', format: 'date-time', nullable: true }),
    reference_weight_pct: labWaterSettingField('reference_weight_pct'),
    zscore_weight_pct: labWaterSettingField('zscore_weight_pct'),
  },
  django: false,
  baseWhere: () =>
    sql`exists (select 1 from ${waterRestrictions} where ${waterRestrictions.subject} = ${subjects.id} and ${waterRestrictions.end_time} is null)`,
  ordering: (t) => [asc(t.nickname), sql`${t.birth_date} desc nulls first`],
});
