// /subjects (spec-core §2.4, rules §4.6, §4.9, §4.10) and /projects (§2.5).
import { and, asc, desc, eq, getTableColumns, inArray, ne, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { modelOf } from '../../db/models.ts';
import type { Queryable } from '../../db/client.ts';
import type { RequestContext } from '../../rest/context.ts';
import { fieldError } from '../../rest/errors.ts';
import { column, computed, many, related, selfUrl, type Field, type JsonSchema, type Row } from '../../rest/fields.ts';
import { bySlug, filter, nullBoolean, type Filter } from '../../rest/filters.ts';
import { defineResource, type Resource, type WriteState } from '../../rest/resource.ts';
import { nowInZone, todayInZone } from '../../rest/values.ts';
import { labs, userAllowedUsers, users } from '../misc/tables.ts';
import { NO_WATER_INFO, subjectActions, type SubjectWaterInfo } from './extensions.ts';
import { ageWeeks, isAlive } from './age.ts';
import { PROTOCOL_CHOICES, SEVERITY_CHOICES, SEX_CHOICES } from './choices.ts';
import { zygosityString } from './genotype.ts';
import { appendHistory } from './history.ts';
import { NICKNAME_MESSAGE, NICKNAME_RE, needsAutoname, subjectAutoname } from './naming.ts';
import {
  DEFAULT_SPECIES_ID,
  alleles,
  lineAlleles,
  lines,
  litters,
  projects,
  sources,
  species,
  strains,
  subjectProjects,
  subjectRequests,
  subjects,
  zygosities,
} from './tables.ts';
import { actsOnAllSubjects } from '../../rest/permissions.ts';
import { inIds } from '../../db/ids.ts';

export const DEFAULT_SOURCE_NAME = 'IBL';

/** The default species ("Laboratory mouse", fixed pk), created on demand as upstream does. */
export async function defaultSpeciesId(db: Queryable): Promise<string> {
  await db
    .insert(species)
    .values({ id: DEFAULT_SPECIES_ID, name: 'Mus musculus', nickname: 'Laboratory mouse' })
    .onConflictDoNothing();
  const [row] = await db
    .select({ id: species.id })
    .from(species)
    .where(or(eq(species.id, DEFAULT_SPECIES_ID), eq(species.nickname, 'Laboratory mouse')))
    .orderBy(sql`${species.id} <> ${DEFAULT_SPECIES_ID}`)
    .limit(1);
  return row.id;
}

async function defaultSourceId(db: Queryable): Promise<string | null> {
  const [row] = await db.select({ id: sources.id }).from(sources).where(eq(sources.name, DEFAULT_SOURCE_NAME)).orderBy(asc(sources.id)).limit(1);
  return row?.id ?? null;
}

/** "Select a valid choice" filter on a choice column (django-filter's ChoiceFilter). */
function choiceFilter(col: Column, choices: ReadonlyArray<readonly [string | number, string]>): Filter {
  return filter(
    (v, ctx) => {
      const match = choices.find(([c]) => String(c) === v);
      if (!match) throw fieldError(ctx.name, `Select a valid choice. ${v} is not one of the available choices.`);
      return eq(col, match[0]);
    },
    { schema: { type: typeof choices[0][0] === 'number' ? 'integer' : 'string', enum: choices.map(([c]) => c) } },
  );
}

/** A reverse relation of Subject declared by a later app (actions), looked up when first needed. */
function laterRelation(name: string): { table: PgTable; fk: AnyPgColumn; cols: Record<string, AnyPgColumn> } | null {
  const rel = modelOf(subjects).relations[name];
  if (!rel || rel.kind !== 'reverse' || !rel.column) return null;
  return { table: rel.target, fk: rel.column as AnyPgColumn, cols: getTableColumns(rel.target) as Record<string, AnyPgColumn> };
}

const ids = (rows: Row[]) => [...new Set(rows.map((r) => r.id as string))];

// ---- computed fields ------------------------------------------------------------------------

/** Water numbers are computed once per page, shared by the four fields that show them. */
const waterCache = new WeakMap<Row[], Promise<Map<string, SubjectWaterInfo>>>();
function loadWater(rows: Row[], ctx: RequestContext): Promise<Map<string, SubjectWaterInfo>> {
  let p = waterCache.get(rows);
  if (!p) {
    const hook = subjectActions().waterInfo;
    p = hook && rows.length ? hook(rows, ctx) : Promise.resolve(new Map());
    waterCache.set(rows, p);
  }
  return p;
}

function waterField(key: keyof SubjectWaterInfo, schema: JsonSchema, help: string): Field {
  return computed(schema, loadWater, (row, map) => (map.get(row.id as string) ?? NO_WATER_INFO)[key], help);
}

async function loadSessionProjects(rows: Row[], ctx: RequestContext): Promise<Map<string, string[]>> {
  const hook = subjectActions().sessionProjects;
  return hook && rows.length ? hook(rows, ctx) : new Map();
}

interface ZygosityRow {
  subject: string;
  allele: string;
  nickname: string;
  zygosity: number;
}

async function loadZygosities(db: Queryable, subjectIds: string[]): Promise<ZygosityRow[]> {
  if (subjectIds.length === 0) return [];
  return (await db
    .select({ subject: zygosities.subject, allele: zygosities.allele, nickname: alleles.nickname, zygosity: zygosities.zygosity })
    .from(zygosities)
    .innerJoin(alleles, eq(alleles.id, zygosities.allele))
    .where(inIds(zygosities.subject, subjectIds))
    .orderBy(asc(alleles.nickname), asc(zygosities.id))) as ZygosityRow[];
}

/** List form: "<allele> <symbol>", restricted to the alleles of the subject's line when it has one. */
const genotypeStrings = computed(
  { type: 'array', items: { type: 'string' } },
  async (rows, ctx) => {
    const zyg = await loadZygosities(ctx.db, ids(rows));
    const lineIds = [...new Set(rows.map((r) => r.line as string | null).filter((v): v is string => !!v))];
    const lineAllele = new Set<string>();
    if (lineIds.length && zyg.length) {
      const la = await ctx.db.select().from(lineAlleles).where(inIds(lineAlleles.line, lineIds));
      for (const r of la) lineAllele.add(`${r.line}|${r.allele}`);
    }
    return { zyg, lineAllele };
  },
  (row, { zyg, lineAllele }) =>
    zyg
      .filter((z) => z.subject === row.id && (!row.line || lineAllele.has(`${row.line}|${z.allele}`)))
      .map((z) => zygosityString(z.nickname, z.zygosity)),
  'zygosities as "<allele> <symbol>" (detail views give objects instead)',
);

const GENOTYPE_OBJECTS_SCHEMA: JsonSchema = {
  type: 'array',
  readOnly: true,
  items: { type: 'object', properties: { allele: { type: 'string' }, zygosity: { type: 'integer' } } },
};

function nestedField(key: 'weighings' | 'waterAdministrations', help: string): Field {
  return computed(
    { type: 'array', items: { type: 'object' } },
    async (rows, ctx) => {
      const hook = subjectActions()[key];
      return hook && rows.length ? hook(rows, ctx) : new Map<string, unknown[]>();
    },
    (row, map) => map.get(row.id as string) ?? [],
    help,
  );
}

// ---- write rules ----------------------------------------------------------------------------

/** Automatic nickname from the line (4.9): bump the line's counter until the name is free. */
async function autoNickname(db: Queryable, lineId: string): Promise<string> {
  const [line] = await db.select().from(lines).where(eq(lines.id, lineId)).for('update');
  let index = line.subject_autoname_index;
  for (;;) {
    index += 1;
    const candidate = subjectAutoname(line.nickname, index);
    const taken = await db.select({ id: subjects.id }).from(subjects).where(eq(subjects.nickname, candidate)).limit(1);
    if (taken.length === 0) {
      await db.update(lines).set({ subject_autoname_index: index }).where(eq(lines.id, lineId));
      return candidate;
    }
  }
}

/** A new responsible user on a line subject without a request: link that user's latest request for the line. */
async function linkRequest(db: Queryable, values: Row, before: Row, merged: Row): Promise<void> {
  const user = merged.responsible_user as string | null;
  if (!('responsible_user' in values) || !user || user === before.responsible_user || !merged.line || merged.request) return;
  const [req] = await db
    .select({ id: subjectRequests.id })
    .from(subjectRequests)
    .where(and(eq(subjectRequests.user, user), eq(subjectRequests.line, merged.line as string)))
    .orderBy(desc(subjectRequests.date_time), asc(subjectRequests.id))
    .limit(1);
  if (req) values.request = req.id;
}

const HISTORY_FIELDS = ['nickname', 'responsible_user', 'cage'];

/** Former nickname, responsible user and cage go to json.history when they change. */
function recordHistory(values: Row, before: Row, ctx: RequestContext): void {
  const now = nowInZone(ctx.config.timeZone).replace(' ', 'T');
  const tracked = HISTORY_FIELDS.map((field) => ({
    field,
    old: before[field],
    new: field in values ? values[field] : before[field],
  }));
  const json = 'json' in values ? values.json : before.json;
  const updated = appendHistory(json, tracked, now);
  if (updated !== json) values.json = updated;
}

async function subjectBeforeWrite(values: Row, state: WriteState, ctx: RequestContext): Promise<void> {
  const before = state.instance;
  const merged = { ...(before ?? {}), ...values } as Row;
  const lineId = merged.line as string | null | undefined;
  if (lineId && needsAutoname(merged.nickname)) values.nickname = await autoNickname(ctx.db, lineId);
  const nickname = (values.nickname ?? merged.nickname ?? '-') as string;
  if (!NICKNAME_RE.test(nickname)) throw fieldError('nickname', NICKNAME_MESSAGE);
  if (lineId && !merged.strain) {
    const [line] = await ctx.db.select({ strain: lines.strain }).from(lines).where(eq(lines.id, lineId));
    if (line?.strain) values.strain = line.strain;
  }
  if (before) {
    await linkRequest(ctx.db, values, before, merged);
    recordHistory(values, before, ctx);
  }
}

async function subjectAfterWrite(row: Row, state: WriteState, ctx: RequestContext & { db: Queryable }): Promise<void> {
  // keep the cull (actions app) on the death date, as upstream's Subject.save does
  const cull = laterRelation('cull');
  if (cull && row.death_date && cull.cols.date) {
    await ctx.db
      .update(cull.table)
      .set({ date: row.death_date } as never)
      .where(and(eq(cull.fk, row.id as string), ne(cull.cols.date, row.death_date as string)));
  }
  const hook = subjectActions().afterSubjectWrite;
  if (hook) await hook(row, state.instance, ctx);
}

// ---- filters --------------------------------------------------------------------------------

const today = (ctx: RequestContext) => todayInZone(ctx.config.timeZone);
const aliveSql = (ctx: RequestContext): SQL => sql`(${subjects.death_date} is null or ${subjects.death_date} > ${today(ctx)}::date)`;
const stockManagers = sql`(select ${users.id} from ${users} where ${users.is_stock_manager})`;

function waterRestrictedFilter(): Filter {
  return nullBoolean((value, ctx) => {
    const wr = laterRelation('actions_waterrestrictions');
    const open = wr
      ? sql`${subjects.id} in (select ${wr.fk} from ${wr.table} where ${wr.cols.end_time} is null)`
      : sql`false`;
    return value ? sql`${open} and ${aliveSql(ctx)}` : sql`not ${open} and ${aliveSql(ctx)}`;
  }, 'true: subjects with an open water restriction; false: without. Both drop dead subjects.');
}

/**
 * Subjects a user may act on (4.12): all for superusers and stock managers, else those whose
 * responsible user is the user or one who lists the user in `allowed_users`. Used by the web UI's
 * forms; REST itself is not restricted by it.
 */
export async function actionableSubjectsSql(db: Queryable, userId: string): Promise<SQL> {
  const [u] = await db
    .select({ is_superuser: users.is_superuser, is_stock_manager: users.is_stock_manager })
    .from(users)
    .where(eq(users.id, userId));
  if (!u) return sql`false`;
  if (actsOnAllSubjects(u)) return sql`true`;
  return sql`(${subjects.responsible_user} = ${userId} or ${subjects.responsible_user} in (select ${userAllowedUsers.from_labmember} from ${userAllowedUsers} where ${userAllowedUsers.to_labmember} = ${userId}))`;
}

const subjectFilters: Record<string, Filter> = {
  alive: nullBoolean(
    (value, ctx) => (value ? aliveSql(ctx) : sql`${subjects.death_date} <= ${today(ctx)}::date`),
    'true: no death date or one after today',
  ),
  responsible_user: bySlug(subjects.responsible_user, users, 'username', { help: 'username of the responsible user' }),
  stock: nullBoolean(
    (value) =>
      value
        ? sql`${subjects.responsible_user} in ${stockManagers}`
        : sql`(${subjects.responsible_user} is null or ${subjects.responsible_user} not in ${stockManagers})`,
    'true: the responsible user is a stock manager',
  ),
  water_restricted: waterRestrictedFilter(),
  lab: bySlug(subjects.lab, labs, 'name', { help: 'lab name (exact)' }),
  project: filter(
    (v) =>
      sql`${subjects.id} in (select ${subjectProjects.subject} from ${subjectProjects} inner join ${projects} on ${projects.id} = ${subjectProjects.project} where ${projects.name} = ${v})`,
    { help: 'name of one of the subject projects' },
  ),
  allowed_for: filter(
    async (v, ctx) => {
      const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, v));
      return u ? actionableSubjectsSql(ctx.db, u.id) : sql`false`;
    },
    { help: 'username: only subjects this user may act on (own, delegated to them, or all for stock managers)' },
  ),
  sex: choiceFilter(subjects.sex, SEX_CHOICES),
  protocol_number: choiceFilter(subjects.protocol_number, PROTOCOL_CHOICES),
  actual_severity: choiceFilter(subjects.actual_severity, SEVERITY_CHOICES),
};

