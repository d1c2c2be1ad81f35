// Plain REST resources for the subjects reference tables that upstream manages only in its admin
// (species, strains, sources, sequences, alleles, lines, litters, breeding pairs, subject requests,
// genotype tests, zygosities). The web UI edits them through these. Detail lookups are by id.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import type { RequestContext } from '../../rest/context.ts';
import { fieldError, invalid } from '../../rest/errors.ts';
import { column, computed, many, related, type Field, type Row } from '../../rest/fields.ts';
import { bySlug, nullBoolean } from '../../rest/filters.ts';
import { defineResource, type WriteState } from '../../rest/resource.ts';
import { nowInZone, todayInZone } from '../../rest/values.ts';
import { namedReference, nameFilter, withIdAndJson } from '../misc/reference.ts';
import { cageTypes, enrichments, foods, housings, labs, users } from '../misc/tables.ts';
import { LIGHT_CYCLE_CHOICES, TEST_RESULT_CHOICES, ZYGOSITY_CHOICES } from './choices.ts';
import { zygositiesFromTests } from './genotype.ts';
import { breedingPairAutoname, litterAutoname, needsAutoname } from './naming.ts';
import { defaultSpeciesId } from './resources.ts';
import {
  alleles,
  breedingPairs,
  genotypeTests,
  housingSubjects,
  lines,
  litters,
  sequences,
  sources,
  species,
  strains,
  subjectRequests,
  subjects,
  zygosities,
  zygosityRules,
} from './tables.ts';
import { pushTo } from '../../rest/group.ts';

/** Nicknames of the subjects of each row, loaded for the whole page by one query of `load`. */
function subjectNicknames(
  help: string,
  load: (ids: string[], db: Queryable) => Promise<Array<{ key: string | null; nickname: string }>>,
): Field {
  return computed(
    { type: 'array', items: { type: 'string' } },
    async (rows, ctx) => {
      const ids = rows.map((r) => r.id as string);
      const map = new Map<string, string[]>();
      if (ids.length) for (const f of await load(ids, ctx.db)) pushTo(map, f.key!, f.nickname);
      return map;
    },
    (row, map) => map.get(row.id as string) ?? [],
    help,
  );
}

/** The lab of new lines: the one named by ALYX_LAB, else the only lab. */
async function defaultLabId(ctx: RequestContext): Promise<string | null> {
  const [named] = await ctx.db.select({ id: labs.id }).from(labs).where(eq(labs.name, ctx.config.labName)).limit(1);
  if (named) return named.id;
  const all = await ctx.db.select({ id: labs.id }).from(labs).limit(2);
  return all.length === 1 ? all[0].id : null;
}

export const speciesResource = defineResource({
  path: 'species',
  admin: { menu: 'Colony', columns: ['name', 'nickname'], filters: [], search: ['name', 'nickname'], hidden: ['id', 'json'] },
  table: species,
  description: 'Species; subjects refer to a species by its nickname (common name).',
  fields: withIdAndJson(species, {
    name: column(species.name, { required: true, allowBlank: false, help: 'binomial name, e.g. Mus musculus' }),
    nickname: column(species.nickname, { required: true, allowBlank: false, help: 'common name, e.g. Laboratory mouse' }),
  }),
  unique: { nickname: 'species with this nickname already exists.' },
  filters: { name: nameFilter(species.name, species.nickname) },
  ordering: (t) => [asc(t.nickname)],
});

export const strainResource = namedReference('strains', strains, 'Strains.', { allowBlank: true });
export const sourceResource = namedReference('sources', sources, 'Where subjects come from (suppliers, in-house breeding).');

export const sequenceResource = defineResource({
  path: 'sequences',
  admin: { menu: 'Colony', columns: ['name', 'base_pairs', 'description'], filters: [], search: ['name'], hidden: ['id', 'json'] },
  table: sequences,
  description: 'Genotyping sequences (primers).',
  fields: withIdAndJson(sequences, {
    name: column(sequences.name, { required: true, allowBlank: false }),
    base_pairs: column(sequences.base_pairs),
    description: column(sequences.description),
  }),
  unique: { name: 'sequence with this name already exists.' },
  filters: { name: nameFilter(sequences.name) },
  ordering: (t) => [asc(t.name)],
});

