// data app tables: repository types, repositories (and the lab ↔ repository join table, which
// points forward from misc), data formats, dataset types, tags, revisions, datasets, file records,
// downloads and data notices. Table and column names follow upstream Alyx; TS keys are Django
// field names.
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { joinTable } from '../../db/join-table.ts';
import { addManyToMany, model } from '../../db/models.ts';
import { labs, users } from '../misc/tables.ts';
import { projects } from '../subjects/tables.ts';
import { sessions } from '../actions/tables.ts';

export const dataRepositoryTypes = pgTable('data_datarepositorytype', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
});

export const dataRepositories = pgTable(
  'data_datarepository',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().unique(),
    json: jsonb('json'),
    repository_type: uuid('repository_type_id').references(() => dataRepositoryTypes.id, { onDelete: 'cascade' }),
    hostname: varchar('hostname', { length: 200 }).notNull().default(''),
    data_url: varchar('data_url', { length: 200 }),
    timezone: varchar('timezone', { length: 64 }).notNull().default(''),
    globus_path: varchar('globus_path', { length: 1000 }).notNull().default(''),
    globus_endpoint_id: uuid('globus_endpoint_id'),
    globus_is_personal: boolean('globus_is_personal'),
  },
  (t) => [index().on(t.repository_type), index().on(t.hostname), index().on(t.globus_is_personal), index().on(t.globus_endpoint_id)],
);

/** Lab.repositories (upstream misc_lab_repositories); lives here because it points forward from misc. */
export const labRepositories = joinTable(
  'misc_lab_repositories',
  ['lab', 'lab_id', () => labs.id],
  ['datarepository', 'datarepository_id', () => dataRepositories.id],
);

export const dataFormats = pgTable('data_dataformat', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  description: varchar('description', { length: 255 }).notNull().default(''),
  file_extension: varchar('file_extension', { length: 255 }).notNull(),
  matlab_loader_function: varchar('matlab_loader_function', { length: 255 }).notNull().default(''),
  python_loader_function: varchar('python_loader_function', { length: 255 }).notNull().default(''),
});

export const datasetTypes = pgTable(
  'data_datasettype',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().unique(),
    json: jsonb('json'),
    created_by: uuid('created_by_id').references(() => users.id, { onDelete: 'cascade' }),
    description: varchar('description', { length: 1023 }).notNull().default(''),
    /** CharNull: '' is stored as NULL so that many types may have no pattern */
    filename_pattern: varchar('filename_pattern', { length: 255 }).unique(),
  },
  (t) => [index().on(t.created_by)],
);

export const tags = pgTable('data_tag', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  description: varchar('description', { length: 1023 }).notNull().default(''),
  protected: boolean('protected').notNull().default(false),
  public: boolean('public').notNull().default(false),
  hash: varchar('hash', { length: 64 }),
});

export const revisions = pgTable('data_revision', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: varchar('name', { length: 255 }).notNull().unique(),
  json: jsonb('json'),
  description: varchar('description', { length: 1023 }).notNull().default(''),
  created_datetime: timestamp('created_datetime', { mode: 'string' }),
});

export const datasets = pgTable(
  'data_dataset',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    session: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    created_by: uuid('created_by_id').references(() => users.id, { onDelete: 'cascade' }),
    created_datetime: timestamp('created_datetime', { mode: 'string' }),
    generating_software: varchar('generating_software', { length: 255 }).notNull().default(''),
    provenance_directory: uuid('provenance_directory_id').references((): AnyPgColumn => datasets.id, { onDelete: 'cascade' }),
    /** generic link for datasets not tied to a session: "<app>.<model>" label, as notes do */
    content_type: varchar('content_type', { length: 100 }),
    object_id: uuid('object_id'),
    file_size: bigint('file_size', { mode: 'number' }),
    md5: uuid('md5'),
    hash: varchar('hash', { length: 64 }).notNull().default(''),
    version: varchar('version', { length: 64 }).notNull().default(''),
    collection: varchar('collection', { length: 255 }).notNull().default(''),
    dataset_type: uuid('dataset_type_id')
      .notNull()
      .references(() => datasetTypes.id),
    data_format: uuid('data_format_id')
      .notNull()
      .references(() => dataFormats.id),
    revision: uuid('revision_id').references(() => revisions.id, { onDelete: 'set null' }),
    auto_datetime: timestamp('auto_datetime', { mode: 'string' }),
    default_dataset: boolean('default_dataset').notNull().default(true),
    qc: integer('qc').notNull().default(0),
  },
  (t) => [
    index().on(t.session, t.collection, t.name),
    index().on(t.session, t.id),
    // the sessions' dataset_types and datasets filters (ONE's search): one probe per session
    // whatever the planner's statistics (without them it ANDs the session index with the whole
    // bitmap of the type's or the name's index, for each session)
    index().on(t.session, t.dataset_type),
    index().on(t.session, t.name),
    index().on(t.name),
    index().on(t.created_by),
    index().on(t.created_datetime),
    index().on(t.provenance_directory),
    index().on(t.object_id, t.content_type),
    index().on(t.dataset_type),
    index().on(t.data_format),
    index().on(t.revision),
    index().on(t.qc),
    index().on(t.hash),
    index().on(t.collection),
  ],
);

export const datasetTags = joinTable(
  'data_dataset_tags',
  ['dataset', 'dataset_id', () => datasets.id],
  ['tag', 'tag_id', () => tags.id],
);