// ---- the resource ---------------------------------------------------------------------------

const subjectFields: Record<string, Field> = {
  nickname: column(subjects.nickname, { allowBlank: false, pattern: [NICKNAME_RE, NICKNAME_MESSAGE] }),
  url: selfUrl('subjects', 'nickname'),
  id: column(subjects.id, { readOnly: true }),
  responsible_user: related(subjects.responsible_user, users, {
    slug: 'username',
    default: (ctx) => ctx.user?.id ?? null,
    resetOnPut: true,
  }),
  birth_date: column(subjects.birth_date),
  age_weeks: computed(
    { type: 'integer' },
    (_rows, ctx) => today(ctx),
    (row, t) => ageWeeks(row.birth_date as string | null, row.death_date as string | null, t),
    'whole weeks from birth to death or today',
  ),
  death_date: column(subjects.death_date),
  species: related(subjects.species, species, { slug: 'nickname', default: (ctx) => defaultSpeciesId(ctx.db) }),
  sex: column(subjects.sex, { choices: [...SEX_CHOICES, ['', '']] }),
  litter: related(subjects.litter, litters, { slug: 'name' }),
  strain: related(subjects.strain, strains, { slug: 'name' }),
  source: related(subjects.source, sources, { slug: 'name', default: (ctx) => defaultSourceId(ctx.db) }),
  line: related(subjects.line, lines, { slug: 'name' }),
  projects: many(subjects, 'projects', { slug: 'name' }),
  session_projects: computed(
    { type: 'array', items: { type: 'string' } },
    loadSessionProjects,
    (row, map) => map.get(row.id as string) ?? [],
    'projects of the sessions of this subject',
  ),
  lab: related(subjects.lab, labs, { slug: 'name', required: true }),
  genotype: genotypeStrings,
  description: column(subjects.description),
  alive: computed({ type: 'boolean' }, (_rows, ctx) => today(ctx), (row, t) => isAlive(row.death_date as string | null, t)),
  reference_weight: waterField('reference_weight', { type: 'number' }, 'reference weight (g) for water control, today'),
  last_water_restriction: waterField(
    'last_water_restriction',
    { type: 'string', format: 'date-time', nullable: true },
    'start of the water restriction in force today',
  ),
  expected_water: waterField('expected_water', { type: 'number' }, 'expected water today (mL)'),
  remaining_water: waterField('remaining_water', { type: 'number' }, 'water still to give today (mL)'),
  json: column(subjects.json),
  weighings: nestedField('weighings', 'weighings of the subject'),
  water_administrations: nestedField('waterAdministrations', 'water administrations of the subject'),
};

