// POST /register-file and GET /check-protected (spec-data §3.10, §3.11). The whole request runs in
// one transaction with a constant number of queries whatever the number of files: every lookup
// and write is batched. Deliberate differences from upstream: authentication is required; an
// unknown dataset type or data format, a per-file list shorter than `filenames`, an unknown user
// and malformed sizes are 400s naming the culprit; refusals happen before anything is written.
import { actorOf, created, recordAudit, updated, type AuditActor, type AuditChange } from '../audit/record.ts';
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { getTableColumns, type Column } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { modelByContentType, contentTypeLabel } from '../../db/models.ts';
import type { Queryable, Tx } from '../../db/client.ts';
import { ApiError, badRequest } from '../../rest/errors.ts';
import type { RequestContext } from '../../rest/context.ts';
import { formatDateTime, normalizeUuid, nowInZone } from '../../rest/values.ts';
import { labs, users } from '../misc/tables.ts';
import { sessions, sessionUsers } from '../actions/tables.ts';
import {
  lastExtension,
  listish,
  matchDatasetType,
  normalizePath,
  parseAggregateFile,
  parseSessionFile,
  parseSessionPath,
  relativePathOf,
  stringBool,
  type ParsedFile,
} from './alf.ts';
import { parseQc } from '../actions/qc.ts';
import { errorKey, linkSession, lookupSession, type FoundSession } from './session-lookup.ts';
import { loadFileRecords } from './file-records.ts';
import { protectedFlag, protectedTags, registeredDataset, selectDatasetRows } from './dataset-rows.ts';
import { dataFormats, dataRepositories, datasetTypes, datasets, fileRecords, labRepositories, revisions } from './tables.ts';
import { pushTo } from '../../rest/group.ts';
import { scalar } from './subquery.ts';
import { datasetsSaved } from './extensions.ts';

type Body = Record<string, unknown>;

const PROTECTED_ERROR = 'One or more datasets is protected';
const FILE_PATH_RE = /^[a-zA-Z0-9_][^\\:]+$/;

function str(body: Body, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : null;
  return String(v);
}

/** What the datasets belong to: a session, or an aggregate's object (content_type + object_id). */
export interface Target {
  /** session mode */
  session: FoundSession | null;
  /** aggregate mode */
  contentType: string | null;
  objectId: string | null;
  objectNickname: string | null;
}

/** GET /check-protected reads only: it neither resolves repositories nor links the session. */
type Mode = 'register' | 'check';

// ---------------------------------------------------------------------------------------------
// Step 1: parse the request (who registers, where, which files)

async function resolveUser(ctx: RequestContext, body: Body): Promise<{ id: string; username: string }> {
  const name = str(body, 'created_by');
  if (!name) return { id: ctx.user!.id, username: ctx.user!.username };
  const [u] = await ctx.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.username, name));
  if (!u) throw new ApiError(400, { created_by: [`User "${name}" does not exist.`] });
  return u;
}

async function resolveRepository(db: Queryable, body: Body): Promise<{ id: string; name: string } | null> {
  const name = str(body, 'name');
  const hostname = str(body, 'hostname');
  if (!name && !hostname) return null;
  const rows = await db
    .select({ id: dataRepositories.id, name: dataRepositories.name })
    .from(dataRepositories)
    .where(name ? eq(dataRepositories.name, name) : eq(dataRepositories.hostname, hostname!))
    .limit(2);
  if (rows.length === 0) throw badRequest('The specified repository does not exist.');
  if (rows.length > 1) throw badRequest(`Several repositories have the hostname "${hostname}"; give the repository name instead.`);
  return rows[0];
}

