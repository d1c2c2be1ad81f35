// Data-app queries shared by resources, register-file and the session hook: locating a session
// from subject/date/number, file-record URLs, protection info. Every function works on a whole
// batch with a constant number of queries.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { users } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { sessions, sessionUsers } from '../actions/tables.ts';
import { addUuidToPath } from './alf.ts';
import { dataFormats, dataRepositories, datasetTags, fileRecords, tags } from './tables.ts';
import { ApiError } from '../../rest/errors.ts';
import { pushTo } from '../../rest/group.ts';

/** 400 with upstream's `error` key (register-file session errors). */
export const errorKey = (status: number, error: string) => new ApiError(status, { error });

export interface FoundSession {
  id: string;
  subject: string;
  subjectId: string;
  lab: string | null;
}

/**
 * Upstream's session lookup for a subject/date/number: the base session (no parent) of that day
 * must exist, the numbered one too; `user` is added to both. Sessions are never created.
 * `fail` builds the error (register-file uses an `error` key, POST /datasets field errors).
 */
export async function findSession(
  db: Queryable,
  subjectNickname: string,
  date: string,
  number: number,
  userId: string | null,
  fail: (message: string) => ApiError,
): Promise<FoundSession> {
  const [subj] = await db
    .select({ id: subjects.id, lab: subjects.lab })
    .from(subjects)
    .where(eq(subjects.nickname, subjectNickname))
    .limit(1);
  if (!subj) throw fail(`A subject with nickname "${subjectNickname}" does not exist.`);
  const sameDay = and(eq(sessions.subject, subj.id), sql`${sessions.start_time}::date = ${date}::date`);
  const rows = await db
    .select({ id: sessions.id, number: sessions.number, parent: sessions.parent_session, lab: sessions.lab })
    .from(sessions)
    .where(sameDay)
    .orderBy(asc(sessions.start_time), asc(sessions.id));
  const base = rows.find((r) => r.parent === null);
  if (!base) throw fail(`A base session for ${subjectNickname} on ${date} does not exist`);
  const target = rows.find((r) => r.number === number);
  if (!target) throw fail(`A session for ${subjectNickname}/${number} on ${date} does not exist`);
  if (userId) {
    const owners = [...new Set([base.id, target.id])];
    await db
      .insert(sessionUsers)
      .values(owners.map((owner) => ({ owner, labmember: userId })))
      .onConflictDoNothing();
  }
  if (target.parent === null && target.id !== base.id) {
    await db.update(sessions).set({ parent_session: base.id }).where(eq(sessions.id, target.id));
  }
  return { id: target.id, subject: subjectNickname, subjectId: subj.id, lab: subj.lab };
}

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
    .where(inArray(fileRecords.dataset, datasetIds))
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
 * The dataset's URL: that of its best existing record (repositories with a data_url, server ones
 * first, then by repository name descending), or null.
 */
export async function loadDatasetUrls(db: Queryable, datasetIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (datasetIds.length === 0) return out;
  const rows = await db
    .select({ dataset: fileRecords.dataset, data_url: dataRepositories.data_url, relative_path: fileRecords.relative_path })
    .from(fileRecords)
    .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
    .where(and(inArray(fileRecords.dataset, datasetIds), eq(fileRecords.exists, true), sql`coalesce(${dataRepositories.data_url}, '') <> ''`))
    .orderBy(sql`${dataRepositories.globus_is_personal} asc nulls last`, desc(dataRepositories.name));
  for (const r of rows) if (!out.has(r.dataset)) out.set(r.dataset, r.data_url + addUuidToPath(r.relative_path, r.dataset));
  return out;
}

/** Names of protected tags per dataset. */
export async function protectedTags(db: Queryable, datasetIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (datasetIds.length === 0) return out;
  const rows = await db
    .select({ dataset: datasetTags.dataset, name: tags.name })
    .from(datasetTags)
    .innerJoin(tags, eq(tags.id, datasetTags.tag))
    .where(and(inArray(datasetTags.dataset, datasetIds), eq(tags.protected, true)))
    .orderBy(asc(tags.name));
  for (const r of rows) pushTo(out, r.dataset, r.name);
  return out;
}

/** True when at least one server (non-personal) repository exists: the `exists` filters depend on it. */
export async function hasServerRepository(db: Queryable): Promise<boolean> {
  const rows = await db.select({ id: dataRepositories.id }).from(dataRepositories).where(eq(dataRepositories.globus_is_personal, false)).limit(1);
  return rows.length > 0;
}

/** The 'unknown' data format / dataset type, created on demand (upstream's default FK targets). */
export async function unknownFormat(db: Queryable): Promise<string> {
  await db.insert(dataFormats).values({ name: 'unknown', file_extension: '' }).onConflictDoNothing();
  const [row] = await db.select({ id: dataFormats.id }).from(dataFormats).where(eq(dataFormats.name, 'unknown'));
  return row.id;
}

export async function usernameOf(db: Queryable, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [u] = await db.select({ username: users.username }).from(users).where(eq(users.id, id));
  return u?.username ?? null;
}

