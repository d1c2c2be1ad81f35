// Dataset rows outside the REST resource (which shares their file records, file-records.ts, and
// the tag conditions below): one definition of the columns a dataset row is read
// with (its own columns and the names of what it points to), the joins they need, how each value
// is shown, and the outputs built from them: the session detail's `data_dataset_session_related`
// items, register-file's response objects and the rows of the ONE cache table. Each output is an
// ordered list of its keys; the columns it selects are derived from that list.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { formatDateTime } from '../../rest/values.ts';
import { pushTo } from '../../rest/group.ts';
import { users } from '../misc/tables.ts';
import { qcLabel } from '../actions/qc.ts';
import { relativePathOf } from './alf.ts';
import { serverRecordOf, type FileRecordOut } from './file-records.ts';
import { dataFormats, datasetTags, datasetTypes, datasets, revisions, tags } from './tables.ts';
import { inIds } from '../../db/ids.ts';

/** A dataset row: its columns, with the names (not ids) of its type, format, creator and revision. */
const ROW = {
  id: datasets.id,
  session: datasets.session,
  name: datasets.name,
  dataset_type: datasetTypes.name,
  data_format: dataFormats.name,
  created_by: users.username,
  created_datetime: datasets.created_datetime,
  file_size: datasets.file_size,
  hash: datasets.hash,
  version: datasets.version,
  collection: datasets.collection,
  revision: revisions.name,
  revision_id: datasets.revision,
  default_dataset: datasets.default_dataset,
  qc: datasets.qc,
};
export type RowKey = keyof typeof ROW;
type Value<C extends AnyPgColumn> = C['_']['notNull'] extends true ? C['_']['data'] : C['_']['data'] | null;
/** created_by comes through a left join: null when the dataset has no creator. */
export type DatasetRow = Omit<{ [K in RowKey]: Value<(typeof ROW)[K]> }, 'created_by'> & { created_by: string | null };

/** The join each name column needs (type and format are required foreign keys, the others optional). */
const JOINS: Partial<Record<RowKey, { table: typeof datasetTypes | typeof dataFormats | typeof users | typeof revisions; on: SQL; left: boolean }>> = {
  dataset_type: { table: datasetTypes, on: eq(datasetTypes.id, datasets.dataset_type), left: false },
  data_format: { table: dataFormats, on: eq(dataFormats.id, datasets.data_format), left: false },
  created_by: { table: users, on: eq(users.id, datasets.created_by), left: true },
  revision: { table: revisions, on: eq(revisions.id, datasets.revision), left: true },
};

/** Rows of the datasets matching `where` with the given columns, joining only what they need. */
export async function selectDatasetRows<K extends RowKey>(
  db: Queryable,
  keys: readonly K[],
  where: SQL | undefined,
  opts: { orderBy?: Array<SQL | AnyPgColumn>; limit?: number; onServer?: boolean } = {},
): Promise<Array<Pick<DatasetRow, K>>> {
  const unique = [...new Set(keys)];
  let q = db
    .select(Object.fromEntries(unique.map((k) => [k, ROW[k]])))
    .from(datasets)
    .$dynamic();
  for (const k of unique) {
    const j = JOINS[k];
    if (j) q = j.left ? q.leftJoin(j.table, j.on) : q.innerJoin(j.table, j.on);
  }
  // only datasets with an existing record on a server repository
  if (opts.onServer) q = q.innerJoinLateral(serverRecordOf(datasets.id), sql`true`);
  q = q.where(where);
  if (opts.orderBy?.length) q = q.orderBy(...opts.orderBy);
  if (opts.limit !== undefined) q = q.limit(opts.limit);
  return (await q) as unknown as Array<Pick<DatasetRow, K>>;
}

// ---------------------------------------------------------------------------------------------
// How values are shown. An output entry is a row key shown as stored, or [output key, how].

interface Shown<X> {
  /** the row columns the value is computed from */
  needs: readonly RowKey[];
  show: (row: DatasetRow, extra: X) => unknown;
}
const from = <X = unknown>(needs: readonly RowKey[], show: (row: DatasetRow, extra: X) => unknown): Shown<X> => ({ needs, show });

/** Shared ways of showing a dataset value. */
export const shown = {
  /** the revision's name, '' when none */
  revisionName: from(['revision'], (r) => r.revision ?? ''),
  /** the revision's uuid, '' when none (the session detail, as upstream's plain foreign key) */
  revisionId: from(['revision_id'], (r) => r.revision_id ?? ''),
  /** Python's str() of the default flag, as upstream's CharField shows it */
  defaultAsText: from(['default_dataset'], (r) => (r.default_dataset ? 'True' : 'False')),
  qcLabel: from(['qc'], (r) => qcLabel(Number(r.qc))),
  createdDatetime: from(['created_datetime'], (r) => formatDateTime(r.created_datetime)),
  /** `collection/#revision#/name` without empty parts (the name of the revision looked up in `revisionNames`) */
  relativePath: from<{ revisionNames: Map<string, string> }>(['collection', 'revision_id', 'name'], (r, x) => {
    const revision = (r.revision_id ? x.revisionNames.get(r.revision_id) : null) ?? '';
    return relativePathOf({ relDir: '', collection: r.collection, revision, filename: r.name });
  }),
};