const base = defineResource({
  path: 'subjects',
  admin: {
    description: 'The animals of the colony. Open one to see its weighings, water, sessions and genotype.',
    menu: 'Colony',
    columns: ['nickname', 'birth_date', 'sex', 'alive', 'responsible_user', 'lab', 'projects', 'line', 'litter', 'genotype', 'description'],
    filters: ['alive', 'responsible_user', 'lab', 'line', 'sex', 'water_restricted', 'to_be_genotyped', 'to_be_culled', 'project', 'stock'],
    search: ['nickname', 'responsible_user__first_name', 'responsible_user__last_name', 'responsible_user__username', 'cage', 'lab__name', 'projects__name'],
    ordering: ['-birth_date', '-nickname'],
    fieldsets: [
      { title: 'Subject', fields: ['nickname', 'sex', 'birth_date', 'age_weeks', 'responsible_user', 'lab', 'projects', 'description', 'alive', 'death_date'] },
      { title: 'Profile', fields: ['species', 'strain', 'source', 'line', 'litter', 'genotype'] },
      { title: 'Weighings and water', fields: ['reference_weight', 'last_water_restriction', 'expected_water', 'remaining_water'] },
      { title: 'Other', fields: ['session_projects', 'json'], collapsed: true },
    ],
    readOnly: ['death_date'],
    labels: { age_weeks: 'Age (weeks)', session_projects: 'Projects of its sessions', genotype: 'Zygosities', last_water_restriction: 'Water restricted since', expected_water: 'Expected water today (mL)', remaining_water: 'Remaining water today (mL)', reference_weight: 'Reference weight (g)' },
    help: { nickname: 'The name the lab uses for the animal; unique within the lab.', death_date: 'Set by recording a cull.' },
    hidden: ['url', 'id', 'json', 'weighings', 'water_administrations'],
    inlines: [
      { resource: 'weighings', field: 'nickname', title: 'Weighings', columns: ['date_time', 'weight', 'user'], add: true },
      { resource: 'water-administrations', field: 'nickname', title: 'Water administrations', columns: ['date_time', 'water_administered', 'water_type', 'adlib', 'user'], add: true },
      { resource: 'water-restrictions', field: 'nickname', title: 'Water restrictions', columns: ['start_time', 'end_time', 'water_type', 'reference_weight'], add: true },
      { resource: 'sessions', field: 'subject', title: 'Sessions', columns: ['start_time', 'number', 'lab', 'task_protocol'] },
      { resource: 'surgeries', field: 'nickname', title: 'Surgeries', columns: ['start_time', 'name', 'outcome_type', 'users'], add: true },
      { resource: 'zygosities', field: 'subject', title: 'Zygosities', columns: ['allele', 'zygosity'], add: true },
      { resource: 'genotype-tests', field: 'subject', title: 'Genotype tests', columns: ['sequence', 'test_result'], add: true },
      { resource: 'culls', field: 'nickname', title: 'Cull', columns: ['date', 'user', 'cull_reason', 'cull_method'], add: true },
    ],
  },
  table: subjects,
  lookup: 'nickname',
  description: 'Subjects (animals), looked up by nickname.',
  deleteGuard: 'cascade',
  fields: subjectFields,
  listFields: { exclude: ['weighings', 'water_administrations'] },
  createResponse: 'list',
  filters: subjectFilters,
  autoFilters: { exclude: ['housings'] },
  ordering: (t) => [asc(t.nickname), desc(t.birth_date)],
  beforeWrite: subjectBeforeWrite,
  afterWrite: subjectAfterWrite,
});