/** content_type + object_id (aggregate datasets). */
async function resolveAggregate(db: Queryable, body: Body): Promise<{ contentType: string; objectId: string; nickname: string | null } | null> {
  const ct = str(body, 'content_type');
  const oid = str(body, 'object_id');
  if (!ct && !oid) return null;
  if (!ct || !oid) throw new ApiError(400, { error: 'Both content_type and object_id should be provided together.' });
  const info = modelByContentType(ct);
  if (!info || info === 'ambiguous') throw badRequest(`Invalid content type: ${ct}`);
  const id = normalizeUuid(oid);
  const cols = getTableColumns(info.table as PgTable) as Record<string, Column>;
  if (!id || !cols.id || cols.id.columnType !== 'PgUUID') throw badRequest(`Invalid object ID: ${oid}`);
  const sel: Record<string, Column> = { id: cols.id };
  if (cols.nickname) sel.nickname = cols.nickname;
  const found = (await db.select(sel as never).from(info.table as PgTable).where(eq(cols.id, id)).limit(1)) as Array<{ id: string; nickname?: string }>;
  if (!found.length) throw badRequest(`Invalid object ID: ${oid}`);
  const label = contentTypeLabel(info);
  return { contentType: label, objectId: id, nickname: label === 'subjects.subject' ? (found[0].nickname ?? null) : null };
}

interface Request {
  user: { id: string; username: string };
  path: string;
  repo: { id: string; name: string } | null;
  aggregate: Awaited<ReturnType<typeof resolveAggregate>>;
  names: string[];
}

async function parseRequest(ctx: RequestContext, body: Body, mode: Mode): Promise<Request> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Expected a JSON object or form fields.');
  const user = await resolveUser(ctx, body);
  const rawPath = str(body, 'path');
  if (!rawPath) throw badRequest('The path argument is required.');
  const path = mode === 'check' ? rawPath.replace(/\\/g, '/').replace(/\/\//g, '/') : normalizePath(rawPath);
  const repo = mode === 'check' ? null : await resolveRepository(ctx.db, body);
  const aggregate = await resolveAggregate(ctx.db, body);
  const names = (listish(body.filenames) ?? []).map((v) => String(v ?? '').trim()).filter((v) => v !== '');
  return { user, path, repo, aggregate, names };
}

// ---------------------------------------------------------------------------------------------
// Step 2: resolve the session (or the aggregate), the files, and the repositories to record into

function parseFiles(target: 'session' | 'aggregate', path: string, names: string[]): ParsedFile[] {
  return names.map((fn) => {
    const r = target === 'session' ? parseSessionFile(path, fn) : parseAggregateFile(path, fn);
    if (!r.ok) throw badRequest(r.error);
    return r.file;
  });
}

interface Resolved {
  target: Target;
  files: ParsedFile[];
  /** labs whose repositories receive the file records (session mode) */
  labIds: string[];
}

function aggregateTarget(req: Request, mode: Mode): Resolved {
  const aggregate = req.aggregate!;
  if (!req.repo && mode !== 'check') throw badRequest('A valid repository name or hostname must be provided for non-session datasets.');
  return {
    target: { session: null, contentType: aggregate.contentType, objectId: aggregate.objectId, objectNickname: aggregate.nickname },
    files: parseFiles('aggregate', normalizePath(req.path), req.names),
    labIds: [],
  };
}

/** The session of `nickname/date/number/...` (looked up, never written here), its files and labs. */
async function sessionTarget(db: Queryable, body: Body, req: Request): Promise<Resolved> {
  // a `<lab>/Subjects/` prefix (a lab's folder layout) is accepted and names the lab
  const labPrefix = /^([\p{L}\p{N}_]+)\/Subjects\/(.*)$/u.exec(normalizePath(req.path));
  const sessionPath = labPrefix ? labPrefix[2] : normalizePath(req.path);
  const sp = parseSessionPath(sessionPath);
  if (!sp) throw errorKey(400, `The path ${req.path} should be \`nickname/YYYY-MM-DD/n/...`);
  const session = await lookupSession(db, sp.subject, sp.date, Number(sp.number), (m) => errorKey(400, m));
  const files = parseFiles('session', sessionPath, req.names);
  let labNames = [...(listish(body.labs) ?? []), ...(listish(body.projects) ?? [])].map((v) => String(v ?? '').trim()).filter(Boolean);
  if (!labNames.length && labPrefix) labNames = [labPrefix[1]];
  let labIds: string[] = [];
  if (labNames.length) {
    const found = await db.select({ id: labs.id }).from(labs).where(inArray(labs.name, [...new Set(labNames)]));
    if (found.length !== new Set(labNames).size) throw badRequest('One or more of the specified labs do not exist.');
    labIds = found.map((f) => f.id);
  } else if (session.lab) labIds = [session.lab];
  return { target: { session, contentType: null, objectId: null, objectNickname: null }, files, labIds };
}

