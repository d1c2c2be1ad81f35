// data app resources (spec-data §3.1–3.9): repository types, repositories, data formats, dataset
// types, revisions, tags, data notices, datasets, file records and downloads.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { labs, users } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { sessions } from '../actions/tables.ts';
import { column, computed, custom, hyperlink, many, related, selfUrl, type Field, type Row } from '../../rest/fields.ts';
import { ApiError, fieldError, invalid, validationError } from '../../rest/errors.ts';
import { bySlug, escapeLike, exact, filter, icontains, nullBoolean, type Filter } from '../../rest/filters.ts';
import { defineResource } from '../../rest/resource.ts';
import { nowInZone, parseDateInput, parseDateTimeInput } from '../../rest/values.ts';
import { qcField, qcFilter } from '../actions/qc.ts';
import type { Queryable } from '../../db/client.ts';
import { probeInsertions } from '../experiments/tables.ts';
import { linkSession, lookupSession } from './session-lookup.ts';
import { hasServerRecord, hasServerRepository, loadFileRecords } from './file-records.ts';
import { isTagged, protectedTags, taggedDatasets } from './dataset-rows.ts';
import { scalar } from './subquery.ts';
import {
  dataFormats,
  dataNoticeDatasets,
  dataNotices,
  dataRepositories,
  dataRepositoryTypes,
  datasetTypes,
  datasets,
  datasetTags,
  downloads,
  fileRecords,
  revisions,
  tags,
} from './tables.ts';
import { markdownToHtml } from './markdown.ts';

const now = (ctx: { config: { timeZone: string } }) => nowInZone(ctx.config.timeZone);

/** Invalidated when repositories change (the file server caches their URL prefixes). */
export const repositoryListeners: Array<() => void> = [];

