// Custom data endpoints: /register-file, /check-protected, /new-download, /sync-file-status, the
// ONE cache tables (/cache.zip, /cache/info/), /uploaded/<path> and the repository file server.
import { actorOf, modelLabel, recordAudit } from '../audit/record.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifySchema, FastifyInstance, FastifyRequest } from 'fastify';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Services } from '../app.ts';
import { baseUrlOf, contextOf, type RequestContext } from '../../rest/context.ts';
import { ApiError, badRequest } from '../../rest/errors.ts';
import { normalizeUuid, nowInZone } from '../../rest/values.ts';
import { projects } from '../subjects/tables.ts';
import { listish } from './alf.ts';
import { buildCacheTables, cacheDir, type CacheInfo } from './cache-tables.ts';
import { checkFiles, FileCheckError } from './file-check.ts';
import { checkProtected, registerFiles } from './registration.ts';
import { repositoryListeners } from './resources.ts';
import { fileServer, safeJoin, sendFile } from './serve-files.ts';
import { hasServerRecord } from './file-records.ts';
import { dataRepositories, datasets, downloadProjects, downloads, fileRecords, tags } from './tables.ts';
import { scanRoutes } from './scan/routes.ts';
import { dashboardRoutes } from './dashboard.ts';

/** The cache tables live under <data dir>/cache-tables (one sub-directory per tag). */
export const tablesRoot = (services: Services) => path.join(services.config.dataDir, 'cache-tables');

const building = new Map<string, Promise<CacheInfo>>();

/** Builds (once at a time per tag) the cache tables. */
export function buildCache(services: Services, tag: string | null = null): Promise<CacheInfo> {
  const key = tag ?? '';
  let p = building.get(key);
  if (!p) {
    p = buildCacheTables(services.db, {
      destination: cacheDir(tablesRoot(services), tag),
      origin: services.config.labName,
      timeZone: services.config.timeZone,
      tags: tag ? [tag] : undefined,
    }).finally(() => building.delete(key));
    building.set(key, p);
  }
  return p;
}

/** Reads the request body of a GET (ONE sends /check-protected's parameters as a JSON body). */
async function rawJsonBody(request: FastifyRequest): Promise<Record<string, unknown> | null> {
  if (request.body && typeof request.body === 'object') return request.body as Record<string, unknown>;
  const chunks: Buffer[] = [];
  for await (const c of request.raw) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    /* fall through */
  }
  throw badRequest('JSON parse error - the request body must be a JSON object.');
}

function queryObject(request: FastifyRequest): Record<string, unknown> {
  const q = new URLSearchParams((request.raw.url ?? '').split('?')[1] ?? '');
  const out: Record<string, unknown> = {};
  for (const k of new Set(q.keys())) out[k] = q.getAll(k).length > 1 ? q.getAll(k) : q.get(k);
  return out;
}

async function tagExists(services: Services, tag: string): Promise<boolean> {
  const rows = await services.db.select({ id: tags.id }).from(tags).where(eq(tags.name, tag)).limit(1);
  return rows.length > 0;
}