/** The labs' repositories (server ones only with server_only) and the named repository. */
async function targetRepositories(
  db: Queryable,
  resolved: Resolved,
  repo: { id: string; name: string } | null,
  serverOnly: boolean,
): Promise<Array<{ id: string; name: string }>> {
  let repos: Array<{ id: string; name: string }> = [];
  if (resolved.target.session && resolved.labIds.length) {
    repos = await db
      .selectDistinct({ id: dataRepositories.id, name: dataRepositories.name })
      .from(labRepositories)
      .innerJoin(dataRepositories, eq(dataRepositories.id, labRepositories.datarepository))
      .where(and(inArray(labRepositories.lab, resolved.labIds), serverOnly ? eq(dataRepositories.globus_is_personal, false) : undefined))
      .orderBy(asc(dataRepositories.name));
  }
  if (repo && !repos.some((r) => r.id === repo.id)) repos.push(repo);
  return repos;
}

/** A per-file list parameter: null when absent; 400 when shorter than the file list. */
function perFile(body: Body, key: string, n: number, broadcastString = false): unknown[] | null {
  const raw = body[key];
  if (raw === undefined || raw === null) return null;
  // a single value (a string without commas, or a number) applies to every file
  if (broadcastString && !Array.isArray(raw) && (typeof raw !== 'string' || !raw.includes(','))) return Array(n).fill(raw);
  const list = listish(raw)!;
  if (list.length < n) {
    throw badRequest(`"${key}" has ${list.length} value(s) for ${n} file(s): give one value per file name (null where unknown).`);
  }
  return list;
}

/** hashes, filesizes, versions and qc, one per file. */
function perFileValues(body: Body, files: ParsedFile[]) {
  const n = files.length;
  const hashes = perFile(body, 'hashes', n);
  const rawSizes = perFile(body, 'filesizes', n);
  const sizes = rawSizes
    ? rawSizes.slice(0, n).map((v, i) => {
        if (v === null || v === undefined || v === '' || v === 'None') return null;
        const num = Number(v);
        if (!Number.isSafeInteger(num) || num < 0) throw badRequest(`Invalid file size "${String(v)}" for "${files[i].given}".`);
        return num;
      })
    : null;
  const versions = perFile(body, 'versions', n, true);
  const rawQc = perFile(body, 'qc', n, true);
  const qcs = files.map((f, i) => {
    const v = rawQc?.[i];
    if (v === undefined || v === null || v === '') return 0;
    const q = parseQc(v, { anyCase: true, numbers: true });
    if (q === null) throw badRequest(`Invalid QC value "${String(v)}" for dataset "${relativePathOf(f)}"`);
    return q;
  });
  return { hashes, sizes, versions, qcs };
}

/** Each file's dataset type and data format. */
export type FileKinds = Array<{ type: { id: string }; format: { id: string } }>;

/** Everything a registration writes from: who, what target, which files, into which repositories. */
export type RegistrationInput = Input;

interface Input extends ReturnType<typeof perFileValues> {
  user: { id: string; username: string };
  path: string;
  repo: { id: string; name: string } | null;
  target: Target;
  files: ParsedFile[];
  repos: Array<{ id: string; name: string }>;
  existsIn: (repoId: string) => boolean;
  isDefault: boolean;
  checkProtected: boolean;
}

/** Steps 1 and 2: parses and resolves everything; reads only. */
async function prepare(ctx: RequestContext, body: Body, mode: Mode): Promise<Input> {
  const req = await parseRequest(ctx, body, mode);
  const resolved = req.aggregate ? aggregateTarget(req, mode) : await sessionTarget(ctx.db, body, req);
  const serverOnly = stringBool(body.server_only, false);
  const exists = stringBool(body.exists, true);
  const repos = mode === 'check' ? [] : await targetRepositories(ctx.db, resolved, req.repo, serverOnly);
  return {
    user: req.user,
    path: req.path,
    repo: req.repo,
    target: resolved.target,
    files: resolved.files,
    ...perFileValues(body, resolved.files),
    repos,
    existsIn: (repoId: string) => exists && (serverOnly || repoId === req.repo?.id),
    isDefault: stringBool(body.default, true),
    checkProtected: stringBool(body.check_protected, false),
  };
}