export const dataRepositoryTypeResource = defineResource({
  path: 'data-repository-type',
  admin: { menu: 'Data', label: 'Data repository types', labelSingular: 'Data repository type', columns: ['name'], search: ['name'], hidden: ['url'] },
  table: dataRepositoryTypes,
  lookup: 'name',
  description: 'Kinds of data repositories (file server, ...).',
  fields: {
    url: selfUrl('data-repository-type', 'name'),
    json: column(dataRepositoryTypes.json),
    name: column(dataRepositoryTypes.name, { required: true, allowBlank: false }),
  },
  unique: { name: 'data repository type with this name already exists.' },
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const dataRepositoryResource = defineResource({
  path: 'data-repository',
  admin: {
    menu: 'Data',
    label: 'Data repositories',
    labelSingular: 'Data repository',
    columns: ['name', 'repository_type', 'timezone', 'hostname', 'data_url', 'globus_path', 'globus_endpoint_id', 'globus_is_personal'],
    filters: ['globus_is_personal'],
    search: ['name', 'hostname'],
    labels: { data_url: 'Data URL', globus_endpoint_id: 'Globus endpoint id', globus_is_personal: 'Globus personal endpoint', timezone: 'Time zone' },
  },
  table: dataRepositories,
  lookup: 'name',
  description: 'Data repositories: where file records live, and the HTTP root (data_url) they are served from.',
  fields: {
    name: column(dataRepositories.name, { required: true, allowBlank: false }),
    timezone: column(dataRepositories.timezone, { default: (ctx) => ctx.config.timeZone }),
    globus_path: column(dataRepositories.globus_path),
    hostname: column(dataRepositories.hostname, { pattern: [/^[a-zA-Z0-9.\-_]+$/, 'Invalid hostname'] }),
    data_url: column(dataRepositories.data_url, {
      validate: (v) => {
        if (v === null || v === '') return;
        try {
          const u = new URL(String(v));
          if (!/^(https?|ftps?):$/.test(u.protocol)) throw new Error();
        } catch {
          throw invalid('Enter a valid URL.');
        }
      },
    }),
    repository_type: related(dataRepositories.repository_type, dataRepositoryTypes, { slug: 'name' }),
    globus_endpoint_id: column(dataRepositories.globus_endpoint_id),
    globus_is_personal: column(dataRepositories.globus_is_personal),
    json: column(dataRepositories.json),
  },
  unique: { name: 'data repository with this name already exists.' },
  autoFilters: ['name', 'globus_is_personal', 'globus_endpoint_id'],
  django: false,
  ordering: (t) => [asc(t.name)],
  afterWrite: () => repositoryListeners.forEach((f) => f()),
  beforeDelete: () => repositoryListeners.forEach((f) => f()),
});

export const dataFormatResource = defineResource({
  path: 'data-formats',
  admin: { menu: 'Data', columns: ['name', 'description', 'file_extension', 'matlab_loader_function'], search: ['name'], hidden: ['id', 'json'] },
  table: dataFormats,
  lookup: 'name',
  description: 'Data formats: file extension and loader functions.',
  fields: {
    id: column(dataFormats.id, { readOnly: true }),
    json: column(dataFormats.json),
    name: column(dataFormats.name, { required: true, allowBlank: false }),
    description: column(dataFormats.description),
    file_extension: column(dataFormats.file_extension, {
      required: true,
      allowBlank: false,
      pattern: [/^\.[^.]+$/, 'Invalid file extension, should start with a dot'],
    }),
    matlab_loader_function: column(dataFormats.matlab_loader_function),
    python_loader_function: column(dataFormats.python_loader_function),
  },
  unique: { name: 'data format with this name already exists.' },
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const datasetTypeResource = defineResource({
  path: 'dataset-types',
  admin: { menu: 'Data', columns: ['name', 'description', 'filename_pattern', 'created_by'], search: ['name', 'description', 'filename_pattern', 'created_by__username'], ordering: ['name'], hidden: ['id'] },
  table: datasetTypes,
  lookup: 'name',
  description: 'Dataset types; filename_pattern (a shell glob, case-insensitive) decides which files register as which type.',
  fields: {
    id: column(datasetTypes.id, { readOnly: true }),
    name: column(datasetTypes.name, { required: true }),
    created_by: related(datasetTypes.created_by, users, { slug: 'username', default: (ctx) => ctx.user?.id ?? null }),
    description: column(datasetTypes.description),
    filename_pattern: custom({
      source: 'filename_pattern',
      schema: { type: 'string', maxLength: 255 },
      render: () => (row) => row.filename_pattern ?? '',
      parse(raw) {
        if (raw === null || raw === undefined) return null;
        if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid('Not a valid string.');
        const v = String(raw).trim().toLowerCase();
        if (v.length > 255) throw invalid('Ensure this field has no more than 255 characters.');
        return v === '' ? null : v;
      },
      columns: (v) => ({ filename_pattern: v }),
    }),
  },
  unique: { name: 'dataset type with this name already exists.', filename_pattern: 'dataset type with this filename pattern already exists.' },
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const revisionResource = defineResource({
  path: 'revisions',
  admin: { menu: 'Data', columns: ['name', 'description', 'created_datetime'], search: ['name'], ordering: ['-created_datetime'], readOnly: ['created_datetime'], hidden: ['id', 'json'] },
  table: revisions,
  lookup: 'name',
  description: 'Revisions: dataset versions expressed as #name# folders in ALF paths.',
  fields: {
    id: column(revisions.id, { readOnly: true }),
    json: column(revisions.json),
    name: column(revisions.name, {
      required: true,
      pattern: [/^[\p{L}\p{N}_.-]+$/u, 'Revisions must only contain letters, numbers, hyphens, underscores and forward slashes.'],
    }),
    description: column(revisions.description),
    created_datetime: column(revisions.created_datetime, { default: now }),
  },
  unique: { name: 'revision with this name already exists.' },
  autoFilters: ['name'],
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const tagResource = defineResource({
  path: 'tags',
  admin: { menu: 'Data', columns: ['name', 'description', 'protected', 'public'], search: ['name'], hidden: ['id', 'json', 'hash'] },
  table: tags,
  lookup: 'name',
  description: 'Dataset tags; a protected tag forbids re-registering or deleting its datasets.',
  fields: {
    id: column(tags.id, { readOnly: true }),
    json: column(tags.json),
    name: column(tags.name, { required: true }),
    description: column(tags.description),
    protected: column(tags.protected),
    public: column(tags.public),
    hash: column(tags.hash),
  },
  unique: { name: 'tag with this name already exists.' },
  autoFilters: ['name'],
  django: false,
  ordering: (t) => [asc(t.name)],
});

/** Notices about one of the datasets `datasetIds` (a list or a subquery). */
const noticesOf = (datasetIds: SQL) =>
  sql`${dataNotices.id} in (select ${dataNoticeDatasets.datanotice} from ${dataNoticeDatasets} where ${dataNoticeDatasets.dataset} in (${datasetIds}))`;

const IMPORTANCE: Array<[number, string]> = [
  [50, 'CRITICAL'],
  [40, 'MAJOR'],
  [30, 'MINOR'],
  [20, 'INSIGNIFICANT'],
];

export const dataNoticeResource = defineResource({
  path: 'data-notices',
  admin: {
    menu: 'Data',
    columns: ['name', 'importance', 'version_affected', 'affected_date_start', 'affected_date_end', 'created_by', 'created_datetime'],
    filters: ['dataset_tag', 'importance'],
    search: ['name', 'description', 'version_affected', 'created_by__username'],
    hidden: ['id', 'json', 'description_html'],
  },
  table: dataNotices,
  description: 'Notices about known problems in datasets (markdown description).',
  fields: {
    id: column(dataNotices.id, { readOnly: true }),
    created_by: related(dataNotices.created_by, users, { slug: 'username' }),
    datasets: many(dataNotices, 'datasets'),
    description_html: computed({ type: 'string' }, () => null, (row) => markdownToHtml(String(row.description ?? ''))),
    name: column(dataNotices.name),
    json: column(dataNotices.json),
    description: column(dataNotices.description),
    importance: column(dataNotices.importance, { choices: IMPORTANCE }),
    created_datetime: column(dataNotices.created_datetime, { readOnly: true }),
    version_affected: column(dataNotices.version_affected),
    affected_date_start: column(dataNotices.affected_date_start),
    affected_date_end: column(dataNotices.affected_date_end),
  },
  autoFilters: { exclude: ['id', 'json', 'description', 'created_datetime'] },
  filters: {
    datasets: filter((v, ctx) => {
      const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.find((id) => !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id));
      if (bad) throw fieldError(ctx.name, `“${bad}” is not a valid UUID.`);
      if (!ids.length) return undefined;
      return noticesOf(sql`${sql.join(
        ids.map((i) => sql`${i.toLowerCase()}::uuid`),
        sql`, `,
      )}`);
    }),
    dataset_tag: filter((v) => noticesOf(taggedDatasets(eq(tags.name, v)))),
  },
  ordering: (t) => [desc(t.importance), sql`${t.created_datetime} desc nulls last`, asc(t.name)],
  validate(state) {
    const start = state.data.affected_date_start ?? state.instance?.affected_date_start;
    const end = state.data.affected_date_end ?? state.instance?.affected_date_end;
    if (start && end && String(end) < String(start)) {
      throw validationError({ affected_date_end: ['affected_date_end must be on or after affected_date_start.'] });
    }
  },
  beforeWrite(values, state, ctx) {
    if (state.action === 'create') {
      values.created_datetime = now(ctx);
      if (!('created_by' in values)) values.created_by = ctx.user?.id ?? null;
    }
  },
});

// ---------------------------------------------------------------------------------------------
// Datasets


const writeOnly = (schema: Record<string, unknown>, parseFn: (raw: unknown) => unknown): Field =>
  custom({ writeOnly: true, schema, render: () => () => undefined, parse: parseFn });

const sessionNumbers = computed<Map<string, number | null>>(
  { type: 'integer', nullable: true },
  async (rows, ctx) => {
    const ids = [...new Set(rows.map((r) => r.session as string | null).filter((v): v is string => !!v))];
    if (!ids.length) return new Map();
    const found = await ctx.db.select({ id: sessions.id, number: sessions.number }).from(sessions).where(inArray(sessions.id, ids));
    return new Map(found.map((f) => [f.id, f.number]));
  },
  (row, map) => (row.session ? (map.get(row.session as string) ?? null) : null),
  undefined,
  { sql: () => scalar(sql`select ${sessions.number} from ${sessions} where ${sessions.id} = ${datasets.session}`) },
);

const tagFlagCounts = (flag: 'protected' | 'public') =>
  computed<Map<string, number>>(
    { type: 'integer' },
    async (rows, ctx) => {
      const ids = rows.map((r) => r.id as string);
      if (!ids.length) return new Map();
      const found = await ctx.db
        .select({ dataset: datasetTags.dataset, n: sql<number>`count(*)::int` })
        .from(datasetTags)
        .innerJoin(tags, eq(tags.id, datasetTags.tag))
        .where(and(inArray(datasetTags.dataset, ids), eq(tags[flag], true)))
        .groupBy(datasetTags.dataset);
      return new Map(found.map((f) => [f.dataset, Number(f.n)]));
    },
    (row, map) => map.get(row.id as string) ?? 0,
    undefined,
    {
      sql: () =>
        scalar(sql`select count(*)::int from ${datasetTags} join ${tags} on ${tags.id} = ${datasetTags.tag} where ${datasetTags.dataset} = ${datasets.id} and ${tags[flag]}`),
    },
  );

const revisionField = related(datasets.revision, revisions, { slug: 'name' });
const revisionOrBlank: Field = {
  ...revisionField,
  async render(rows, ctx) {
    const get = await revisionField.render(rows, ctx);
    return (row) => get(row) ?? '';
  },
};

const COLLECTION_RE = /^[\p{L}\p{N}_./-]+$/u;

function dateFilter(col: SQL, cmp: '=' | '>=' | '<=', datetime = false): Filter {
  return filter((v, ctx) => {
    const d = parseDateInput(v) ?? (datetime ? parseDateTimeInput(v, ctx.config.timeZone)?.slice(0, 10) : null);
    if (!d) throw fieldError(ctx.name, datetime ? 'Enter a valid date/time.' : 'Enter a valid date.');
    return sql`(${col})::date ${sql.raw(cmp)} ${d}::date`;
  });
}

/** `exists` of datasets: only server (non-personal) repositories count, and only when one exists. */
const existsFilter: Filter = filter(async (v, ctx) => {
  const b = v === 'True' || v === 'true' || v === '2' ? true : v === 'False' || v === 'false' || v === '3' ? false : null;
  if (b === null) return undefined;
  if (!(await hasServerRepository(ctx.db))) return undefined;
  return hasServerRecord(datasets.id, b);
});

const tagFlagFilter = (flag: 'protected' | 'public') =>
  nullBoolean((b) => {
    const has = isTagged(datasets.id, eq(tags[flag], true));
    return b ? has : sql`not ${has}`;
  });

/** Datasets of a session for which `condition` holds. */
const sessionCol = (condition: SQL) => sql`${datasets.session} in (select ${sessions.id} from ${sessions} where ${condition})`;

/** The 'unknown' data format, created on demand (upstream's default FK target). */
async function unknownFormat(db: Queryable): Promise<string> {
  await db.insert(dataFormats).values({ name: 'unknown', file_extension: '' }).onConflictDoNothing();
  const [row] = await db.select({ id: dataFormats.id }).from(dataFormats).where(eq(dataFormats.name, 'unknown'));
  return row.id;
}

export const datasetResource = defineResource({
  path: 'datasets',
  admin: {
    description: 'Data files registered for sessions, with where their copies are stored.',
    menu: 'Data',
    columns: ['name', 'version', 'collection', 'dataset_type', 'file_size', 'session', 'created_by', 'created_datetime', 'qc'],
    filters: ['created_by', 'dataset_type', 'tag', 'qc', 'exists', 'default_dataset'],
    search: ['name', 'collection', 'dataset_type__name', 'dataset_type__filename_pattern', 'version'],
    ordering: ['-created_datetime'],
    dateHierarchy: 'created_datetime',
    readOnly: ['session', 'auto_datetime', 'revision', 'protected', 'public', 'tags', 'qc'],
    labels: { qc: 'QC', file_size: 'File size (bytes)', created_datetime: 'Created', auto_datetime: 'Last updated', default_dataset: 'Default' },
    hidden: ['url', 'json', 'hash', 'file_records'],
    inlines: [{ resource: 'files', field: 'dataset', title: 'File records', columns: ['data_repository', 'relative_path', 'exists'] }],
  },
  table: datasets,
  description: 'Datasets: one logical file of a session (or an aggregate), with its file records in repositories.',
  fields: {
    url: selfUrl('datasets'),
    name: column(datasets.name, { required: true, allowBlank: false }),
    created_by: related(datasets.created_by, users, { slug: 'username', default: (ctx) => ctx.user?.id ?? null }),
    created_datetime: column(datasets.created_datetime, { nullable: true, default: now }),
    dataset_type: related(datasets.dataset_type, datasetTypes, { slug: 'name', required: true }),
    data_format: related(datasets.data_format, dataFormats, { slug: 'name', default: (ctx) => unknownFormat(ctx.db) }),
    collection: column(datasets.collection, {
      pattern: [COLLECTION_RE, 'Collections must only contain letters, numbers, hyphens, underscores and forward slashes.'],
    }),
    session: hyperlink(datasets.session, sessions, 'sessions'),
    file_size: column(datasets.file_size),
    hash: column(datasets.hash),
    version: column(datasets.version),
    experiment_number: sessionNumbers,
    file_records: computed(
      { type: 'array', items: { type: 'object' } },
      (rows, ctx) => loadFileRecords(ctx.db, rows.map((r) => r.id as string)),
      (row, map) => map.get(row.id as string) ?? [],
    ),
    subject: writeOnly({ type: 'string' }, (raw) => {
      if (typeof raw !== 'string' || raw === '') throw invalid('Not a valid string.');
      return raw;
    }),
    date: writeOnly({ type: 'string', format: 'date' }, (raw) => {
      const d = parseDateInput(raw);
      if (!d) throw invalid('Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
      return d;
    }),
    number: writeOnly({ type: 'integer' }, (raw) => {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n)) throw invalid('A valid integer is required.');
      return n;
    }),
    auto_datetime: column(datasets.auto_datetime, { readOnly: true }),
    revision: revisionOrBlank,
    default_dataset: column(datasets.default_dataset),
    protected: tagFlagCounts('protected'),
    public: tagFlagCounts('public'),
    tags: many(datasets, 'tags', { slug: 'name' }),
    qc: qcField(),
    json: column(datasets.json),
  },
  detailFields: { exclude: ['protected', 'public'] },
  autoFilters: { exclude: ['json'] },
  filters: {
    subject: filter((v) => sessionCol(sql`${sessions.subject} in (select ${subjects.id} from ${subjects} where ${subjects.nickname} = ${v})`)),
    lab: filter((v) => sessionCol(sql`${sessions.lab} in (select ${labs.id} from ${labs} where ${labs.name} = ${v})`)),
    date: filter((v, ctx) => {
      const d = parseDateInput(v);
      if (!d) throw fieldError(ctx.name, 'Enter a valid date.');
      return sessionCol(sql`${sessions.start_time} >= ${d}::date and ${sessions.start_time} < ${d}::date + 1`);
    }),
    created_date: dateFilter(sql`${datasets.created_datetime}`, '=', true),
    created_date_gte: dateFilter(sql`${datasets.created_datetime}`, '>=', true),
    created_date_lte: dateFilter(sql`${datasets.created_datetime}`, '<=', true),
    created_by: bySlug(datasets.created_by, users, 'username'),
    dataset_type: bySlug(datasets.dataset_type, datasetTypes, 'name'),
    experiment_number: filter((v, ctx) => {
      if (!/^\s*-?\d+\s*$/.test(v)) throw fieldError(ctx.name, 'Enter a whole number.');
      return sessionCol(eq(sessions.number, Number(v)));
    }),
    exists: existsFilter,
    probe_insertion: filter(async (v, ctx) => {
      const id = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v) ? v.toLowerCase() : null;
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      const [ins] = await ctx.db
        .select({ session: probeInsertions.session, name: probeInsertions.name })
        .from(probeInsertions)
        .where(eq(probeInsertions.id, id));
      if (!ins) throw fieldError(ctx.name, 'Select a valid choice. That choice is not one of the available choices.');
      return sql`${datasets.session} = ${ins.session}::uuid and ${datasets.collection} ilike ${'%' + escapeLike(ins.name) + '%'}`;
    }),
    public: tagFlagFilter('public'),
    protected: tagFlagFilter('protected'),
    tag: filter((v) => isTagged(datasets.id, eq(tags.name, v))),
    revision: bySlug(datasets.revision, revisions, 'name'),
    qc: qcFilter(datasets.qc),
    content_type: exact(datasets.content_type),
  },
  async validate(state, ctx) {
    if (state.action !== 'create') return;
    const d = state.data;
    if (!d.session && d.subject !== undefined && d.date === undefined) throw validationError({ date: ['This field is required.'] });
    if (!d.session && d.subject !== undefined && d.number === undefined) throw validationError({ number: ['This field is required.'] });
    void ctx;
  },
  async beforeWrite(values, state, ctx) {
    values.auto_datetime = now(ctx);
    if (state.action !== 'create') return;
    const d = state.data;
    if (!d.session && d.subject !== undefined && d.date !== undefined) {
      const found = await lookupSession(ctx.db, d.subject as string, d.date as string, d.number as number, (m) => validationError({ session: [m] }));
      await linkSession(ctx.db, found, (d.created_by as string) ?? ctx.user?.id ?? null);
      values.session = found.id;
      values.created_by = null; // upstream quirk: this path saves the dataset without created_by
    }
    if (values.session && d.default_dataset !== false) {
      await ctx.db
        .update(datasets)
        .set({ default_dataset: false, auto_datetime: now(ctx) })
        .where(
          and(
            eq(datasets.session, values.session as string),
            eq(datasets.collection, (values.collection as string) ?? ''),
            eq(datasets.name, values.name as string),
            eq(datasets.default_dataset, true),
          ),
        );
      values.default_dataset = true;
    }
  },
  async beforeDelete(row, ctx) {
    const prot = (await protectedTags(ctx.db, [row.id as string])).get(row.id as string);
    if (prot?.length) {
      throw new ApiError(403, { detail: `Failed to delete dataset ${row.name} due to protected tag(s) ${prot.map((t) => `"${t}"`).join(', ')}` });
    }
  },
});

// ---------------------------------------------------------------------------------------------
// File records

const bumpDataset = async (row: Row, ctx: { db: import('../../db/client.ts').Tx; config: { timeZone: string } }) => {
  await ctx.db.update(datasets).set({ auto_datetime: now(ctx) }).where(eq(datasets.id, row.dataset as string));
};

export const fileRecordResource = defineResource({
  path: 'files',
  admin: {
    menu: 'Data',
    label: 'File records',
    labelSingular: 'File record',
    columns: ['relative_path', 'data_repository', 'dataset', 'exists'],
    filters: ['exists', 'data_repository'],
    search: ['relative_path', 'data_repository__name', 'dataset__name'],
    hidden: ['url', 'json'],
  },
  table: fileRecords,
  description: 'File records: the copy of a dataset at relative_path in a repository; exists tells whether it is there.',
  fields: {
    url: selfUrl('files'),
    dataset: hyperlink(fileRecords.dataset, datasets, 'datasets', { required: true }),
    data_repository: related(fileRecords.data_repository, dataRepositories, { slug: 'name', required: true }),
    name: column(fileRecords.name),
    json: column(fileRecords.json),
    relative_path: column(fileRecords.relative_path, { required: true, pattern: [/^[a-zA-Z0-9_][^\\:]+$/, 'Invalid path'] }),
    exists: column(fileRecords.exists),
  },
  autoFilters: { exclude: ['json'] },
  filters: {
    lab: filter(
      (v) => sql`${fileRecords.dataset} in (select ${datasets.id} from ${datasets} join ${sessions} on ${sessions.id} = ${datasets.session}
        join ${labs} on ${labs.id} = ${sessions.lab} where ${labs.name} = ${v})`,
    ),
    data_repository: bySlug(fileRecords.data_repository, dataRepositories, 'name'),
    globus_is_personal: nullBoolean(
      (b) => sql`${fileRecords.data_repository} in (select ${dataRepositories.id} from ${dataRepositories} where ${dataRepositories.globus_is_personal} = ${b})`,
    ),
  },
  afterWrite: (row, _state, ctx) => bumpDataset(row, ctx),
});

// ---------------------------------------------------------------------------------------------
// Downloads

export const downloadResource = defineResource({
  path: 'downloads',
  admin: { menu: 'Data', columns: ['dataset', 'user', 'count'], filters: ['user', 'dataset_type'], search: ['user__username', 'dataset__name'], hidden: ['id', 'json'] },
  table: downloads,
  actions: ['list', 'read', 'update', 'partial_update'],
  description: 'Download counts per user and dataset (see /new-download).',
  fields: {
    id: column(downloads.id, { readOnly: true }),
    user: related(downloads.user, users, { slug: 'username', required: true }),
    dataset: column(downloads.dataset, { readOnly: true }),
    count: column(downloads.count, { min: 0 }),
    json: column(downloads.json),
  },
  filters: {
    user: bySlug(downloads.user, users, 'username'),
    dataset: bySlug(downloads.dataset, datasets, 'name'),
    dataset_type: filter(
      (v) => sql`${downloads.dataset} in (select ${datasets.id} from ${datasets} join ${datasetTypes} on ${datasetTypes.id} = ${datasets.dataset_type}
        where ${datasetTypes.name} ilike ${'%' + escapeLike(v) + '%'})`,
    ),
    json: icontains(downloads.json),
    count: filter((v, ctx) => {
      if (!/^\s*-?\d+\s*$/.test(v)) throw fieldError(ctx.name, 'Enter a number.');
      return eq(downloads.count, Number(v));
    }),
  },
});

export const dataResources = [
  dataRepositoryTypeResource,
  dataRepositoryResource,
  dataFormatResource,
  datasetTypeResource,
  revisionResource,
  tagResource,
  dataNoticeResource,
  datasetResource,
  fileRecordResource,
  downloadResource,
];

