// Plain REST resources for misc tables that upstream manages only in its admin: lab memberships
// and the housing reference tables (cage types, enrichments, food). Detail lookups are by id.
import { asc, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { fieldError } from '../../rest/errors.ts';
import { column, related, type Field } from '../../rest/fields.ts';
import { bySlug, escapeLike, filter, nullBoolean, type Filter } from '../../rest/filters.ts';
import { defineResource } from '../../rest/resource.ts';
import { todayInZone } from '../../rest/values.ts';
import { cageTypes, enrichments, foods, labMemberships, labs, users } from './tables.ts';

/** `?name=`: case-insensitive substring of the name. */
function nameFilter(col: AnyPgColumn): Filter {
  return filter((v) => sql`${col}::text ilike ${'%' + escapeLike(v) + '%'}`, { help: 'case-insensitive substring of the name' });
}

const id = (col: AnyPgColumn): Field => column(col, { readOnly: true });

export const labMembershipResource = defineResource({
  path: 'lab-memberships',
  table: labMemberships,
  description: 'Membership of a user in a lab; active on a day between start_date and end_date (open-ended when null).',
  fields: {
    id: id(labMemberships.id),
    user: related(labMemberships.user, users, { slug: 'username', required: true }),
    lab: related(labMemberships.lab, labs, { slug: 'name', required: true }),
    role: column(labMemberships.role),
    start_date: column(labMemberships.start_date, { default: (ctx) => todayInZone(ctx.config.timeZone) }),
    end_date: column(labMemberships.end_date),
    json: column(labMemberships.json),
  },
  filters: {
    user: bySlug(labMemberships.user, users, 'username', { help: 'username' }),
    lab: bySlug(labMemberships.lab, labs, 'name', { help: 'lab name' }),
    active: nullBoolean((v, ctx) => {
      const today = todayInZone(ctx.config.timeZone);
      const active = sql`(${labMemberships.start_date} <= ${today}::date and (${labMemberships.end_date} is null or ${labMemberships.end_date} >= ${today}::date))`;
      return v ? active : sql`not ${active}`;
    }, 'true: active today'),
  },
  ordering: (t) => [asc(t.start_date)],
  validate(state) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    if (merged.start_date && merged.end_date && String(merged.end_date) < String(merged.start_date)) {
      throw fieldError('end_date', 'The end date must not precede the start date.');
    }
  },
});

function housingReference(pathName: string, table: typeof cageTypes | typeof enrichments | typeof foods, description: string, unique?: string) {
  return defineResource({
    path: pathName,
    table,
    description,
    fields: {
      id: id(table.id),
      name: column(table.name, { required: true, allowBlank: false }),
      description: column(table.description),
      json: column(table.json),
    },
    ...(unique ? { unique: { name: unique } } : {}),
    filters: { name: nameFilter(table.name) },
    ordering: (t) => [asc(t.name)],
  });
}

export const cageTypeResource = housingReference('cage-types', cageTypes, 'Cage types (housing).');
export const enrichmentResource = housingReference('enrichments', enrichments, 'Cage enrichments (housing).', 'enrichment with this name already exists.');
export const foodResource = housingReference('food', foods, 'Food (housing).', 'food with this name already exists.');

export const miscReferenceResources = [labMembershipResource, cageTypeResource, enrichmentResource, foodResource];