// ---------------------------------------------------------------------------------------------
// Protection

/** Datasets sharing the target and (collection, name) with one of the files: SQL condition. */
function sameTargetAndName(target: Target, files: ParsedFile[]): SQL {
  const pairs = sql.join(
    [...new Set(files.map((f) => JSON.stringify([f.collection, f.filename])))].map((k) => {
      const [c, n] = JSON.parse(k) as [string, string];
      return sql`(${c}, ${n})`;
    }),
    sql`, `,
  );
  const owner = target.session
    ? eq(datasets.session, target.session.id)
    : and(isNull(datasets.session), eq(datasets.content_type, target.contentType!), eq(datasets.object_id, target.objectId!));
  return sql`${owner} and (${datasets.collection}, ${datasets.name}) in (${pairs})`;
}

type ProtectionDetails = Array<Record<string, Array<Record<string, boolean>>>>;

/** For each file: [{revision name or '': protected}] over all revisions, latest revision first. */
async function protectionInfo(db: Queryable, target: Target, files: ParsedFile[]): Promise<ProtectionDetails> {
  if (files.length === 0) return [];
  const rows = await db
    .select({
      collection: datasets.collection,
      name: datasets.name,
      revision: revisions.name,
      prot: protectedFlag(),
    })
    .from(datasets)
    .leftJoin(revisions, eq(revisions.id, datasets.revision))
    .where(sameTargetAndName(target, files))
    .orderBy(sql`${revisions.created_datetime} desc nulls last`, asc(datasets.id));
  const byKey = new Map<string, Array<Record<string, boolean>>>();
  for (const r of rows) {
    const k = JSON.stringify([r.collection, r.name]);
    pushTo(byKey, k, { [r.revision ?? '']: Boolean(r.prot) });
  }
  return files.map((f) => ({ [f.given]: byKey.get(JSON.stringify([f.collection, f.filename])) ?? [] }));
}

function protectedRefusal(details: ProtectionDetails): ApiError | null {
  const any = details.some((d) => Object.values(d)[0].some((info) => Object.values(info)[0]));
  return any ? new ApiError(403, { error: PROTECTED_ERROR, details }) : null;
}

/** GET /check-protected */
export async function checkProtected(ctx: RequestContext, body: Body): Promise<Record<string, unknown>> {
  return ctx.services.db.transaction(async (tx) => {
    const input = await prepare({ ...ctx, db: tx }, body, 'check');
    const details = await protectionInfo(tx, input.target, input.files);
    const refusal = protectedRefusal(details);
    if (refusal) return { status_code: 403, error: PROTECTED_ERROR, details };
    return { status_code: 200, details: 'None of the datasets are protected' };
  });
}

// ---------------------------------------------------------------------------------------------
// Step 3: check the files and resolve their dataset types and formats

/** Why a file can't be registered (over-long values, bad path), or null. */
export function fileProblem(f: ParsedFile, relPath: string, hash: unknown, version: unknown): string | null {
  if (hash !== null && hash !== undefined && String(hash).length > 64) {
    return `Invalid dataset "${relPath}": {'hash': ['Ensure this value has at most 64 characters (it has ${String(hash).length}).']}`;
  }
  if (version !== null && version !== undefined && String(version).length > 64) {
    return `Invalid dataset "${relPath}": {'version': ['Ensure this value has at most 64 characters (it has ${String(version).length}).']}`;
  }
  if (f.filename.length > 255) return `Invalid dataset "${relPath}": {'name': ['Ensure this value has at most 255 characters.']}`;
  if (!FILE_PATH_RE.test(relPath) || relPath.length > 1000) return `Invalid file record "${relPath}": {'relative_path': ['Invalid path']}`;
  return null;
}

/** Refuses over-long values and bad paths before anything is written. */
function validateFiles(input: Input): void {
  input.files.forEach((f, i) => {
    const problem = fileProblem(f, relativePathOf(f), input.hashes?.[i], input.versions?.[i]);
    if (problem) throw badRequest(problem);
  });
}

