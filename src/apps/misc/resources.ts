// /labs and /users (spec-core §2.1, §2.2).
import crypto from 'node:crypto';
import { and, asc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import { modelOf } from '../../db/models.ts';
import { column, computed, many, reverse, type Field } from '../../rest/fields.ts';
import { invalid } from '../../rest/errors.ts';
import { defineResource } from '../../rest/resource.ts';
import { todayInZone } from '../../rest/values.ts';
import { labMemberships, labs, users } from './tables.ts';

/** Repositories of a lab: the m2m is declared by the data app (it points forward); shown when present. */
function labRepositoriesField(): Record<string, Field> {
  return modelOf(labs).relations.repositories ? { repositories: many(labs, 'repositories', { slug: 'name' }) } : {};
}

export const labResource = defineResource({
  path: 'labs',
  admin: {
    menu: 'Admin',
    columns: ['name', 'institution', 'address', 'timezone', 'repositories', 'reference_weight_pct', 'zscore_weight_pct'],
    search: ['name', 'institution'],
    ordering: ['name'],
    labels: { reference_weight_pct: 'Reference weight fraction', zscore_weight_pct: 'Z-score weight fraction', timezone: 'Time zone' },
    help: { timezone: 'A time zone of the tz database, e.g. Europe/London.', reference_weight_pct: 'Fraction of the reference weight below which a restricted subject is flagged (e.g. 0.8).' },
    hidden: ['json'],
  },
  table: labs,
  lookup: 'name',
  description: 'Labs: name, institution, time zone and water-control settings.',
  fields: {
    name: column(labs.name, {
      required: true,
      allowBlank: false,
      pattern: [/^\w+$/u, 'Lab name must only contain letters, numbers, and underscores.'],
    }),
    institution: column(labs.institution),
    address: column(labs.address),
    timezone: column(labs.timezone, { default: (ctx) => ctx.config.timeZone }),
    ...labRepositoriesField(),
    reference_weight_pct: column(labs.reference_weight_pct),
    zscore_weight_pct: column(labs.zscore_weight_pct),
    json: column(labs.json),
  },
  unique: { name: 'lab with this name already exists.' },
  autoFilters: { exclude: ['json'] },
  ordering: (t) => [asc(t.name)],
});

export const userResource = defineResource({
  path: 'users',
  admin: {
    label: 'Lab members',
    labelSingular: 'Lab member',
    menu: 'Admin',
    columns: ['username', 'email', 'lab', 'is_stock_manager'],
    filters: ['is_staff', 'is_superuser', 'is_active', 'is_stock_manager', 'is_public_user'],
    search: ['username', 'first_name', 'last_name', 'email'],
    ordering: ['username'],
    labels: { subjects_responsible: 'Subjects responsible for', is_stock_manager: 'Stock manager' },
    hidden: ['id'],
  },
  table: users,
  lookup: 'username',
  description: 'Lab members (users). Users created here have no usable password until one is set.',
  fields: {
    id: column(users.id, { readOnly: true }),
    username: column(users.username, {
      required: true,
      allowBlank: false,
      pattern: [/^[\w.@+-]+$/u, 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
    }),
    email: column(users.email, {
      validate: (v) => {
        if (v !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(v))) throw invalid('Enter a valid email address.');
      },
    }),
    subjects_responsible: reverse(users, 'subjects_responsible', { slug: 'nickname', writable: true, required: true }),
    lab: computed(
      { type: 'array', items: { type: 'string' } },
      async (rows, ctx) => {
        const ids = rows.map((r) => r.id as string);
        const map = new Map<string, string[]>();
        if (!ids.length) return map;
        const today = todayInZone(ctx.config.timeZone);
        const found = await ctx.db
          .select({ user: labMemberships.user, name: labs.name })
          .from(labMemberships)
          .innerJoin(labs, eq(labs.id, labMemberships.lab))
          .where(
            and(
              inArray(labMemberships.user, ids),
              lte(labMemberships.start_date, today),
              or(isNull(labMemberships.end_date), gte(labMemberships.end_date, today)),
            ),
          )
          .orderBy(asc(labs.name));
        for (const f of found) {
          const list = map.get(f.user) ?? [];
          if (!list.includes(f.name)) list.push(f.name);
          map.set(f.user, list);
        }
        return map;
      },
      (row, map) => map.get(row.id as string) ?? [],
      'labs where the user has a membership active today',
    ),
    allowed_users: many(users, 'allowed_users', { slug: 'username', required: true }),
    is_stock_manager: column(users.is_stock_manager),
  },
  unique: { username: 'A user with that username already exists.' },
  autoFilters: { exclude: ['password'] },
  ordering: (t) => [asc(t.username)],
  async beforeWrite(values, state) {
    if (state.action === 'create') {
      // Django's unusable password marker: set one with `alyx user password`
      values.password = `!${crypto.randomBytes(20).toString('base64url')}`;
    }
  },
});
