// subjects app tables: species, strains, sources, alleles and sequences, lines, breeding pairs,
// litters, subject requests, subjects, projects, zygosities, genotype tests, zygosity rules, and the
// housing <-> subject links (model app 'misc' as upstream, but it points at subjects so it lives
// here). Table and column names follow upstream Alyx; TS keys are Django field names.
import {
  type AnyPgColumn,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { joinTable } from '../../db/join-table.ts';
import { model } from '../../db/models.ts';
import { housings, labs, users } from '../misc/tables.ts';

/** Upstream's fixed primary key of the default species ("Laboratory mouse"). */
export const DEFAULT_SPECIES_ID = '60f915ba-bdf4-444a-ada0-be7ebd3c1826';
/** Upstream's DEFAULT_LAB_PK: the model-level default lab of subjects and lines. */
export const DEFAULT_LAB_ID = '4027da48-7be3-43ec-a222-f75dffe36872';

export const species = pgTable('subjects_species', {
  id: uuid('id').primaryKey().defaultRandom(),
  json: jsonb('json'),
  name: varchar('name', { length: 255 }).notNull(),
  nickname: varchar('nickname', { length: 255 }).notNull().unique(),
});

export const strains = pgTable(
  'subjects_strain',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull().default(''),
    description: text('description').notNull().default(''),
  },
  (t) => [index().on(t.name)],
);

export const sources = pgTable(
  'subjects_source',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [index().on(t.name)],
);

export const sequences = pgTable('subjects_sequence', {
  id: uuid('id').primaryKey().defaultRandom(),
  json: jsonb('json'),
  name: varchar('name', { length: 255 }).notNull().unique(),
  base_pairs: text('base_pairs').notNull().default(''),
  description: varchar('description', { length: 1023 }).notNull().default(''),
});

export const alleles = pgTable('subjects_allele', {
  id: uuid('id').primaryKey().defaultRandom(),
  json: jsonb('json'),
  name: varchar('name', { length: 1023 }).notNull(),
  nickname: varchar('nickname', { length: 255 }).notNull().unique(),
});

export const alleleSequences = joinTable(
  'subjects_allele_sequences',
  ['allele', 'allele_id', () => alleles.id],
  ['sequence', 'sequence_id', () => sequences.id],
);

export const lines = pgTable(
  'subjects_line',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
    target_phenotype: varchar('target_phenotype', { length: 1023 }).notNull().default(''),
    nickname: varchar('nickname', { length: 255 }).notNull().unique(),
    strain: uuid('strain_id').references(() => strains.id, { onDelete: 'set null' }),
    source: uuid('source_id').references(() => sources.id, { onDelete: 'set null' }),
    source_identifier: varchar('source_identifier', { length: 64 }).notNull().default(''),
    source_url: varchar('source_url', { length: 200 }).notNull().default(''),
    expression_data_url: varchar('expression_data_url', { length: 200 }).notNull().default(''),
    species: uuid('species_id').references(() => species.id, { onDelete: 'set null' }),
    subject_autoname_index: integer('subject_autoname_index').notNull().default(0),
    breeding_pair_autoname_index: integer('breeding_pair_autoname_index').notNull().default(0),
    litter_autoname_index: integer('litter_autoname_index').notNull().default(0),
    is_active: boolean('is_active').notNull().default(true),
    lab: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
  },
  (t) => [
    unique('subjects_line_nickname_lab_uniq').on(t.nickname, t.lab),
    index().on(t.name),
    index().on(t.lab),
    index().on(t.strain),
    index().on(t.source),
    index().on(t.species),
  ],
);

export const lineAlleles = joinTable(
  'subjects_line_alleles',
  ['line', 'line_id', () => lines.id],
  ['allele', 'allele_id', () => alleles.id],
);

export const subjectRequests = pgTable(
  'subjects_subjectrequest',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    user: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    line: uuid('line_id').references(() => lines.id, { onDelete: 'set null' }),
    count: integer('count'),
    date_time: date('date_time', { mode: 'string' }),
    due_date: date('due_date', { mode: 'string' }),
    description: text('description').notNull().default(''),
  },
  (t) => [index().on(t.user), index().on(t.line)],
);