/** Dataset type (by file name pattern) and data format (by extension) of each file: two queries, matched in memory. */
async function resolveTypesAndFormats(db: Queryable, files: ParsedFile[]): Promise<FileKinds> {
  const types = await db.select({ id: datasetTypes.id, name: datasetTypes.name, filename_pattern: datasetTypes.filename_pattern }).from(datasetTypes);
  const formats = await db.select({ id: dataFormats.id, name: dataFormats.name, ext: dataFormats.file_extension }).from(dataFormats).orderBy(asc(dataFormats.name));
  const compiled = new Map<string, RegExp>();
  return files.map((f) => {
    const m = matchDatasetType(f.filename, types, compiled);
    if (!m.ok) throw badRequest(m.error);
    const ext = lastExtension(f.filename);
    const format = formats.find((x) => x.ext === ext);
    if (!format) throw badRequest(`No data format with file extension "${ext}" exists (file "${f.given}").`);
    return { type: m.type, format };
  });
}

// ---------------------------------------------------------------------------------------------
// Step 4: write the revisions, datasets and file records

/** Revisions named by the files: get-or-create in one insert and one select; name → id. */
async function revisionIds(tx: Tx, files: ParsedFile[], now: string): Promise<Map<string, string>> {
  const revNames = [...new Set(files.map((f) => f.revision).filter(Boolean))];
  const revIds = new Map<string, string>();
  if (revNames.length) {
    await tx
      .insert(revisions)
      .values(revNames.map((name) => ({ name, created_datetime: now })))
      .onConflictDoNothing();
    for (const r of await tx.select({ id: revisions.id, name: revisions.name }).from(revisions).where(inArray(revisions.name, revNames))) {
      revIds.set(r.name, r.id);
    }
  }
  return revIds;
}

/** A dataset's identity within its target: collection, name, type, format and revision. */
export const identity = (c: string, n: string, t: string, fmt: string, rev: string | null) => JSON.stringify([c, n, t, fmt, rev]);

/** The datasets already registered with the identity of one of the files, by identity. */
/** The columns that identify a registered dataset (with its revision, by id or by name), and its hash. */
export const DATASET_IDENTITY_COLUMNS = {
  id: datasets.id,
  collection: datasets.collection,
  name: datasets.name,
  dataset_type: datasets.dataset_type,
  data_format: datasets.data_format,
  hash: datasets.hash,
};

async function existingDatasets(tx: Tx, target: Target, files: ParsedFile[]) {
  const existing = await tx
    .select({ ...DATASET_IDENTITY_COLUMNS, revision: datasets.revision })
    .from(datasets)
    .where(sameTargetAndName(target, files));
  return new Map(existing.map((e) => [identity(e.collection, e.name, e.dataset_type, e.data_format, e.revision), e]));
}
type Existing = Awaited<ReturnType<typeof existingDatasets>>;

/** Protected datasets can't be re-registered: refuses before anything is written. */
async function refuseProtected(tx: Tx, existingBy: Existing, keys: string[]): Promise<void> {
  const existingIds = [...new Set(keys.map((k) => existingBy.get(k)?.id).filter((v): v is string => !!v))];
  if (!existingIds.length) return;
  const prot = await protectedTags(tx, existingIds);
  if (prot.size) {
    const first = keys.map((k) => existingBy.get(k)?.id).find((id) => id !== undefined && prot.has(id));
    throw new ApiError(403, { detail: `Dataset ${first} is protected, cannot patch` });
  }
}

interface DatasetPlan {
  /** dataset id per file (`pending:<i>` until the insert of file i returns its id) */
  datasetIdOf: string[];
  /** whether each file's dataset is new or changed (its records are then reset) */
  patched: boolean[];
  toInsert: Array<{ index: number; values: typeof datasets.$inferInsert }>;
  /** existing datasets to update, by id (a row of `datasetUpdateColumns`) */
  updates: Map<string, Record<string, unknown>>;
  /** the ids of the datasets inserted (filled by writeDatasets) */
  insertedIds: string[];
}

/**
 * Which files create a dataset and which update an existing one. Within one request the last file
 * of a (collection, name) is the default one, as if registered in turn.
 */