export const alleleResource = defineResource({
  path: 'alleles',
  admin: { menu: 'Colony', columns: ['name', 'nickname', 'sequences'], filters: [], search: ['name', 'nickname'], hidden: ['id', 'json'] },
  table: alleles,
  description: 'Alleles; genotypes refer to them by nickname.',
  fields: withIdAndJson(alleles, {
    name: column(alleles.name, { required: true, allowBlank: false, help: 'standard nomenclature' }),
    nickname: column(alleles.nickname, { required: true, allowBlank: false }),
    sequences: many(alleles, 'sequences', { slug: 'name' }),
  }),
  unique: { nickname: 'allele with this nickname already exists.' },
  filters: { name: nameFilter(alleles.name, alleles.nickname) },
  ordering: (t) => [asc(t.nickname)],
});

export const lineResource = defineResource({
  path: 'lines',
  admin: {
    menu: 'Colony',
    columns: ['name', 'nickname', 'target_phenotype', 'strain', 'source', 'source_url', 'expression_data_url', 'lab', 'is_active'],
    filters: ['is_active', 'lab'],
    search: ['nickname', 'name'],
    ordering: ['name'],
    labels: { source_url: 'Source link', expression_data_url: 'Expression data link', is_active: 'Active', subject_autoname_index: 'Next subject number', breeding_pair_autoname_index: 'Next breeding pair number', litter_autoname_index: 'Next litter number' },
    hidden: ['id', 'json'],
    inlines: [
      { resource: 'breeding-pairs', field: 'line', value: 'name', title: 'Breeding pairs', columns: ['name', 'start_date', 'end_date', 'father', 'mother1'] },
      { resource: 'subject-requests', field: 'line', value: 'name', title: 'Subject requests', columns: ['user', 'count', 'due_date', 'status'] },
    ],
  },
  table: lines,
  description: 'Mouse lines; subjects refer to a line by its name. New subjects, litters and breeding pairs of a line are auto-named from its nickname.',
  fields: withIdAndJson(lines, {
    name: column(lines.name, { required: true, allowBlank: false }),
    nickname: column(lines.nickname, { required: true, allowBlank: false }),
    description: column(lines.description),
    target_phenotype: column(lines.target_phenotype),
    strain: related(lines.strain, strains, { slug: 'name' }),
    source: related(lines.source, sources, { slug: 'name' }),
    source_identifier: column(lines.source_identifier),
    source_url: column(lines.source_url),
    expression_data_url: column(lines.expression_data_url),
    species: related(lines.species, species, { slug: 'nickname', default: (ctx) => defaultSpeciesId(ctx.db) }),
    alleles: many(lines, 'alleles', { slug: 'nickname' }),
    lab: related(lines.lab, labs, { slug: 'name', default: defaultLabId }),
    is_active: column(lines.is_active),
    subject_autoname_index: column(lines.subject_autoname_index, { min: 0 }),
    breeding_pair_autoname_index: column(lines.breeding_pair_autoname_index, { min: 0 }),
    litter_autoname_index: column(lines.litter_autoname_index, { min: 0 }),
  }),
  unique: { nickname: 'line with this nickname already exists.' },
  filters: {
    name: nameFilter(lines.name, lines.nickname),
    lab: bySlug(lines.lab, labs, 'name', { help: 'lab name' }),
    is_active: nullBoolean((v) => eq(lines.is_active, v)),
  },
  ordering: (t) => [asc(t.name)],
  validate(state) {
    if (state.action === 'create' && state.data.lab == null) throw fieldError('lab', 'This field is required.');
  },
});

/** Bumps a line's counter and returns the next automatic name (litters, breeding pairs). */
async function nextLineName(
  db: Queryable,
  lineId: string,
  counter: 'litter_autoname_index' | 'breeding_pair_autoname_index',
  format: (nick: string, i: number) => string,
): Promise<string> {
  const [line] = await db.select().from(lines).where(eq(lines.id, lineId)).for('update');
  const index = line[counter] + 1;
  await db.update(lines).set({ [counter]: index }).where(eq(lines.id, lineId));
  return format(line.nickname, index);
}

