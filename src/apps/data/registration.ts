// POST /register-file and GET /check-protected (spec-data §3.10, §3.11). The whole request runs in
// one transaction with a constant number of queries whatever the number of files: every lookup
// and write is batched. Deliberate differences from upstream: authentication is required; an
// unknown dataset type or data format, a per-file list shorter than `filenames`, an unknown user
// and malformed sizes are 400s naming the culprit; refusals happen before anything is written.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { getTableColumns, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { modelByContentType, contentTypeLabel } from '../../db/models.ts';
import type { Queryable, Tx } from '../../db/client.ts';
import { ApiError, badRequest } from '../../rest/errors.ts';
import type { RequestContext } from '../../rest/context.ts';
import { formatDateTime, normalizeUuid, nowInZone } from '../../rest/values.ts';
import { labs, users } from '../misc/tables.ts';
import { sessions } from '../actions/tables.ts';
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
import { errorKey, findSession } from './logic.ts';
import { dataFormats, dataRepositories, datasetTags, datasetTypes, datasets, fileRecords, labRepositories, revisions, tags } from './tables.ts';
import { pushTo } from '../../rest/group.ts';

type Body = Record<string, unknown>;

const PROTECTED_ERROR = 'One or more datasets is protected';
const FILE_PATH_RE = /^[a-zA-Z0-9_][^\\:]+$/;

function str(body: Body, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : null;
  return String(v);
}

interface Target {
  /** session mode */
  session: { id: string; subject: string; subjectId: string; lab: string | null } | null;
  /** aggregate mode */
  contentType: string | null;
  objectId: string | null;
  objectNickname: string | null;
}

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

function parseFiles(target: 'session' | 'aggregate', path: string, names: string[]): ParsedFile[] {
  return names.map((fn) => {
    const r = target === 'session' ? parseSessionFile(path, fn) : parseAggregateFile(path, fn);
    if (!r.ok) throw badRequest(r.error);
    return r.file;
  });
}

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