function planDatasets(
  input: Input,
  kinds: FileKinds,
  revIds: Map<string, string>,
  existingBy: Existing,
  keys: string[],
  now: string,
): DatasetPlan {
  const { files, target } = input;
  const lastOfName = new Map<string, number>();
  files.forEach((f, i) => lastOfName.set(JSON.stringify([f.collection, f.filename]), i));
  const isDefault = (i: number) => input.isDefault && lastOfName.get(JSON.stringify([files[i].collection, files[i].filename])) === i;
  const plan: DatasetPlan = { datasetIdOf: new Array<string>(files.length), patched: new Array<boolean>(files.length), toInsert: [], updates: new Map(), insertedIds: [] };
  files.forEach((f, i) => {
    const hash = input.hashes?.[i] == null ? '' : String(input.hashes![i]);
    const version = input.versions?.[i] == null ? '' : String(input.versions![i]);
    const size = input.sizes?.[i] ?? null;
    const ex = existingBy.get(keys[i]);
    if (ex) {
      plan.datasetIdOf[i] = ex.id;
      plan.patched[i] = !(hash !== '' && ex.hash !== '' && ex.hash === hash);
      plan.updates.set(ex.id, { id: ex.id, default_dataset: isDefault(i), qc: input.qcs[i], created_by: input.user.id, version, hash, file_size: size });
      if (hash !== '') ex.hash = hash;
      return;
    }
    const pending = plan.toInsert.find((p) => identity(p.values.collection!, p.values.name!, p.values.dataset_type, p.values.data_format, p.values.revision ?? null) === keys[i]);
    plan.patched[i] = true;
    if (pending) {
      // the same file twice in one request: the second one updates the first
      pending.values.hash = hash || pending.values.hash;
      pending.values.version = version || pending.values.version;
      if (size !== null) pending.values.file_size = size;
      pending.values.default_dataset = isDefault(i);
      plan.datasetIdOf[i] = `pending:${pending.index}`;
      return;
    }
    plan.toInsert.push({
      index: i,
      values: {
        name: f.filename,
        session: target.session?.id ?? null,
        content_type: target.contentType,
        object_id: target.objectId,
        collection: f.collection,
        dataset_type: kinds[i].type.id,
        data_format: kinds[i].format.id,
        revision: f.revision ? revIds.get(f.revision)! : null,
        created_by: input.user.id,
        created_datetime: now,
        auto_datetime: now,
        default_dataset: isDefault(i),
        qc: input.qcs[i],
        hash,
        version,
        file_size: size,
      },
    });
  });
  return plan;
}

/**
 * `(values (...), ...) as v(<keys>)`, each value cast to the type of its column, for an
 * `update ... from` in one statement; `ref(key)` is the value of the row being joined.
 */
function valuesOf<K extends string>(columns: Record<K, AnyPgColumn>, rows: Array<Record<string, unknown>>) {
  const keys = Object.keys(columns) as K[];
  const tuples = rows.map((r) => sql`(${sql.join(keys.map((k) => sql`${r[k] ?? null}::${sql.raw(columns[k].getSQLType())}`), sql`, `)})`);
  return {
    list: sql`(values ${sql.join(tuples, sql`, `)}) as v(${sql.raw(keys.join(', '))})`,
    ref: (k: K) => sql.raw(`v.${k}`),
  };
}

/**
 * Inserts the new datasets (one statement), updates the existing ones (one statement); fills
 * datasetIdOf. Returns the audit entries: the created rows, and the updated ones read before and
 * after (one select each).
 */