/** POST /new-download: counts one download per dataset id given (repeats count again), with projects. */
async function countDownloads(services: Services, ctx: RequestContext, body: Record<string, unknown>) {
  const rawIds = (listish(body.datasets) ?? []).map((v) => String(v).trim()).filter(Boolean);
  if (!rawIds.length) throw new ApiError(400, { datasets: ['This field is required.'] });
  const ids = rawIds.map((v) => {
    const id = normalizeUuid(v);
    if (!id) throw new ApiError(400, { datasets: [`“${v}” is not a valid UUID.`] });
    return id;
  });
  const projectNames = [...new Set((listish(body.projects) ?? []).map((v) => String(v).trim()).filter(Boolean))];
  return services.db.transaction(async (tx) => {
    const uniq = [...new Set(ids)];
    const found = await tx.select({ id: datasets.id }).from(datasets).where(inArray(datasets.id, uniq));
    if (found.length !== uniq.length) {
      const missing = uniq.filter((u) => !found.some((f) => f.id === u));
      throw new ApiError(400, { datasets: [`Dataset(s) ${missing.join(', ')} do not exist.`] });
    }
    const proj = projectNames.length ? await tx.select({ id: projects.id, name: projects.name }).from(projects).where(inArray(projects.name, projectNames)) : [];
    if (proj.length !== projectNames.length) {
      const missing = projectNames.filter((n) => !proj.some((p) => p.name === n));
      throw new ApiError(400, { projects: [`Project(s) ${missing.join(', ')} do not exist.`] });
    }
    const times = new Map<string, number>();
    for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
    const now = nowInZone(ctx.config.timeZone);
    const rows = await tx
      .insert(downloads)
      .values(uniq.map((id) => ({ user: ctx.user!.id, dataset: id, count: times.get(id)!, first_download: now, last_download: now })))
      .onConflictDoUpdate({
        target: [downloads.user, downloads.dataset],
        set: { count: sql`${downloads.count} + excluded.count`, last_download: now },
      })
      .returning({ id: downloads.id, dataset: downloads.dataset, count: downloads.count, inserted: sql<boolean>`(xmax = 0)` });
    await recordAudit(
      tx,
      actorOf(ctx),
      rows.map((r) => ({
        action: r.inserted ? ('create' as const) : ('update' as const),
        model: modelLabel(downloads),
        objectId: r.id,
        repr: r.dataset,
        changes: r.inserted ? { dataset: r.dataset, count: r.count } : { count: [r.count - times.get(r.dataset)!, r.count] },
      })),
    );
    if (proj.length) {
      await tx
        .insert(downloadProjects)
        .values(rows.flatMap((r) => proj.map((p) => ({ download: r.id, project: p.id }))))
        .onConflictDoNothing();
    }
    const byDataset = new Map(rows.map((r) => [r.dataset, r]));
    return { download: ids.map((id) => byDataset.get(id)!.id), count: ids.map((id) => byDataset.get(id)!.count) };
  });
}

export async function dataRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const files = fileServer(services);
  repositoryListeners.push(() => files.invalidate());
  dashboardRoutes(app, services);
  app.addHook('onRequest', async (request, reply) => {
    const handled = await files.hook(request, reply);
    if (handled) return reply;
  });

  // `schema` here only documents these routes in /api/schema (ONE lists endpoints from it);
  // the handlers validate their input themselves (docBody is not validated by Fastify).
  const doc = (description: string, docBody?: Record<string, unknown>) => ({
    schema: { description, ...(docBody ? { docBody } : {}) } as FastifySchema,
  });
  const str = { type: 'string' };
  const strList = { type: 'array', items: str };
  app.post(
    '/register-file',
    doc('Registers files of a session folder (or an aggregate) as datasets with file records; one object per file name.', {
      type: 'object',
      properties: {
        created_by: str, path: str, filenames: strList, hashes: strList, filesizes: { type: 'array', items: { type: 'integer' } },
        versions: strList, name: str, hostname: str, labs: str, projects: str, server_only: { type: 'boolean' },
        exists: { type: 'boolean' }, default: { type: 'boolean' }, check_protected: { type: 'boolean' }, qc: strList,
        content_type: str, object_id: str,
      },
      required: ['path', 'filenames'],
    }),
    async (request, reply) => {
      const out = await registerFiles(contextOf(request, services), (request.body ?? {}) as Record<string, unknown>);
      return reply.code(201).send(out);
    },
  );

  app.get('/check-protected', doc('Tells whether any of the given files (JSON body: created_by, path, filenames) belongs to a protected dataset.'), async (request) => {
    const body = (await rawJsonBody(request)) ?? queryObject(request);
    return checkProtected(contextOf(request, services), body);
  });

  app.post('/new-download', doc('Counts downloads of datasets by the requesting user.', { type: 'object', properties: { datasets: strList, projects: strList }, required: ['datasets'] }), async (request, reply) => {
    const out = await countDownloads(services, contextOf(request, services), (request.body ?? {}) as Record<string, unknown>);
    // answer once committed, so that the client's next request sees the counts
    return reply.code(201).send(out);
  });

  // Upstream's Globus maintenance hook. GET lists what a sync would look at; POST checks the
  // repositories that have a local directory (see `alyx files check`).
  app.get('/sync-file-status', doc('Relative paths of file records a file-status sync would look at.'), async () => {
    // records of datasets missing from a flatiron server repository: those on personal
    // repositories, or marked as waiting for a transfer
    const transferPending = sql`(${fileRecords.json} is not null and jsonb_typeof(${fileRecords.json}) = 'object' and ${fileRecords.json} ? 'transfer_pending')`;
    const rows = await services.db
      .selectDistinct({ relative_path: fileRecords.relative_path })
      .from(fileRecords)
      .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
      .where(
        and(
          hasServerRecord(fileRecords.dataset, false, sql`${dataRepositories.name} ilike '%flatiron%'`),
          or(eq(dataRepositories.globus_is_personal, true), transferPending),
        ),
      )
      .orderBy(asc(fileRecords.relative_path));
    return rows.map((r) => r.relative_path);
  });
  app.post('/sync-file-status', doc('Checks which file records exist on the repositories served from a local directory.', { type: 'object', properties: {} }), async (_request, reply) => {
    try {
      await services.db.transaction((tx) => checkFiles(tx, services.config));
    } catch (e) {
      // a repository directory missing or empty (share not mounted): nothing was changed
      if (e instanceof FileCheckError) throw new ApiError(409, { detail: e.message });
      throw e;
    }
    return reply.type('application/json; charset=utf-8').send(JSON.stringify('ok'));
  });

  cacheRoutes(app, services, doc);
  await scanRoutes(app, services);
}

