// Plain REST resources for misc tables that upstream manages only in its admin: lab memberships
// and the housing reference tables (cage types, enrichments, food). Detail lookups are by id.
// The helpers below serve the subjects app's reference tables too.
import { asc, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { fieldError } from '../../rest/errors.ts';
import { column, related, type Field } from '../../rest/fields.ts';
import { bySlug, escapeLike, filter, nullBoolean, type Filter } from '../../rest/filters.ts';
import { defineResource } from '../../rest/resource.ts';
import { todayInZone } from '../../rest/values.ts';
import { cageTypes, enrichments, foods, labMemberships, labs, users } from './tables.ts';

/** `?name=`: case-insensitive substring of any of the given columns. */
export function nameFilter(...cols: AnyPgColumn[]): Filter {
  return filter(
    (v) => {
      const like = '%' + escapeLike(v) + '%';
      return sql.join(
        cols.map((c) => sql`${c}::text ilike ${like}`),
        sql` or `,
      );
    },
    { help: 'case-insensitive substring of the name' },
  );
}

/** The fields of a reference table in upstream's order: its read-only id, the given fields, its json. */
export function withIdAndJson(table: { id: AnyPgColumn; json: AnyPgColumn }, fields: Record<string, Field>): Record<string, Field> {
  return { id: column(table.id, { readOnly: true }), ...fields, json: column(table.json) };
}

type NamedTable = PgTable & { id: AnyPgColumn; name: AnyPgColumn; description: AnyPgColumn; json: AnyPgColumn };

/**
 * A table of names with a description (cage types, enrichments, food; strains, sources): `?name=`
 * on the name, ordered by name; `unique` is the message for a name taken twice.
 */
export function namedReference(path: string, table: NamedTable, description: string, o: { unique?: string; allowBlank?: boolean } = {}) {
  return defineResource({
    path,
    admin: { menu: 'Colony', columns: ['name', 'description'], search: ['name', 'description'], ordering: ['name'], hidden: ['id', 'json'] },
    table,
    description,
    fields: withIdAndJson(table, {
      name: column(table.name, { required: true, ...(o.allowBlank ? {} : { allowBlank: false }) }),
      description: column(table.description),
    }),
    ...(o.unique ? { unique: { name: o.unique } } : {}),
    filters: { name: nameFilter(table.name) },
    ordering: (t) => [asc(t.name)],
  });
}

export const labMembershipResource = defineResource({
  path: 'lab-memberships',
  admin: {
    menu: 'Admin',
    columns: ['user', 'lab', 'role', 'start_date', 'end_date'],
    filters: ['user', 'lab', 'active'],
    search: ['user__username', 'lab__name', 'role'],
    hidden: ['id', 'json'],
  },
  table: labMemberships,
  description: 'Membership of a user in a lab; active on a day between start_date and end_date (open-ended when null).',
  fields: withIdAndJson(labMemberships, {
    user: related(labMemberships.user, users, { slug: 'username', required: true }),
    lab: related(labMemberships.lab, labs, { slug: 'name', required: true }),
    role: column(labMemberships.role),
    start_date: column(labMemberships.start_date, { default: (ctx) => todayInZone(ctx.config.timeZone) }),
    end_date: column(labMemberships.end_date),
  }),
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

export const cageTypeResource = namedReference('cage-types', cageTypes, 'Cage types (housing).');
export const enrichmentResource = namedReference('enrichments', enrichments, 'Cage enrichments (housing).', {
  unique: 'enrichment with this name already exists.',
});
export const foodResource = namedReference('food', foods, 'Food (housing).', { unique: 'food with this name already exists.' });

export const miscReferenceResources = [labMembershipResource, cageTypeResource, enrichmentResource, foodResource];