async function writeDatasets(tx: Tx, plan: DatasetPlan, now: string): Promise<Array<AuditChange | null>> {
  const changes: Array<AuditChange | null> = [];
  if (plan.toInsert.length) {
    const inserted = await tx.insert(datasets).values(plan.toInsert.map((p) => p.values)).returning();
    plan.toInsert.forEach((p, j) => (plan.datasetIdOf[p.index] = inserted[j].id));
    plan.insertedIds.push(...inserted.map((r) => r.id));
    for (const row of inserted) changes.push(created(datasets, row));
  }
  const ids = plan.datasetIdOf;
  for (let i = 0; i < ids.length; i++) if (ids[i]?.startsWith('pending:')) ids[i] = ids[Number(ids[i].slice(8))];
  if (!plan.updates.size) return changes;
  const updatedIds = [...plan.updates.keys()];
  const before = new Map((await tx.select().from(datasets).where(inArray(datasets.id, updatedIds))).map((r) => [r.id, r]));
  const v = valuesOf(
    {
      id: datasets.id,
      default_dataset: datasets.default_dataset,
      qc: datasets.qc,
      created_by: datasets.created_by,
      version: datasets.version,
      hash: datasets.hash,
      file_size: datasets.file_size,
    },
    [...plan.updates.values()],
  );
  // a blank version or hash, or no size, keeps the stored one
  await tx
    .update(datasets)
    .set({
      default_dataset: v.ref('default_dataset'),
      qc: v.ref('qc'),
      created_by: v.ref('created_by'),
      version: sql`case when ${v.ref('version')} <> '' then ${v.ref('version')} else ${datasets.version} end`,
      hash: sql`case when ${v.ref('hash')} <> '' then ${v.ref('hash')} else ${datasets.hash} end`,
      file_size: sql`coalesce(${v.ref('file_size')}, ${datasets.file_size})`,
      auto_datetime: now,
    })
    .from(v.list)
    .where(eq(datasets.id, v.ref('id')));
  for (const row of await tx.select().from(datasets).where(inArray(datasets.id, updatedIds))) {
    const old = before.get(row.id);
    // auto_datetime is the bookkeeping of every write: not a change of its own
    if (old) changes.push(updated(datasets, { ...old, auto_datetime: row.auto_datetime }, row));
  }
  return changes;
}

/**
 * A record per file and repository: one select, one insert of the missing ones, one update
 * resetting those of patched datasets. A path recorded for another dataset is refused.
 */
async function writeFileRecords(tx: Tx, input: Input, relPaths: string[], plan: DatasetPlan): Promise<void> {
  const repoIds = input.repos.map((r) => r.id);
  if (!repoIds.length) return;
  const repoName = new Map(input.repos.map((r) => [r.id, r.name]));
  const current = await tx
    .select({ id: fileRecords.id, dataset: fileRecords.dataset, repo: fileRecords.data_repository, path: fileRecords.relative_path })
    .from(fileRecords)
    .where(and(inArray(fileRecords.data_repository, repoIds), inArray(fileRecords.relative_path, [...new Set(relPaths)])));
  const currentBy = new Map(current.map((c) => [`${c.repo}\u0000${c.path}`, c]));
  const newRecords: Array<typeof fileRecords.$inferInsert> = [];
  const resetRecords = new Map<string, Record<string, unknown>>();
  const planned = new Set<string>();
  input.files.forEach((_f, i) => {
    for (const repoId of repoIds) {
      const key = `${repoId}\u0000${relPaths[i]}`;
      const cur = currentBy.get(key);
      if (cur && cur.dataset !== plan.datasetIdOf[i]) {
        throw badRequest(`A file record for "${relPaths[i]}" already exists on repository "${repoName.get(repoId)}" for a different dataset.`);
      }
      if (cur) {
        if (plan.patched[i]) resetRecords.set(cur.id, { id: cur.id, exists: input.existsIn(repoId) });
      } else if (!planned.has(key)) {
        planned.add(key);
        newRecords.push({ dataset: plan.datasetIdOf[i], data_repository: repoId, relative_path: relPaths[i], exists: input.existsIn(repoId) });
      }
    }
  });
  if (newRecords.length) await tx.insert(fileRecords).values(newRecords);
  if (resetRecords.size) {
    const v = valuesOf({ id: fileRecords.id, exists: fileRecords.exists }, [...resetRecords.values()]);
    await tx
      .update(fileRecords)
      .set({ exists: v.ref('exists'), json: null })
      .from(v.list)
      .where(eq(fileRecords.id, v.ref('id')));
  }
}