/** For each file: [{revision name or '': protected}] over all revisions, latest revision first. */
async function protectionInfo(db: Queryable, target: Target, files: ParsedFile[]): Promise<Array<Record<string, Array<Record<string, boolean>>>>> {
  if (files.length === 0) return [];
  const rows = await db
    .select({
      collection: datasets.collection,
      name: datasets.name,
      revision: revisions.name,
      prot: sql<boolean>`exists (select 1 from ${datasetTags} dt join ${tags} t on t.id = dt.tag_id where dt.dataset_id = ${datasets.id} and t.protected)`,
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

interface Input {
  user: { id: string; username: string };
  path: string;
  repo: { id: string; name: string } | null;
  target: Target;
  files: ParsedFile[];
  hashes: unknown[] | null;
  sizes: Array<number | null> | null;
  versions: unknown[] | null;
  qcs: number[];
  repos: Array<{ id: string; name: string }>;
  existsIn: (repoId: string) => boolean;
  isDefault: boolean;
  checkProtected: boolean;
}

/** Parses and resolves everything that does not write (session users aside, as upstream). */
async function prepare(ctx: RequestContext, body: Body, forCheckOnly = false): Promise<Input> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Expected a JSON object or form fields.');
  const user = await resolveUser(ctx, body);
  const rawPath = str(body, 'path');
  if (!rawPath) throw badRequest('The path argument is required.');
  const path = forCheckOnly ? rawPath.replace(/\\/g, '/').replace(/\/\//g, '/') : normalizePath(rawPath);
  const repo = forCheckOnly ? null : await resolveRepository(ctx.db, body);
  const aggregate = await resolveAggregate(ctx.db, body);
  const names = (listish(body.filenames) ?? []).map((v) => String(v ?? '').trim()).filter((v) => v !== '');

  let target: Target;
  let files: ParsedFile[];
  let labIds: string[] = [];
  if (aggregate) {
    if (!repo && !forCheckOnly) throw badRequest('A valid repository name or hostname must be provided for non-session datasets.');
    target = { session: null, contentType: aggregate.contentType, objectId: aggregate.objectId, objectNickname: aggregate.nickname };
    files = parseFiles('aggregate', normalizePath(path), names);
  } else {
    // a `<lab>/Subjects/` prefix (a lab's folder layout) is accepted and names the lab
    const labPrefix = /^([\p{L}\p{N}_]+)\/Subjects\/(.*)$/u.exec(normalizePath(path));
    const sessionPath = labPrefix ? labPrefix[2] : normalizePath(path);
    const sp = parseSessionPath(sessionPath);
    if (!sp) throw errorKey(400, `The path ${path} should be \`nickname/YYYY-MM-DD/n/...`);
    const session = await findSession(ctx.db, sp.subject, sp.date, Number(sp.number), user.id, (m) => errorKey(400, m));
    target = { session, contentType: null, objectId: null, objectNickname: null };
    files = parseFiles('session', sessionPath, names);
    let labNames = [...(listish(body.labs) ?? []), ...(listish(body.projects) ?? [])].map((v) => String(v ?? '').trim()).filter(Boolean);
    if (!labNames.length && labPrefix) labNames = [labPrefix[1]];
    if (labNames.length) {
      const found = await ctx.db.select({ id: labs.id }).from(labs).where(inArray(labs.name, [...new Set(labNames)]));
      if (found.length !== new Set(labNames).size) throw badRequest('One or more of the specified labs do not exist.');
      labIds = found.map((f) => f.id);
    } else if (session.lab) labIds = [session.lab];
  }
  const n = files.length;
  const serverOnly = stringBool(body.server_only, false);
  const exists = stringBool(body.exists, true);

  let repos: Array<{ id: string; name: string }> = [];
  if (!forCheckOnly) {
    if (target.session && labIds.length) {
      repos = await ctx.db
        .selectDistinct({ id: dataRepositories.id, name: dataRepositories.name })
        .from(labRepositories)
        .innerJoin(dataRepositories, eq(dataRepositories.id, labRepositories.datarepository))
        .where(and(inArray(labRepositories.lab, labIds), serverOnly ? eq(dataRepositories.globus_is_personal, false) : undefined))
        .orderBy(asc(dataRepositories.name));
    }
    if (repo && !repos.some((r) => r.id === repo.id)) repos.push(repo);
  }
  const existsIn = (repoId: string) => exists && (serverOnly || repoId === repo?.id);

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
  return {
    user,
    path,
    repo,
    target,
    files,
    hashes,
    sizes,
    versions,
    qcs,
    repos,
    existsIn,
    isDefault: stringBool(body.default, true),
    checkProtected: stringBool(body.check_protected, false),
  };
}

function protectedRefusal(details: Array<Record<string, Array<Record<string, boolean>>>>): ApiError | null {
  const any = details.some((d) => Object.values(d)[0].some((info) => Object.values(info)[0]));
  return any ? new ApiError(403, { error: PROTECTED_ERROR, details }) : null;
}

/** GET /check-protected */
export async function checkProtected(ctx: RequestContext, body: Body): Promise<Record<string, unknown>> {
  return ctx.services.db.transaction(async (tx) => {
    const tctx = { ...ctx, db: tx };
    const input = await prepare(tctx, body, true);
    const details = await protectionInfo(tx, input.target, input.files);
    const refusal = protectedRefusal(details);
    if (refusal) return { status_code: 403, error: PROTECTED_ERROR, details };
    return { status_code: 200, details: 'None of the datasets are protected' };
  });
}

type Values = Array<Record<string, unknown>>;

/** `update <table> set ... from (values ...) v(...) where <table>.id = v.id`, in one statement. */
async function bulkUpdate(tx: Tx, table: string, columns: Array<[string, string]>, rows: Values, set: string): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map((r) => sql`(${sql.join(columns.map(([name, type]) => sql`${r[name] ?? null}::${sql.raw(type)}`), sql`, `)})`),
    sql`, `,
  );
  await tx.execute(
    sql`update ${sql.raw(table)} as t set ${sql.raw(set)} from (values ${values}) as v(${sql.raw(columns.map(([n]) => n).join(', '))}) where t.id = v.id`,
  );
}

/** POST /register-file */
export async function registerFiles(ctx: RequestContext, body: Body): Promise<unknown[]> {
  return ctx.services.db.transaction(async (tx) => {
    const tctx = { ...ctx, db: tx };
    const input = await prepare(tctx, body);
    const { files, target } = input;
    const now = nowInZone(ctx.config.timeZone);

    if (input.checkProtected) {
      const refusal = protectedRefusal(await protectionInfo(tx, target, files));
      if (refusal) throw refusal;
    }
    if (files.length === 0) return [];

    // validate everything before writing
    const relPaths = files.map((f) => relativePathOf(f));
    files.forEach((f, i) => {
      const hash = input.hashes?.[i];
      if (hash !== null && hash !== undefined && String(hash).length > 64) {
        throw badRequest(`Invalid dataset "${relPaths[i]}": {'hash': ['Ensure this value has at most 64 characters (it has ${String(hash).length}).']}`);
      }
      const version = input.versions?.[i];
      if (version !== null && version !== undefined && String(version).length > 64) {
        throw badRequest(`Invalid dataset "${relPaths[i]}": {'version': ['Ensure this value has at most 64 characters (it has ${String(version).length}).']}`);
      }
      if (f.filename.length > 255) throw badRequest(`Invalid dataset "${relPaths[i]}": {'name': ['Ensure this value has at most 255 characters.']}`);
      if (!FILE_PATH_RE.test(relPaths[i]) || relPaths[i].length > 1000) {
        throw badRequest(`Invalid file record "${relPaths[i]}": {'relative_path': ['Invalid path']}`);
      }
    });

    // dataset types and formats: two queries, matched in memory
    const types = await tx.select({ id: datasetTypes.id, name: datasetTypes.name, filename_pattern: datasetTypes.filename_pattern }).from(datasetTypes);
    const formats = await tx.select({ id: dataFormats.id, name: dataFormats.name, ext: dataFormats.file_extension }).from(dataFormats).orderBy(asc(dataFormats.name));
    const compiled = new Map<string, RegExp>();
    const resolved = files.map((f) => {
      const m = matchDatasetType(f.filename, types, compiled);
      if (!m.ok) throw badRequest(m.error);
      const ext = lastExtension(f.filename);
      const format = formats.find((x) => x.ext === ext);
      if (!format) throw badRequest(`No data format with file extension "${ext}" exists (file "${f.given}").`);
      return { type: m.type, format };
    });

    // revisions: get-or-create in one insert and one select
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

    // existing datasets with the same identity
    const existing = await tx
      .select({
        id: datasets.id,
        collection: datasets.collection,
        name: datasets.name,
        dataset_type: datasets.dataset_type,
        data_format: datasets.data_format,
        revision: datasets.revision,
        hash: datasets.hash,
      })
      .from(datasets)
      .where(sameTargetAndName(target, files));
    const identity = (c: string, n: string, t: string, fmt: string, rev: string | null) => JSON.stringify([c, n, t, fmt, rev]);
    const existingBy = new Map(existing.map((e) => [identity(e.collection, e.name, e.dataset_type, e.data_format, e.revision), e]));
    const keys = files.map((f, i) => identity(f.collection, f.filename, resolved[i].type.id, resolved[i].format.id, f.revision ? revIds.get(f.revision)! : null));

    // protected datasets can't be re-registered: refuse before writing anything
    const existingIds = [...new Set(keys.map((k) => existingBy.get(k)?.id).filter((v): v is string => !!v))];
    if (existingIds.length) {
      const prot = await tx
        .selectDistinct({ id: datasetTags.dataset })
        .from(datasetTags)
        .innerJoin(tags, eq(tags.id, datasetTags.tag))
        .where(and(inArray(datasetTags.dataset, existingIds), eq(tags.protected, true)));
      if (prot.length) {
        const first = keys.map((k) => existingBy.get(k)?.id).find((id) => prot.some((p) => p.id === id));
        throw new ApiError(403, { detail: `Dataset ${first} is protected, cannot patch` });
      }
    }

    // default flag: all revisions of the same name lose it
    if (input.isDefault) {
      await tx
        .update(datasets)
        .set({ default_dataset: false, auto_datetime: now })
        .where(and(sql`${datasets.default_dataset}`, sameTargetAndName(target, files)));
    }

    // create the new datasets (one insert), update the existing ones (one statement)
    // within one request the last file of a (collection, name) is the default one, as if registered in turn
    const lastOfName = new Map<string, number>();
    files.forEach((f, i) => lastOfName.set(JSON.stringify([f.collection, f.filename]), i));
    const isDefault = (i: number) => input.isDefault && lastOfName.get(JSON.stringify([files[i].collection, files[i].filename])) === i;
    const datasetIdOf = new Array<string>(files.length);
    const patched = new Array<boolean>(files.length);
    const toInsert: Array<{ index: number; values: typeof datasets.$inferInsert }> = [];
    const updates = new Map<string, Record<string, unknown>>();
    files.forEach((f, i) => {
      const hash = input.hashes?.[i] == null ? '' : String(input.hashes![i]);
      const version = input.versions?.[i] == null ? '' : String(input.versions![i]);
      const size = input.sizes?.[i] ?? null;
      const ex = existingBy.get(keys[i]);
      if (ex) {
        datasetIdOf[i] = ex.id;
        patched[i] = !(hash !== '' && ex.hash !== '' && ex.hash === hash);
        updates.set(ex.id, { id: ex.id, def: isDefault(i), qc: input.qcs[i], cb: input.user.id, version, hash, fs: size });
        if (hash !== '') ex.hash = hash;
      } else {
        const pending = toInsert.find((p) => identity(p.values.collection!, p.values.name!, p.values.dataset_type, p.values.data_format, p.values.revision ?? null) === keys[i]);
        if (pending) {
          // the same file twice in one request: the second one updates the first
          pending.values.hash = hash || pending.values.hash;
          pending.values.version = version || pending.values.version;
          if (size !== null) pending.values.file_size = size;
          pending.values.default_dataset = isDefault(i);
          patched[i] = true;
          datasetIdOf[i] = `pending:${pending.index}`;
          return;
        }
        patched[i] = true;
        toInsert.push({
          index: i,
          values: {
            name: f.filename,
            session: target.session?.id ?? null,
            content_type: target.contentType,
            object_id: target.objectId,
            collection: f.collection,
            dataset_type: resolved[i].type.id,
            data_format: resolved[i].format.id,
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
      }
    });
    if (toInsert.length) {
      const inserted = await tx.insert(datasets).values(toInsert.map((p) => p.values)).returning({ id: datasets.id });
      toInsert.forEach((p, j) => (datasetIdOf[p.index] = inserted[j].id));
    }
    for (let i = 0; i < files.length; i++) {
      if (datasetIdOf[i]?.startsWith('pending:')) datasetIdOf[i] = datasetIdOf[Number(datasetIdOf[i].slice(8))];
    }
    await bulkUpdate(
      tx,
      'data_dataset',
      [
        ['id', 'uuid'],
        ['def', 'boolean'],
        ['qc', 'integer'],
        ['cb', 'uuid'],
        ['version', 'text'],
        ['hash', 'text'],
        ['fs', 'bigint'],
      ],
      [...updates.values()],
      `default_dataset = v.def, qc = v.qc, created_by_id = v.cb,
       version = case when v.version <> '' then v.version else t.version end,
       hash = case when v.hash <> '' then v.hash else t.hash end,
       file_size = coalesce(v.fs, t.file_size), auto_datetime = '${now}'::timestamp`,
    );

    // file records: one select, one insert, one update
    const repoIds = input.repos.map((r) => r.id);
    const repoName = new Map(input.repos.map((r) => [r.id, r.name]));
    if (repoIds.length) {
      const current = await tx
        .select({ id: fileRecords.id, dataset: fileRecords.dataset, repo: fileRecords.data_repository, path: fileRecords.relative_path })
        .from(fileRecords)
        .where(and(inArray(fileRecords.data_repository, repoIds), inArray(fileRecords.relative_path, [...new Set(relPaths)])));
      const currentBy = new Map(current.map((c) => [`${c.repo}\u0000${c.path}`, c]));
      const newRecords: Array<typeof fileRecords.$inferInsert> = [];
      const resetRecords = new Map<string, Record<string, unknown>>();
      const planned = new Set<string>();
      files.forEach((_f, i) => {
        for (const repoId of repoIds) {
          const key = `${repoId}\u0000${relPaths[i]}`;
          const cur = currentBy.get(key);
          if (cur && cur.dataset !== datasetIdOf[i]) {
            throw badRequest(`A file record for "${relPaths[i]}" already exists on repository "${repoName.get(repoId)}" for a different dataset.`);
          }
          if (cur) {
            if (patched[i]) resetRecords.set(cur.id, { id: cur.id, ex: input.existsIn(repoId) });
          } else if (!planned.has(key)) {
            planned.add(key);
            newRecords.push({ dataset: datasetIdOf[i], data_repository: repoId, relative_path: relPaths[i], exists: input.existsIn(repoId) });
          }
        }
      });
      if (newRecords.length) await tx.insert(fileRecords).values(newRecords);
      await bulkUpdate(
        tx,
        'data_filerecord',
        [
          ['id', 'uuid'],
          ['ex', 'boolean'],
        ],
        [...resetRecords.values()],
        'exists = v.ex, json = null',
      );
    }

    return describe(tx, input, datasetIdOf);
  });
}

/** The response objects (upstream's _make_dataset_response), loaded with a constant number of queries. */
async function describe(tx: Tx, input: Input, ids: string[]): Promise<unknown[]> {
  const uniq = [...new Set(ids)];
  const rows = await tx
    .select({
      id: datasets.id,
      name: datasets.name,
      file_size: datasets.file_size,
      created_by: users.username,
      created_datetime: datasets.created_datetime,
      dataset_type: datasetTypes.name,
      data_format: dataFormats.name,
      collection: datasets.collection,
      revision: revisions.name,
      default_dataset: datasets.default_dataset,
      qc: datasets.qc,
    })
    .from(datasets)
    .innerJoin(datasetTypes, eq(datasetTypes.id, datasets.dataset_type))
    .innerJoin(dataFormats, eq(dataFormats.id, datasets.data_format))
    .leftJoin(users, eq(users.id, datasets.created_by))
    .leftJoin(revisions, eq(revisions.id, datasets.revision))
    .where(inArray(datasets.id, uniq));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const records = await tx
    .select({ id: fileRecords.id, dataset: fileRecords.dataset, repo: dataRepositories.name, relative_path: fileRecords.relative_path, exists: fileRecords.exists })
    .from(fileRecords)
    .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
    .where(inArray(fileRecords.dataset, uniq))
    .orderBy(asc(dataRepositories.name), asc(fileRecords.id));
  const recordsBy = new Map<string, unknown[]>();
  for (const r of records) {
    pushTo(recordsBy, r.dataset, { id: r.id, data_repository: r.repo, relative_path: r.relative_path, exists: r.exists });
  }
  let sessionPart: Record<string, unknown> = {};
  let subject: string | null = input.target.objectNickname;
  if (input.target.session) {
    const s = input.target.session;
    // one statement: the session's number, start time and users (sorted by username)
    const [info] = await tx
      .select({
        number: sessions.number,
        start_time: sessions.start_time,
        users: sql<string | null>`(select string_agg(u.username, ',' order by u.username) from actions_session_users su join misc_labmember u on u.id = su.labmember_id where su.session_id = "actions_session"."id")`,
      })
      .from(sessions)
      .where(eq(sessions.id, s.id));
    subject = s.subject;
    sessionPart = {
      session: s.id,
      session_number: info?.number ?? null,
      session_users: info?.users ?? '',
      session_start_time: formatDateTime(info?.start_time ?? null),
    };
  } else {
    sessionPart = { content_type: input.target.contentType, object_id: input.target.objectId };
  }
  return ids.map((id) => {
    const r = byId.get(id)!;
    return {
      id: r.id,
      name: r.name,
      file_size: r.file_size,
      subject,
      created_by: r.created_by,
      created_datetime: formatDateTime(r.created_datetime),
      dataset_type: r.dataset_type,
      data_format: r.data_format,
      ...sessionPart,
      collection: r.collection,
      revision: r.revision ?? '',
      default: r.default_dataset,
      qc: r.qc,
      file_records: recordsBy.get(id) ?? [],
    };
  });
}