/** Detail views show the genotype as objects over every zygosity (no line filter). */
async function withGenotypeObjects(out: Row, ctx: RequestContext): Promise<Row> {
  const zyg = await loadZygosities(ctx.db, [out.id as string]);
  out.genotype = zyg.map((z) => ({ allele: z.nickname, zygosity: z.zygosity }));
  return out;
}

export const subjectResource: Resource = {
  ...(base as unknown as Resource),
  async retrieve(ctx, lookup) {
    return withGenotypeObjects(await base.retrieve(ctx, lookup), ctx);
  },
  async update(ctx, lookup, body, partial, isForm) {
    return withGenotypeObjects(await base.update(ctx, lookup, body, partial, isForm), ctx);
  },
  responseSchema(names) {
    const schema = base.responseSchema(names);
    if (names.includes('weighings')) (schema.properties as Record<string, JsonSchema>).genotype = GENOTYPE_OBJECTS_SCHEMA;
    return schema;
  },
};

export const projectResource = defineResource({
  path: 'projects',
  admin: {
    menu: 'Colony',
    columns: ['name', 'description', 'users'],
    search: ['name', 'description'],
    ordering: ['name'],
  },
  table: projects,
  lookup: 'name',
  description: 'Projects, looked up by name.',
  fields: {
    name: column(projects.name, { required: true, allowBlank: false }),
    description: column(projects.description),
    users: many(projects, 'users', {
      slug: 'username',
      default: (ctx) => (ctx.user ? [ctx.user.id] : []),
      resetOnPut: true,
    }),
  },
  unique: { name: 'project with this name already exists.' },
  django: false,
  ordering: (t) => [asc(t.name)],
});

