// experiments app tables: the brain-region tree, coordinate systems, probe models, probe
// insertions, trajectory estimates, channels, chronic insertions and the imaging tables (fields
// of view, their locations, stacks). Upstream table and column names; TS keys are Django field names.
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { joinTable } from '../../db/join-table.ts';
import { model } from '../../db/models.ts';
import { labs } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { sessions } from '../actions/tables.ts';
import { datasets } from '../data/tables.ts';

/** Allen CCF structures; `id` is the Allen structure id. MPTT columns as upstream (django-mptt). */
export const brainRegions = pgTable(
  'experiments_brainregion',
  {
    id: integer('id').primaryKey(),
    acronym: varchar('acronym', { length: 64 }).notNull().unique(),
    name: varchar('name', { length: 255 }).notNull().unique(),
    parent: integer('parent_id').references((): AnyPgColumn => brainRegions.id, { onDelete: 'cascade' }),
    ontology: varchar('ontology', { length: 64 }),
    description: text('description'),
    lft: integer('lft').notNull(),
    rght: integer('rght').notNull(),
    tree_id: integer('tree_id').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [index().on(t.parent), index().on(t.tree_id, t.lft), index().on(t.rght)],
);

export const coordinateSystems = pgTable('experiments_coordinatesystem', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().default(''),
  json: jsonb('json'),
  description: text('description').notNull().default('').unique(),
});

export const probeModels = pgTable('experiments_probemodel', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().default(''),
  json: jsonb('json'),
  probe_manufacturer: varchar('probe_manufacturer', { length: 255 }).notNull(),
  probe_model: varchar('probe_model', { length: 255 }).notNull().unique(),
  description: varchar('description', { length: 255 }),
});

/**
 * Upstream makes ChronicInsertion a multi-table child of actions.ChronicRecording; we keep the
 * recording's columns in this one table (same field names), which is what the API shows.
 */
export const chronicInsertions = pgTable(
  'experiments_chronicinsertion',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    subject: uuid('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    lab: uuid('lab_id').references(() => labs.id, { onDelete: 'cascade' }),
    narrative: text('narrative').notNull().default(''),
    start_time: timestamp('start_time', { mode: 'string' }).notNull().defaultNow(),
    end_time: timestamp('end_time', { mode: 'string' }),
    serial: varchar('serial', { length: 255 }).notNull().default(''),
    model: uuid('model_id').references(() => probeModels.id, { onDelete: 'set null' }),
  },
  (t) => [index().on(t.subject), index().on(t.lab), index().on(t.model), index().on(t.serial), index().on(t.name)],
);

export const probeInsertions = pgTable(
  'experiments_probeinsertion',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    session: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    model: uuid('model_id').references(() => probeModels.id, { onDelete: 'set null' }),
    serial: varchar('serial', { length: 255 }).notNull().default(''),
    auto_datetime: timestamp('auto_datetime', { mode: 'string' }),
    chronic_insertion: uuid('chronic_insertion_id').references(() => chronicInsertions.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('unique_probe_insertion_name_per_session').on(t.name, t.session),
    index().on(t.session),
    index().on(t.model),
    index().on(t.chronic_insertion),
    index().on(t.serial),
  ],
);

export const probeInsertionDatasets = joinTable(
  'experiments_probeinsertion_datasets',
  ['probeinsertion', 'probeinsertion_id', () => probeInsertions.id],
  ['dataset', 'dataset_id', () => datasets.id],
);

export const trajectoryEstimates = pgTable(
  'experiments_trajectoryestimate',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    probe_insertion: uuid('probe_insertion_id').references(() => probeInsertions.id, { onDelete: 'cascade' }),
    chronic_insertion: uuid('chronic_insertion_id').references(() => chronicInsertions.id, { onDelete: 'cascade' }),
    x: doublePrecision('x'),
    y: doublePrecision('y'),
    z: doublePrecision('z'),
    depth: doublePrecision('depth'),
    theta: doublePrecision('theta'),
    phi: doublePrecision('phi'),
    roll: doublePrecision('roll'),
    provenance: integer('provenance').notNull().default(10),
    coordinate_system: uuid('coordinate_system_id').references(() => coordinateSystems.id, { onDelete: 'set null' }),
    datetime: timestamp('datetime', { mode: 'string' }).notNull().defaultNow(),
    json: jsonb('json'),
  },
  (t) => [
    uniqueIndex('unique_trajectory_per_provenance')
      .on(t.provenance, t.probe_insertion)
      .where(sql`probe_insertion_id is not null`),
    uniqueIndex('unique_trajectory_per_chronic_provenance')
      .on(t.provenance, t.chronic_insertion)
      .where(sql`probe_insertion_id is null`),
    index().on(t.probe_insertion),
    index().on(t.chronic_insertion),
    index().on(t.coordinate_system),
    index().on(t.provenance),
  ],
);

export const channels = pgTable(
  'experiments_channel',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    axial: doublePrecision('axial'),
    lateral: doublePrecision('lateral'),
    x: doublePrecision('x'),
    y: doublePrecision('y'),
    z: doublePrecision('z'),
    brain_region: integer('brain_region_id')
      .default(0)
      .references(() => brainRegions.id, { onDelete: 'set null' }),
    trajectory_estimate: uuid('trajectory_estimate_id').references(() => trajectoryEstimates.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('unique_axial_lateral_trajectory_estimate').on(t.axial, t.lateral, t.trajectory_estimate),
    index().on(t.trajectory_estimate),
    index().on(t.brain_region),
  ],
);