export const litterResource = defineResource({
  path: 'litters',
  admin: {
    menu: 'Colony',
    columns: ['name', 'breeding_pair', 'line', 'birth_date'],
    filters: ['line'],
    search: ['name'],
    ordering: ['-birth_date'],
    hidden: ['id', 'json'],
  },
  table: litters,
  description: 'Litters; named "<line>_L_<NNN>" automatically when the name is "-" and a line is set.',
  fields: withIdAndJson(litters, {
    name: column(litters.name),
    line: related(litters.line, lines, { slug: 'name' }),
    breeding_pair: related(litters.breeding_pair, breedingPairs, { slug: 'name' }),
    description: column(litters.description),
    birth_date: column(litters.birth_date),
    subjects: subjectNicknames('nicknames of the subjects of this litter', (ids, db) =>
      db
        .select({ key: subjects.litter, nickname: subjects.nickname })
        .from(subjects)
        .where(inArray(subjects.litter, ids))
        .orderBy(asc(subjects.nickname)),
    ),
  }),
  unique: { name: 'litter with this name already exists.' },
  filters: { name: nameFilter(litters.name), line: bySlug(litters.line, lines, 'name') },
  ordering: (t) => [asc(t.name), desc(t.birth_date)],
  async beforeWrite(values, state, ctx) {
    const merged = { ...(state.instance ?? {}), ...values };
    if (merged.line && needsAutoname(merged.name)) {
      values.name = await nextLineName(ctx.db, merged.line as string, 'litter_autoname_index', litterAutoname);
    }
  },
});

/** Parent fields of a breeding pair: a subject nickname whose sex must match. */
function parent(col: AnyPgColumn, sex: 'M' | 'F'): Field {
  return related(col, subjects, {
    slug: 'nickname',
    validate: async (subjectId, ctx) => {
      const [s] = await ctx.db.select({ sex: subjects.sex }).from(subjects).where(eq(subjects.id, subjectId as string));
      if (s && s.sex !== sex) {
        throw invalid(sex === 'M' ? 'The father must be a male subject.' : 'A mother must be a female subject.');
      }
    },
  });
}

export const breedingPairResource = defineResource({
  path: 'breeding-pairs',
  admin: {
    menu: 'Colony',
    columns: ['name', 'line', 'start_date', 'end_date', 'father', 'mother1', 'mother2'],
    filters: ['current', 'line'],
    search: ['name'],
    labels: { mother1: 'Mother 1', mother2: 'Mother 2' },
    hidden: ['id', 'json'],
  },
  table: breedingPairs,
  description: 'Breeding pairs; named "<line>_BP_<NNN>" automatically when the name is "-" and a line is set.',
  fields: withIdAndJson(breedingPairs, {
    name: column(breedingPairs.name),
    line: related(breedingPairs.line, lines, { slug: 'name' }),
    start_date: column(breedingPairs.start_date),
    end_date: column(breedingPairs.end_date),
    father: parent(breedingPairs.father, 'M'),
    mother1: parent(breedingPairs.mother1, 'F'),
    mother2: parent(breedingPairs.mother2, 'F'),
    description: column(breedingPairs.description),
  }),
  filters: {
    name: nameFilter(breedingPairs.name),
    line: bySlug(breedingPairs.line, lines, 'name'),
    current: nullBoolean(
      (v) =>
        v
          ? sql`(${breedingPairs.start_date} is not null and ${breedingPairs.end_date} is null)`
          : sql`not (${breedingPairs.start_date} is not null and ${breedingPairs.end_date} is null)`,
      'true: started and not ended',
    ),
  },
  ordering: (t) => [asc(t.name)],
  async beforeWrite(values, state, ctx) {
    const merged = { ...(state.instance ?? {}), ...values };
    if (merged.line && needsAutoname(merged.name)) {
      values.name = await nextLineName(ctx.db, merged.line as string, 'breeding_pair_autoname_index', breedingPairAutoname);
    }
  },
});

export const subjectRequestResource = defineResource({
  path: 'subject-requests',
  admin: {
    menu: 'Colony',
    columns: ['line', 'user', 'count', 'remaining', 'date_time', 'due_date', 'status'],
    filters: ['user', 'line'],
    search: ['line__name', 'user__username'],
    labels: { date_time: 'Date' },
    hidden: ['id', 'json'],
  },
  table: subjectRequests,
  // not "SubjectRequest": the OpenAPI request body of /subjects is already named that
  name: 'SubjectOrder',
  description: 'Requests for subjects of a line; open while fewer living subjects of that line and user exist than requested.',
  fields: withIdAndJson(subjectRequests, {
    user: related(subjectRequests.user, users, { slug: 'username', default: (ctx) => ctx.user?.id ?? null }),
    line: related(subjectRequests.line, lines, { slug: 'name' }),
    count: column(subjectRequests.count, { min: 0 }),
    date_time: column(subjectRequests.date_time, { default: (ctx) => todayInZone(ctx.config.timeZone) }),
    due_date: column(subjectRequests.due_date),
    description: column(subjectRequests.description),
    remaining: computed(
      { type: 'integer', nullable: true },
      loadRequestCounts,
      (row, map) => (row.count == null ? null : (row.count as number) - (map.get(row.id as string) ?? 0)),
      'count minus the living subjects of the request with its user and line',
    ),
    status: computed(
      { type: 'string', enum: ['Open', 'Closed'] },
      loadRequestCounts,
      (row, map) => ((row.count == null ? 0 : (row.count as number) - (map.get(row.id as string) ?? 0)) > 0 ? 'Open' : 'Closed'),
    ),
    name: column(subjectRequests.name),
  }),
  filters: { user: bySlug(subjectRequests.user, users, 'username'), line: bySlug(subjectRequests.line, lines, 'name') },
  ordering: (t) => [desc(t.date_time)],
});

