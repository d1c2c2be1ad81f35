// File records of datasets as the renderings show them (with their URLs), and the "has a file on a
// server repository" condition the dataset filters, the session detail and the file sync share.
// Every loader works on a whole page of datasets with one query.
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias, QueryBuilder, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { addUuidToPath } from './alf.ts';
import { dataRepositories, fileRecords } from './tables.ts';
import { inIds, uuidArray } from '../../db/ids.ts';

export interface FileRecordOut {
  id: string;
  data_repository: string;
  data_repository_path: string;
  relative_path: string;
  data_url: string | null;
  exists: boolean;
}

/** File records of a page of datasets, with their URLs: datasetId → records. */
export async function loadFileRecords(db: Queryable, datasetIds: string[]): Promise<Map<string, FileRecordOut[]>> {
  const out = new Map<string, FileRecordOut[]>();
  if (datasetIds.length === 0) return out;
  const rows = await db
    .select({
      id: fileRecords.id,
      dataset: fileRecords.dataset,
      repo: dataRepositories.name,
      path: dataRepositories.globus_path,
      data_url: dataRepositories.data_url,
      relative_path: fileRecords.relative_path,
      exists: fileRecords.exists,
    })
    .from(fileRecords)
    .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
    .where(inIds(fileRecords.dataset, datasetIds))
    .orderBy(asc(dataRepositories.name), asc(fileRecords.id));
  for (const r of rows) {
    const list = out.get(r.dataset) ?? [];
    list.push({
      id: r.id,
      data_repository: r.repo,
      data_repository_path: r.path,
      relative_path: r.relative_path,
      data_url: r.data_url ? r.data_url + addUuidToPath(r.relative_path, r.dataset) : null,
      exists: r.exists,
    });
    out.set(r.dataset, list);
  }
  return out;
}

/**
 * The dataset, repository, path and exists flag of the records of a page of datasets, probed per
 * dataset on the record's dataset index: a LATERAL subquery per id of the page (`offset 0` keeps it
 * from being flattened), where `dataset_id in (…)` lets a planner without statistics estimate 10%
 * of the table for 20 ids and scan it whole.
 */
async function recordsOfPage(db: Queryable, datasetIds: string[]) {
  const probe = new QueryBuilder()
    .select({ dataset: fileRecords.dataset, repository: fileRecords.data_repository, relative_path: fileRecords.relative_path, exists: fileRecords.exists })
    .from(fileRecords)
    .where(eq(fileRecords.dataset, sql`page_dataset.id`))
    // drizzle leaves out an offset of 0: bound as a parameter instead
    .offset(sql.placeholder('no_offset'))
    .as('page_record');
  // ids read from the database, passed as one array parameter
  const page = sql`unnest(${uuidArray(datasetIds)}) as page_dataset(id)`;
  return db
    .select({ dataset: probe.dataset, repository: probe.repository, relative_path: probe.relative_path, exists: probe.exists })
    .from(page)
    .innerJoinLateral(probe, sql`true`)
    .execute({ no_offset: 0 });
}

/**
 * The dataset's URL: that of its best existing record (repositories with a data_url, server ones
 * first, then by repository name descending), or null.
 */
export async function loadDatasetUrls(db: Queryable, datasetIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (datasetIds.length === 0) return out;
  // Two queries whose plan holds without statistics: the page's records by the dataset index alone
  // (joined to the repositories, a planner without statistics may instead scan every record of a
  // repository through its (repository, path) index; ANDed with the index on `exists`, a bitmap of
  // nearly every record), then the few repositories with a URL, best first.
  const records = await recordsOfPage(db, datasetIds);
  const existing = records.filter((r) => r.exists);
  if (existing.length === 0) return out;
  const repositories = await db
    .select({ id: dataRepositories.id, data_url: dataRepositories.data_url })
    .from(dataRepositories)
    .where(and(inArray(dataRepositories.id, [...new Set(existing.map((r) => r.repository))]), sql`coalesce(${dataRepositories.data_url}, '') <> ''`))
    .orderBy(sql`${dataRepositories.globus_is_personal} asc nulls last`, desc(dataRepositories.name));
  const rank = new Map(repositories.map((r, i) => [r.id, i]));
  const best = new Map<string, { rank: number; url: string }>();
  for (const r of existing) {
    const i = rank.get(r.repository);
    if (i === undefined) continue;
    const current = best.get(r.dataset);
    if (!current || i < current.rank) best.set(r.dataset, { rank: i, url: repositories[i].data_url + addUuidToPath(r.relative_path, r.dataset) });
  }
  for (const [dataset, b] of best) out.set(dataset, b.url);
  return out;
}

/** A server repository: one that is not a personal (Globus) endpoint. */
const serverRepository = eq(dataRepositories.globus_is_personal, false);

/** True when at least one server (non-personal) repository exists: the `exists` filters depend on it. */
export async function hasServerRepository(db: Queryable): Promise<boolean> {
  const rows = await db.select({ id: dataRepositories.id }).from(dataRepositories).where(serverRepository).limit(1);
  return rows.length > 0;
}

const serverRecord = alias(fileRecords, 'server_record');
const serverRecordRepository = alias(dataRepositories, 'server_record_repository');

/**
 * One existing record of `dataset` on a server repository, as a LATERAL subquery (LIMIT 1) to
 * inner-join to a handful of datasets: probed per dataset on the record's dataset index whatever
 * the planner's statistics (`dataset in (…)` or `exists (…)` let a planner without them hash every
 * record of the table for the 20 datasets of a session).
 */
export function serverRecordOf(dataset: AnyPgColumn) {
  return new QueryBuilder()
    .select({ server_record: sql<number>`1`.as('server_record') })
    .from(serverRecord)
    .innerJoin(serverRecordRepository, eq(serverRecordRepository.id, serverRecord.data_repository))
    .where(and(eq(serverRecord.dataset, dataset), eq(serverRecord.exists, true), eq(serverRecordRepository.globus_is_personal, false)))
    .limit(1)
    .as('server_record_of');
}

/**
 * `dataset in (datasets with a record on a server repository whose exists flag is `exists`)`;
 * `also` narrows the records/repositories further. The subquery names the tables themselves, so
 * inside it they shadow the same tables of an enclosing query.
 */
export function hasServerRecord(dataset: AnyPgColumn | SQL, exists = true, also?: SQL): SQL {
  return sql`${dataset} in (select ${fileRecords.dataset} from ${fileRecords}
    join ${dataRepositories} on ${dataRepositories.id} = ${fileRecords.data_repository}
    where ${and(serverRepository, eq(fileRecords.exists, exists), also)})`;
}