export const breedingPairs = pgTable(
  'subjects_breedingpair',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull().default('-'),
    line: uuid('line_id').references(() => lines.id, { onDelete: 'set null' }),
    start_date: date('start_date', { mode: 'string' }),
    end_date: date('end_date', { mode: 'string' }),
    father: uuid('father_id').references((): AnyPgColumn => subjects.id, { onDelete: 'set null' }),
    mother1: uuid('mother1_id').references((): AnyPgColumn => subjects.id, { onDelete: 'set null' }),
    mother2: uuid('mother2_id').references((): AnyPgColumn => subjects.id, { onDelete: 'set null' }),
    description: text('description').notNull().default(''),
  },
  (t) => [index().on(t.name), index().on(t.line), index().on(t.father), index().on(t.mother1), index().on(t.mother2)],
);

export const litters = pgTable(
  'subjects_litter',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull().default('-').unique(),
    line: uuid('line_id').references(() => lines.id, { onDelete: 'set null' }),
    breeding_pair: uuid('breeding_pair_id').references(() => breedingPairs.id, { onDelete: 'set null' }),
    description: text('description').notNull().default(''),
    birth_date: date('birth_date', { mode: 'string' }),
  },
  (t) => [index().on(t.line), index().on(t.breeding_pair)],
);

export const subjects = pgTable(
  'subjects_subject',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    nickname: varchar('nickname', { length: 64 }).notNull().default('-'),
    species: uuid('species_id').references(() => species.id, { onDelete: 'set null' }),
    litter: uuid('litter_id').references(() => litters.id, { onDelete: 'set null' }),
    sex: varchar('sex', { length: 1 }).notNull().default('U'),
    strain: uuid('strain_id').references(() => strains.id, { onDelete: 'set null' }),
    source: uuid('source_id').references(() => sources.id, { onDelete: 'set null' }),
    line: uuid('line_id').references(() => lines.id, { onDelete: 'set null' }),
    birth_date: date('birth_date', { mode: 'string' }),
    death_date: date('death_date', { mode: 'string' }),
    wean_date: date('wean_date', { mode: 'string' }),
    genotype_date: date('genotype_date', { mode: 'string' }),
    responsible_user: uuid('responsible_user_id').references(() => users.id, { onDelete: 'set null' }),
    lab: uuid('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    cage: varchar('cage', { length: 64 }),
    request: uuid('request_id').references(() => subjectRequests.id, { onDelete: 'set null' }),
    ear_mark: varchar('ear_mark', { length: 32 }).notNull().default(''),
    protocol_number: varchar('protocol_number', { length: 1 }).notNull().default('1'),
    description: text('description').notNull().default(''),
    adverse_effects: text('adverse_effects').notNull().default(''),
    actual_severity: integer('actual_severity'),
    to_be_genotyped: boolean('to_be_genotyped').notNull().default(false),
    to_be_culled: boolean('to_be_culled').notNull().default(false),
    reduced_date: date('reduced_date', { mode: 'string' }),
  },
  (t) => [
    unique('subjects_subject_nickname_lab_uniq').on(t.nickname, t.lab),
    unique('subjects_subject_nickname_responsible_user_uniq').on(t.nickname, t.responsible_user),
    index().on(t.nickname),
    index().on(t.lab),
    index().on(t.responsible_user),
    index().on(t.species),
    index().on(t.litter),
    index().on(t.strain),
    index().on(t.source),
    index().on(t.line),
    index().on(t.request),
    index().on(t.birth_date),
    index().on(t.death_date),
    index().on(t.wean_date),
    index().on(t.genotype_date),
    index().on(t.reduced_date),
    index().on(t.sex),
    index().on(t.cage),
    index().on(t.ear_mark),
    index().on(t.protocol_number),
    index().on(t.actual_severity),
  ],
);

export const projects = pgTable('subjects_project', {
  id: uuid('id').primaryKey().defaultRandom(),
  json: jsonb('json'),
  name: varchar('name', { length: 255 }).notNull().unique(),
  description: varchar('description', { length: 1023 }).notNull().default(''),
});

export const projectUsers = joinTable(
  'subjects_project_users',
  ['project', 'project_id', () => projects.id],
  ['labmember', 'labmember_id', () => users.id],
);

export const subjectProjects = joinTable(
  'subjects_subject_projects',
  ['subject', 'subject_id', () => subjects.id],
  ['project', 'project_id', () => projects.id],
);

export const ZYGOSITY_SYMBOLS = ['-/-', '+/-', '+/+', '+'] as const;