const requestCountCache = new WeakMap<object, Promise<Map<string, number>>>();
function loadRequestCounts(rows: Record<string, unknown>[], ctx: RequestContext): Promise<Map<string, number>> {
  let p = requestCountCache.get(rows);
  if (!p) {
    p = (async () => {
      const map = new Map<string, number>();
      const ids = rows.map((r) => r.id as string);
      if (!ids.length) return map;
      const found = await ctx.db
        .select({ request: subjectRequests.id, n: sql<number>`count(${subjects.id})::int` })
        .from(subjectRequests)
        .innerJoin(
          subjects,
          and(
            eq(subjects.request, subjectRequests.id),
            eq(subjects.responsible_user, subjectRequests.user),
            eq(subjects.line, subjectRequests.line),
            isNull(subjects.death_date),
          ),
        )
        .where(inArray(subjectRequests.id, ids))
        .groupBy(subjectRequests.id);
      for (const f of found) map.set(f.request, Number(f.n));
      return map;
    })();
    requestCountCache.set(rows, p);
  }
  return p;
}

/** Recomputes a subject's zygosities from its genotype tests and its line's rules (4.14). */
export async function applyZygosityRules(db: Queryable, subjectId: string): Promise<void> {
  const [s] = await db.select({ line: subjects.line }).from(subjects).where(eq(subjects.id, subjectId));
  if (!s?.line) return;
  const rules = await db.select().from(zygosityRules).where(eq(zygosityRules.line, s.line)).orderBy(asc(zygosityRules.id));
  if (!rules.length) return;
  const tests = await db.select().from(genotypeTests).where(eq(genotypeTests.subject, subjectId));
  const results = new Map(tests.map((t) => [t.sequence, t.test_result]));
  const computedZ = zygositiesFromTests(rules, results);
  if (!computedZ.size) return;
  const existing = await db.select().from(zygosities).where(eq(zygosities.subject, subjectId));
  for (const [allele, zygosity] of computedZ) {
    const found = existing.find((z) => z.allele === allele);
    if (found) {
      if (found.zygosity !== zygosity) await db.update(zygosities).set({ zygosity }).where(eq(zygosities.id, found.id));
    } else {
      await db.insert(zygosities).values({ subject: subjectId, allele, zygosity });
    }
  }
}

export const genotypeTestResource = defineResource({
  path: 'genotype-tests',
  admin: { menu: 'Colony', columns: ['subject', 'sequence', 'test_result'], filters: ['subject', 'sequence'], search: ['subject__nickname', 'sequence__name'], hidden: ['id', 'json'] },
  table: genotypeTests,
  description: "Genotype test results; saving one recomputes the subject's zygosities from its line's rules.",
  fields: withIdAndJson(genotypeTests, {
    subject: related(genotypeTests.subject, subjects, { slug: 'nickname', required: true }),
    sequence: related(genotypeTests.sequence, sequences, { slug: 'name', required: true }),
    test_result: column(genotypeTests.test_result, { choices: TEST_RESULT_CHOICES }),
  }),
  filters: {
    subject: bySlug(genotypeTests.subject, subjects, 'nickname'),
    sequence: bySlug(genotypeTests.sequence, sequences, 'name'),
  },
  ordering: (t) => [asc(t.subject)],
  async afterWrite(row, _state: WriteState, ctx) {
    await applyZygosityRules(ctx.db, row.subject as string);
  },
});

/** Re-applies a line's rules to each of its subjects (after a rule of that line changed). */
async function applyLineRules(db: Queryable, lineId: string | null | undefined): Promise<void> {
  if (!lineId) return;
  const members = await db.select({ id: subjects.id }).from(subjects).where(eq(subjects.line, lineId));
  for (const m of members) await applyZygosityRules(db, m.id);
}