export const imagingTypes = pgTable('experiments_imagingtype', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
});

export const imagingStacks = pgTable(
  'experiments_imagingstack',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
  },
  (t) => [index().on(t.name)],
);

export const fieldsOfView = pgTable(
  'experiments_fov',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    session: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    imaging_type: uuid('imaging_type_id')
      .notNull()
      .references(() => imagingTypes.id, { onDelete: 'cascade' }),
    stack: uuid('stack_id').references(() => imagingStacks.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('experiments_fov_session_id_name_uniq').on(t.session, t.name),
    index().on(t.imaging_type),
    index().on(t.stack),
    index().on(t.name),
  ],
);

export const fovDatasets = joinTable(
  'experiments_fov_datasets',
  ['fov', 'fov_id', () => fieldsOfView.id],
  ['dataset', 'dataset_id', () => datasets.id],
);

export const FOV_PROVENANCES = [
  ['E', 'Estimate'],
  ['F', 'Functional'],
  ['L', 'Landmark'],
  ['H', 'Histology'],
] as const;

export const fovLocations = pgTable(
  'experiments_fovlocation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    field_of_view: uuid('field_of_view_id')
      .notNull()
      .references(() => fieldsOfView.id, { onDelete: 'cascade' }),
    provenance: varchar('provenance', { length: 1 }).notNull().default('L'),
    default_provenance: boolean('default_provenance').notNull().default(false),
    coordinate_system: uuid('coordinate_system_id').references(() => coordinateSystems.id, { onDelete: 'set null' }),
    auto_datetime: timestamp('auto_datetime', { mode: 'string' }).notNull().defaultNow(),
    x: doublePrecision('x').array().notNull().default(sql`'{}'::double precision[]`),
    y: doublePrecision('y').array().notNull().default(sql`'{}'::double precision[]`),
    z: doublePrecision('z').array().notNull().default(sql`'{}'::double precision[]`),
    n_xyz: integer('n_xyz').array().notNull().default(sql`'{}'::integer[]`),
  },
  (t) => [
    uniqueIndex('unique_provenance_per_field_of_view').on(t.provenance, t.field_of_view),
    index().on(t.field_of_view),
    index().on(t.coordinate_system),
    index().on(t.default_provenance),
  ],
);

export const fovLocationBrainRegions = pgTable(
  'experiments_fovlocation_brain_region',
  {
    fovlocation: uuid('fovlocation_id')
      .notNull()
      .references(() => fovLocations.id, { onDelete: 'cascade' }),
    brainregion: integer('brainregion_id')
      .notNull()
      .references(() => brainRegions.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.fovlocation, t.brainregion] }), index().on(t.brainregion)],
);

model(brainRegions, { name: 'BrainRegion', app: 'experiments', relatedNames: { parent: 'children' } });
model(coordinateSystems, { name: 'CoordinateSystem', app: 'experiments' });
model(probeModels, { name: 'ProbeModel', app: 'experiments' });
model(chronicInsertions, {
  name: 'ChronicInsertion',
  app: 'experiments',
  relatedNames: { subject: 'chronicinsertion', lab: 'chronicinsertion', model: 'chronic_insertion' },
});
model(probeInsertions, {
  name: 'ProbeInsertion',
  app: 'experiments',
  relatedNames: { session: 'probe_insertion', model: 'probe_insertion', chronic_insertion: 'probe_insertion' },
  m2m: {
    datasets: {
      through: probeInsertionDatasets,
      from: probeInsertionDatasets.probeinsertion,
      to: probeInsertionDatasets.dataset,
      target: datasets,
      reverseName: 'probe_insertion',
    },
  },
});
model(trajectoryEstimates, {
  name: 'TrajectoryEstimate',
  app: 'experiments',
  relatedNames: {
    probe_insertion: 'trajectory_estimate',
    chronic_insertion: 'trajectory_estimate',
    coordinate_system: 'trajectoryestimate',
  },
});
model(channels, {
  name: 'Channel',
  app: 'experiments',
  relatedNames: { brain_region: 'channels', trajectory_estimate: 'channels' },
});
model(imagingTypes, { name: 'ImagingType', app: 'experiments' });
model(imagingStacks, { name: 'ImagingStack', app: 'experiments' });
model(fieldsOfView, {
  name: 'FOV',
  app: 'experiments',
  relatedNames: { session: 'field_of_view', imaging_type: 'field_of_view', stack: 'slices' },
  m2m: {
    datasets: {
      through: fovDatasets,
      from: fovDatasets.fov,
      to: fovDatasets.dataset,
      target: datasets,
      reverseName: 'field_of_view',
    },
  },
});
model(fovLocations, {
  name: 'FOVLocation',
  app: 'experiments',
  relatedNames: { field_of_view: 'location', coordinate_system: 'fovlocation' },
  m2m: {
    brain_region: {
      through: fovLocationBrainRegions,
      from: fovLocationBrainRegions.fovlocation,
      to: fovLocationBrainRegions.brainregion,
      target: brainRegions,
      reverseName: 'brain_region',
    },
  },
});