export const fileRecords = pgTable(
  'data_filerecord',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    dataset: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    data_repository: uuid('data_repository_id')
      .notNull()
      .references(() => dataRepositories.id, { onDelete: 'cascade' }),
    relative_path: varchar('relative_path', { length: 1000 }).notNull(),
    exists: boolean('exists').notNull().default(false),
  },
  (t) => [
    unique('data_filerecord_repository_path_uniq').on(t.data_repository, t.relative_path),
    index().on(t.dataset),
    index().on(t.relative_path),
    index().on(t.exists),
    index().on(t.name),
  ],
);

export const downloads = pgTable(
  'data_download',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    user: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    dataset: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    first_download: timestamp('first_download', { mode: 'string' }),
    last_download: timestamp('last_download', { mode: 'string' }),
    count: integer('count').notNull().default(0),
  },
  (t) => [unique('data_download_user_dataset_uniq').on(t.user, t.dataset), index().on(t.dataset), index().on(t.count)],
);

export const downloadProjects = joinTable(
  'data_download_projects',
  ['download', 'download_id', () => downloads.id],
  ['project', 'project_id', () => projects.id],
);

export const dataNotices = pgTable(
  'data_datanotice',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
    description: text('description').notNull().default(''),
    importance: integer('importance').notNull().default(20),
    created_by: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    created_datetime: timestamp('created_datetime', { mode: 'string' }),
    version_affected: varchar('version_affected', { length: 64 }).notNull().default(''),
    affected_date_start: date('affected_date_start', { mode: 'string' }),
    affected_date_end: date('affected_date_end', { mode: 'string' }),
  },
  (t) => [
    index().on(t.importance),
    index().on(t.created_by),
    index().on(t.name),
    index().on(t.version_affected),
    index().on(t.affected_date_start),
    index().on(t.affected_date_end),
  ],
);

export const dataNoticeDatasets = joinTable(
  'data_datanotice_datasets',
  ['datanotice', 'datanotice_id', () => dataNotices.id],
  ['dataset', 'dataset_id', () => datasets.id],
);

/**
 * What the repository scanner (src/apps/data/scan) could not register: one row per file or
 * directory. `directory` is the folder whose reading found it: re-reading that folder replaces its
 * rows, so resolved issues disappear on the next scan. Not an upstream model.
 */
export const ingestIssues = pgTable(
  'data_ingestissue',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    data_repository: uuid('data_repository_id')
      .notNull()
      .references(() => dataRepositories.id, { onDelete: 'cascade' }),
    relative_path: varchar('relative_path', { length: 1000 }).notNull(),
    directory: varchar('directory', { length: 1000 }).notNull(),
    /** `subject/date/number` of the session folder, '' outside one */
    session_path: varchar('session_path', { length: 1000 }).notNull().default(''),
    reason: varchar('reason', { length: 32 }).notNull(),
    detail: text('detail').notNull().default(''),
    /** reason-specific facts: closest dataset types, sizes and hashes, the subject nickname... */
    info: jsonb('info'),
    first_seen: timestamp('first_seen', { mode: 'string' }).notNull(),
    last_seen: timestamp('last_seen', { mode: 'string' }).notNull(),
  },
  (t) => [
    unique('data_ingestissue_repository_path_reason_uniq').on(t.data_repository, t.relative_path, t.reason),
    index().on(t.data_repository, t.directory),
    index().on(t.reason),
    index().on(t.session_path),
  ],
);

/**
 * The scanner's memory of each directory it read completely: its mtime and sub-directories. An
 * unchanged mtime means its files need not be listed again. Not an upstream model.
 */
export const scanStates = pgTable(
  'data_scanstate',
  {
    data_repository: uuid('data_repository_id')
      .notNull()
      .references(() => dataRepositories.id, { onDelete: 'cascade' }),
    /** relative to the repository directory, '' for the directory itself */
    path: varchar('path', { length: 1000 }).notNull(),
    mtime_ms: doublePrecision('mtime_ms').notNull(),
    subdirs: jsonb('subdirs').$type<string[]>().notNull(),
    scanned: timestamp('scanned', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.data_repository, t.path] })],
);

model(dataRepositoryTypes, { name: 'DataRepositoryType', app: 'data' });
model(dataRepositories, { name: 'DataRepository', app: 'data' });
addManyToMany(labs, 'repositories', {
  through: labRepositories,
  from: labRepositories.lab,
  to: labRepositories.datarepository,
  target: dataRepositories,
  reverseName: 'lab',
});
model(dataFormats, { name: 'DataFormat', app: 'data' });
model(datasetTypes, { name: 'DatasetType', app: 'data', relatedNames: { created_by: 'data_datasettype_created_by_related' } });
model(tags, { name: 'Tag', app: 'data' });
model(revisions, { name: 'Revision', app: 'data' });
model(datasets, {
  name: 'Dataset',
  app: 'data',
  relatedNames: {
    session: 'data_dataset_session_related',
    created_by: 'data_dataset_created_by_related',
    provenance_directory: 'dataset',
  },
  m2m: {
    tags: { through: datasetTags, from: datasetTags.dataset, to: datasetTags.tag, target: tags, reverseName: 'datasets' },
  },
});
model(fileRecords, { name: 'FileRecord', app: 'data', relatedNames: { dataset: 'file_records', data_repository: 'filerecord' } });
model(downloads, {
  name: 'Download',
  app: 'data',
  m2m: { projects: { through: downloadProjects, from: downloadProjects.download, to: downloadProjects.project, target: projects, reverseName: 'download' } },
});
model(dataNotices, {
  name: 'DataNotice',
  app: 'data',
  relatedNames: { created_by: 'datanotice' },
  m2m: {
    datasets: { through: dataNoticeDatasets, from: dataNoticeDatasets.datanotice, to: dataNoticeDatasets.dataset, target: datasets, reverseName: 'data_notices' },
  },
});