export const zygosityRuleResource = defineResource({
  path: 'zygosity-rules',
  admin: { menu: 'Colony', columns: ['line', 'allele', 'sequence0', 'sequence0_result', 'sequence1', 'sequence1_result', 'zygosity'], filters: ['line', 'allele'], search: ['line__name', 'allele__name'], hidden: ['id', 'json'] },
  table: zygosityRules,
  description:
    "Rules giving a line's allele zygosity from genotype test results; saving one recomputes the zygosities of the line's subjects.",
  fields: withIdAndJson(zygosityRules, {
    line: related(zygosityRules.line, lines, { slug: 'name' }),
    allele: related(zygosityRules.allele, alleles, { slug: 'nickname' }),
    sequence0: related(zygosityRules.sequence0, sequences, { slug: 'name' }),
    sequence0_result: column(zygosityRules.sequence0_result, { choices: TEST_RESULT_CHOICES }),
    sequence1: related(zygosityRules.sequence1, sequences, { slug: 'name' }),
    sequence1_result: column(zygosityRules.sequence1_result, { choices: TEST_RESULT_CHOICES }),
    zygosity: column(zygosityRules.zygosity, { choices: ZYGOSITY_CHOICES, required: true }),
  }),
  filters: { line: bySlug(zygosityRules.line, lines, 'name'), allele: bySlug(zygosityRules.allele, alleles, 'nickname') },
  ordering: (t) => [asc(t.line), asc(t.allele)],
  async afterWrite(row, state, ctx) {
    await applyLineRules(ctx.db, row.line as string | null);
    if (state.instance && state.instance.line !== row.line) await applyLineRules(ctx.db, state.instance.line as string | null);
  },
  async beforeDelete(row, ctx) {
    // recompute without the rule: delete it first, then re-apply the remaining ones
    await ctx.db.delete(zygosityRules).where(eq(zygosityRules.id, row.id as string));
    await applyLineRules(ctx.db, row.line as string | null);
  },
});

export const zygosityResource = defineResource({
  path: 'zygosities',
  admin: { menu: 'Colony', columns: ['subject', 'allele', 'zygosity'], filters: ['subject', 'allele'], search: ['subject__nickname', 'allele__name'], hidden: ['id', 'json'] },
  table: zygosities,
  description: 'Zygosity of a subject for an allele: 0 -/- Absent, 1 +/- Heterozygous, 2 +/+ Homozygous, 3 + Present.',
  fields: withIdAndJson(zygosities, {
    subject: related(zygosities.subject, subjects, { slug: 'nickname', required: true }),
    allele: related(zygosities.allele, alleles, { slug: 'nickname', required: true }),
    zygosity: column(zygosities.zygosity, { choices: ZYGOSITY_CHOICES, required: true }),
  }),
  filters: {
    subject: bySlug(zygosities.subject, subjects, 'nickname'),
    allele: bySlug(zygosities.allele, alleles, 'nickname'),
  },
  // upstream's unique_together, which the table does not hold as a constraint
  uniqueTogether: [{ fields: ['subject', 'allele'] }],
  ordering: (t) => [asc(t.subject)],
});

/** Housings (cage conditions); subjects join them through time-stamped links. */
export const housingResource = defineResource({
  path: 'housings',
  admin: {
    menu: 'Colony',
    columns: ['cage_name', 'cage_type', 'subjects', 'enrichment', 'food', 'light_cycle'],
    search: ['cage_name'],
    labels: { cage_cleaning_frequency_days: 'Cage cleaning every (days)' },
    hidden: ['id', 'json'],
  },
  table: housings,
  description: 'Housings: cage conditions that subjects join for a period (see housing_subjects).',
  fields: withIdAndJson(housings, {
    cage_name: column(housings.cage_name, { required: true, allowBlank: false }),
    cage_type: related(housings.cage_type, cageTypes, { slug: 'name' }),
    enrichment: related(housings.enrichment, enrichments, { slug: 'name' }),
    food: related(housings.food, foods, { slug: 'name' }),
    cage_cleaning_frequency_days: column(housings.cage_cleaning_frequency_days, { min: 0 }),
    light_cycle: column(housings.light_cycle, { choices: LIGHT_CYCLE_CHOICES }),
    subjects: subjectNicknames('nicknames of the subjects currently in this housing', (ids, db) =>
      db
        .select({ key: housingSubjects.housing, nickname: subjects.nickname })
        .from(housingSubjects)
        .innerJoin(subjects, eq(subjects.id, housingSubjects.subject))
        .where(and(inArray(housingSubjects.housing, ids), isNull(housingSubjects.end_datetime)))
        .orderBy(asc(subjects.nickname)),
    ),
    name: column(housings.name),
  }),
  filters: { name: nameFilter(housings.cage_name, housings.name) },
  ordering: (t) => [asc(t.cage_name)],
  beforeWrite: keepHousingHistory,
});