/** The ONE cache tables: /cache/info/[<tag>/] and /cache.zip[?tag=], built on first request. */
function cacheRoutes(app: FastifyInstance, services: Services, doc: (description: string) => { schema: FastifySchema }): void {
  const info = async (tag: string | null, request: FastifyRequest) => {
    const dir = cacheDir(tablesRoot(services), tag);
    const file = path.join(dir, 'cache_info.json');
    if (!fs.existsSync(file)) await buildCache(services, tag);
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (tag && !content.location) content.location = `${baseUrlOf(request)}/cache.zip?tag=${encodeURIComponent(tag)}`;
    return content;
  };
  const tagInfo = async (request: FastifyRequest<{ Params: { tag: string } }>, reply: import('fastify').FastifyReply) => {
    const tag = request.params.tag;
    if (!/^\w+$/.test(tag) || !(await tagExists(services, tag))) {
      return reply.code(404).type('text/html; charset=utf-8').send('Tag matching query does not exist.');
    }
    return info(tag, request);
  };
  app.get('/cache/info/', doc('Metadata of the ONE cache tables (cache_info.json).'), async (request) => info(null, request));
  app.get('/cache/info', async (request) => info(null, request));
  app.get('/cache/info/:tag/', doc('Metadata of the ONE cache tables of a tag.'), tagInfo);
  app.get('/cache/info/:tag', tagInfo);
  app.get('/cache.zip', doc('The ONE cache tables (sessions.pqt, datasets.pqt, cache_info.json) as a zip.'), async (request, reply) => {
    const tag = new URLSearchParams((request.raw.url ?? '').split('?')[1] ?? '').get('tag');
    if (tag && (!/^\w+$/.test(tag) || !(await tagExists(services, tag)))) {
      return reply.code(404).type('text/html; charset=utf-8').send('Tag matching query does not exist.');
    }
    const file = path.join(cacheDir(tablesRoot(services), tag), 'cache.zip');
    if (!fs.existsSync(file)) await buildCache(services, tag);
    const stat = fs.statSync(file);
    reply.header('content-disposition', 'attachment; filename="cache.zip"');
    return sendFile(request, reply, file, stat, 'application/zip');
  });
}