type Entry<X> = RowKey | [string, Shown<X>] | { spread: Shown<X> };

export interface DatasetOutput<X> {
  /** the row columns to select */
  keys: RowKey[];
  /** `row` holds (at least) the columns of `keys` */
  render(row: Partial<DatasetRow>, extra: X): Record<string, unknown>;
}

function output<X>(entries: Array<Entry<X>>): DatasetOutput<X> {
  const needs = entries.flatMap((e) => (typeof e === 'string' ? [e] : Array.isArray(e) ? e[1].needs : e.spread.needs));
  return {
    keys: [...new Set(needs)],
    render(selected, extra) {
      const row = selected as DatasetRow;
      const out: Record<string, unknown> = {};
      for (const e of entries) {
        if (typeof e === 'string') out[e] = row[e];
        else if (Array.isArray(e)) out[e[0]] = e[1].show(row, extra);
        else Object.assign(out, e.spread.show(row, extra));
      }
      return out;
    },
  };
}

/** One item of the session detail's `data_dataset_session_related`. */
export const sessionDatasetItem = output<{ baseUrl: string; dataUrls: Map<string, string> }>([
  'id',
  'name',
  'dataset_type',
  ['data_url', from(['id'], (r, x) => x.dataUrls.get(r.id) ?? null)],
  ['url', from(['id'], (r, x) => `${x.baseUrl}/datasets/${r.id}`)],
  'file_size',
  'hash',
  'version',
  'collection',
  ['revision', shown.revisionId],
  ['default_revision', shown.defaultAsText],
  ['qc', shown.qcLabel],
]);

/** The file records of register-file's response: those of the REST resource without the URL parts. */
export function registeredRecord({ data_repository_path, data_url, ...rest }: FileRecordOut): Omit<FileRecordOut, 'data_repository_path' | 'data_url'> {
  void data_repository_path;
  void data_url;
  return rest;
}

/** One object of register-file's response (upstream's _make_dataset_response). */
export const registeredDataset = output<{ subject: string | null; target: Record<string, unknown>; records: Map<string, FileRecordOut[]> }>([
  'id',
  'name',
  'file_size',
  ['subject', from([], (_r, x) => x.subject)],
  'created_by',
  ['created_datetime', shown.createdDatetime],
  'dataset_type',
  'data_format',
  { spread: from([], (_r, x) => x.target) },
  'collection',
  ['revision', shown.revisionName],
  ['default', from(['default_dataset'], (r) => r.default_dataset)],
  'qc',
  ['file_records', from(['id'], (r, x) => (x.records.get(r.id) ?? []).map(registeredRecord))],
]);

/** One row of the ONE cache table datasets.pqt (its columns, in order). */
export const cacheDatasetRow = output<{ revisionNames: Map<string, string> }>([
  ['file_size', from(['file_size'], (r) => (r.file_size === null ? null : BigInt(r.file_size)))],
  ['hash', from(['hash'], (r) => r.hash ?? '')],
  ['default_revision', from(['default_dataset'], (r) => r.default_dataset)],
  ['qc', shown.qcLabel],
  // only datasets with an existing record are exported
  ['exists', from([], () => true)],
  ['rel_path', shown.relativePath],
  ['eid', from(['session'], (r) => r.session)],
  'id',
]);

// ---------------------------------------------------------------------------------------------
// Tags

/** Ids of the datasets carrying a tag for which `tagCondition` holds (a subquery). */
export const taggedDatasets = (tagCondition: SQL): SQL =>
  sql`select ${datasetTags.dataset} from ${datasetTags} join ${tags} on ${tags.id} = ${datasetTags.tag} where ${tagCondition}`;

/** `dataset` carries a tag for which `tagCondition` holds. */
export const isTagged = (dataset: AnyPgColumn | SQL, tagCondition: SQL): SQL => sql`${dataset} in (${taggedDatasets(tagCondition)})`;

/** Whether a dataset carries a protected tag, as a selectable boolean (register-file and the scanner). */
export const protectedFlag = () => sql<boolean>`${isTagged(datasets.id, eq(tags.protected, true))}`;

/** Names of protected tags per dataset. */
export async function protectedTags(db: Queryable, datasetIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (datasetIds.length === 0) return out;
  const rows = await db
    .select({ dataset: datasetTags.dataset, name: tags.name })
    .from(datasetTags)
    .innerJoin(tags, eq(tags.id, datasetTags.tag))
    .where(and(inIds(datasetTags.dataset, datasetIds), eq(tags.protected, true)))
    .orderBy(asc(tags.name));
  for (const r of rows) pushTo(out, r.dataset, r.name);
  return out;
}