const HOUSING_TRACKED = ['cage_name', 'cage_type', 'enrichment', 'food', 'cage_cleaning_frequency_days', 'light_cycle'];

/**
 * 4.13: housing conditions are historical. When tracked fields of a housing that has subjects
 * change, its former values are kept in a copy that takes over every existing link (all ended
 * now), and the subjects that were current continue from now on the edited housing. Upstream
 * puts the new values in the copy instead; keeping the edited row at its id lets the response
 * and the URL stay those of the housing being edited. Without subjects, the edit is in place.
 */
async function keepHousingHistory(values: Row, state: WriteState, ctx: RequestContext & { db: Queryable }): Promise<void> {
  const before = state.instance;
  if (!before || !HOUSING_TRACKED.some((k) => k in values && values[k] !== before[k])) return;
  const links = await ctx.db.select().from(housingSubjects).where(eq(housingSubjects.housing, before.id as string));
  if (links.length === 0) return;
  const { id: _id, ...old } = before;
  const [copy] = await ctx.db.insert(housings).values(old as typeof housings.$inferInsert).returning({ id: housings.id });
  const now = nowInZone(ctx.config.timeZone);
  await ctx.db
    .update(housingSubjects)
    .set({ housing: copy.id, end_datetime: now })
    .where(eq(housingSubjects.housing, before.id as string));
  const current = links.filter((l) => l.end_datetime === null && l.subject);
  if (current.length) {
    await ctx.db
      .insert(housingSubjects)
      .values(current.map((l) => ({ subject: l.subject, housing: before.id as string, start_datetime: now })));
  }
}

/**
 * Subject <-> housing links (4.13): a new open link (no end) closes the subject's other open links
 * at its start.
 */
export const housingSubjectResource = defineResource({
  path: 'housing-subjects',
  admin: { menu: false, label: 'Housing periods', labelSingular: 'Housing period', columns: ['subject', 'housing', 'start_datetime', 'end_datetime'], filters: ['subject', 'current'], labels: { start_datetime: 'Start', end_datetime: 'End' }, hidden: ['id', 'json'] },
  table: housingSubjects,
  description: 'Periods during which a subject lives in a housing; a new open period ends the open one.',
  fields: withIdAndJson(housingSubjects, {
    subject: related(housingSubjects.subject, subjects, { slug: 'nickname', required: true }),
    housing: related(housingSubjects.housing, housings, { required: true }),
    start_datetime: column(housingSubjects.start_datetime, { required: true }),
    end_datetime: column(housingSubjects.end_datetime),
  }),
  filters: {
    subject: bySlug(housingSubjects.subject, subjects, 'nickname', { help: 'subject nickname' }),
    current: nullBoolean((v) => (v ? isNull(housingSubjects.end_datetime) : sql`${housingSubjects.end_datetime} is not null`)),
  },
  ordering: (t) => [asc(t.start_datetime)],
  validate(state) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    if (merged.end_datetime && merged.start_datetime && String(merged.end_datetime) < String(merged.start_datetime)) {
      throw fieldError('end_datetime', 'The end must not precede the start.');
    }
  },
  async afterWrite(row, state, ctx) {
    if (state.action !== 'create' || row.end_datetime !== null || !row.subject) return;
    await ctx.db
      .update(housingSubjects)
      .set({ end_datetime: row.start_datetime as string })
      .where(and(eq(housingSubjects.subject, row.subject as string), isNull(housingSubjects.end_datetime), sql`${housingSubjects.id} <> ${row.id}`));
  },
});

export const referenceResources = [
  speciesResource,
  strainResource,
  sourceResource,
  sequenceResource,
  alleleResource,
  lineResource,
  litterResource,
  breedingPairResource,
  subjectRequestResource,
  genotypeTestResource,
  zygosityResource,
  zygosityRuleResource,
  housingResource,
  housingSubjectResource,
];