export const zygosities = pgTable(
  'subjects_zygosity',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    subject: uuid('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    allele: uuid('allele_id')
      .notNull()
      .references(() => alleles.id, { onDelete: 'cascade' }),
    zygosity: integer('zygosity').notNull(),
  },
  (t) => [index().on(t.subject), index().on(t.allele)],
);

export const genotypeTests = pgTable(
  'subjects_genotypetest',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    subject: uuid('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    sequence: uuid('sequence_id')
      .notNull()
      .references(() => sequences.id, { onDelete: 'cascade' }),
    test_result: integer('test_result').notNull().default(1),
  },
  (t) => [index().on(t.subject), index().on(t.sequence)],
);

export const zygosityRules = pgTable(
  'subjects_zygosityrule',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    line: uuid('line_id').references(() => lines.id, { onDelete: 'set null' }),
    allele: uuid('allele_id').references(() => alleles.id, { onDelete: 'set null' }),
    sequence0: uuid('sequence0_id').references(() => sequences.id, { onDelete: 'set null' }),
    sequence0_result: integer('sequence0_result'),
    sequence1: uuid('sequence1_id').references(() => sequences.id, { onDelete: 'set null' }),
    sequence1_result: integer('sequence1_result'),
    zygosity: integer('zygosity').notNull(),
  },
  (t) => [
    unique('subjects_zygosityrule_uniq').on(t.line, t.allele, t.sequence0, t.sequence0_result, t.sequence1, t.sequence1_result),
    index().on(t.allele),
    index().on(t.sequence0),
    index().on(t.sequence1),
  ],
);

/** Subject <-> Housing links with their time span (upstream misc.HousingSubject). */
export const housingSubjects = pgTable(
  'misc_housingsubject',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    subject: uuid('subject_id').references((): AnyPgColumn => subjects.id, { onDelete: 'set null' }),
    housing: uuid('housing_id').references(() => housings.id, { onDelete: 'set null' }),
    start_datetime: timestamp('start_datetime', { mode: 'string' }).notNull(),
    end_datetime: timestamp('end_datetime', { mode: 'string' }),
  },
  (t) => [index().on(t.subject), index().on(t.housing)],
);

model(species, { name: 'Species', app: 'subjects' });
model(strains, { name: 'Strain', app: 'subjects' });
model(sources, { name: 'Source', app: 'subjects' });
model(sequences, { name: 'Sequence', app: 'subjects' });
model(alleles, {
  name: 'Allele',
  app: 'subjects',
  m2m: {
    sequences: { through: alleleSequences, from: alleleSequences.allele, to: alleleSequences.sequence, target: sequences },
  },
});
model(lines, {
  name: 'Line',
  app: 'subjects',
  m2m: { alleles: { through: lineAlleles, from: lineAlleles.line, to: lineAlleles.allele, target: alleles } },
});
model(subjectRequests, { name: 'SubjectRequest', app: 'subjects', relatedNames: { user: 'subjects_requested' } });
model(breedingPairs, {
  name: 'BreedingPair',
  app: 'subjects',
  relatedNames: { father: 'litter_father', mother1: 'mother1', mother2: 'mother2' },
});
model(litters, { name: 'Litter', app: 'subjects' });
model(subjects, {
  name: 'Subject',
  app: 'subjects',
  relatedNames: { responsible_user: 'subjects_responsible' },
  m2m: {
    projects: { through: subjectProjects, from: subjectProjects.subject, to: subjectProjects.project, target: projects },
    genotype: { through: zygosities, from: zygosities.subject, to: zygosities.allele, target: alleles },
    genotype_test: { through: genotypeTests, from: genotypeTests.subject, to: genotypeTests.sequence, target: sequences },
    housings: {
      through: housingSubjects,
      from: housingSubjects.subject,
      to: housingSubjects.housing,
      target: housings,
      reverseName: 'subjects',
    },
  },
});
model(projects, {
  name: 'Project',
  app: 'subjects',
  m2m: { users: { through: projectUsers, from: projectUsers.project, to: projectUsers.labmember, target: users } },
});
model(zygosities, { name: 'Zygosity', app: 'subjects' });
model(genotypeTests, { name: 'GenotypeTest', app: 'subjects' });
model(zygosityRules, { name: 'ZygosityRule', app: 'subjects' });
model(housingSubjects, {
  name: 'HousingSubject',
  app: 'misc',
  relatedNames: { subject: 'housing_subjects', housing: 'housing_subjects' },
});