/** POST /register-file */
export async function registerFiles(ctx: RequestContext, body: Body): Promise<unknown[]> {
  // The reads that resolve the request run before the transaction, and the answer's reads after
  // it: on the embedded database an open transaction holds the database for its whole length, and
  // each of its statements is a round trip between threads (bench/RESULTS.md, session 8).
  const input = await prepare(ctx, body, 'register');
  const { files, target } = input;
  // A bad file or an unknown type is reported after the protection check, as when all ran in order
  const kinds = files.length ? await settle(async () => (validateFiles(input), resolveTypesAndFormats(ctx.db, files))) : null;
  const now = nowInZone(ctx.config.timeZone);
  const ids = await ctx.services.db.transaction(async (tx) => {
    if (input.checkProtected) {
      const refusal = protectedRefusal(await protectionInfo(tx, target, files));
      if (refusal) throw refusal;
    }
    if (target.session) await linkSession(tx, target.session, input.user.id);
    if (!kinds) return [];
    return writeRegistration(tx, input, kinds.get(), now, actorOf(ctx));
  });
  return ids.length ? describe(ctx.services.db, input, ids) : [];
}

/** The value of `run`, or its error to be thrown later, where it would have been thrown in order. */
async function settle<T>(run: () => Promise<T>): Promise<{ get(): T }> {
  try {
    const value = await run();
    return { get: () => value };
  } catch (e) {
    return {
      get: () => {
        throw e;
      },
    };
  }
}

/**
 * Step 4 for checked input whose types and formats are resolved: revisions, default flags,
 * datasets and file records; the dataset id of each file. Also the repository scanner's write.
 */
export async function writeRegistration(tx: Tx, input: RegistrationInput, kinds: FileKinds, now: string, actor: AuditActor): Promise<string[]> {
  const { files, target } = input;
  const relPaths = files.map((f) => relativePathOf(f));
  const revIds = await revisionIds(tx, files, now);
  const existingBy = await existingDatasets(tx, target, files);
  const keys = files.map((f, i) => identity(f.collection, f.filename, kinds[i].type.id, kinds[i].format.id, f.revision ? revIds.get(f.revision)! : null));
  await refuseProtected(tx, existingBy, keys);
  if (input.isDefault && existingBy.size) {
    // default flag: all revisions of the same name lose it (those are among the rows existingDatasets
    // just read, under the same condition: none read, none to update)
    await tx
      .update(datasets)
      .set({ default_dataset: false, auto_datetime: now })
      .where(and(sql`${datasets.default_dataset}`, sameTargetAndName(target, files)));
  }
  const plan = planDatasets(input, kinds, revIds, existingBy, keys, now);
  const changes = await writeDatasets(tx, plan, now);
  await writeFileRecords(tx, input, relPaths, plan);
  await datasetsSaved(tx, plan.datasetIdOf, new Set(plan.insertedIds));
  // one INSERT for the audit entries of every dataset of the request
  await recordAudit(tx, actor, changes);
  return plan.datasetIdOf;
}

// ---------------------------------------------------------------------------------------------
// Step 5: describe what was registered

/** The session's number, start time and users (sorted by username), or the aggregate's object. */
async function targetPart(db: Queryable, target: Target): Promise<Record<string, unknown>> {
  if (!target.session) return { content_type: target.contentType, object_id: target.objectId };
  const s = target.session;
  // one statement: the session's number, start time and users
  const [info] = await db
    .select({
      number: sessions.number,
      start_time: sessions.start_time,
      users: scalar<string | null>(sql`select string_agg(${users.username}, ',' order by ${users.username}) from ${sessionUsers}
        join ${users} on ${users.id} = ${sessionUsers.labmember} where ${sessionUsers.owner} = ${sessions.id}`),
    })
    .from(sessions)
    .where(eq(sessions.id, s.id));
  return {
    session: s.id,
    session_number: info?.number ?? null,
    session_users: info?.users ?? '',
    session_start_time: formatDateTime(info?.start_time ?? null),
  };
}

/** The response objects (upstream's _make_dataset_response), loaded with a constant number of queries. */
async function describe(db: Queryable, input: Input, ids: string[]): Promise<unknown[]> {
  const uniq = [...new Set(ids)];
  const rows = await selectDatasetRows(db, registeredDataset.keys, inArray(datasets.id, uniq));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const records = await loadFileRecords(db, uniq);
  const target = await targetPart(db, input.target);
  const subject = input.target.session ? input.target.session.subject : input.target.objectNickname;
  return ids.map((id) => registeredDataset.render(byId.get(id)!, { subject, target, records }));
}
