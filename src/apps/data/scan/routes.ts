// GET /ingest/issues: what the repository scanner could not register (filterable, paginated like
// every list), and POST /ingest/issues/<id>/fix: the one-click fixes there are (create the
// missing subject, or a dataset type whose pattern matches the file); the next scan then
// registers the files and drops the issue.
import type { FastifyInstance, FastifySchema } from 'fastify';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Services } from '../../app.ts';
import { contextOf } from '../../../rest/context.ts';
import { ApiError, badRequest, notFound, validationError } from '../../../rest/errors.ts';
import { escapeLike } from '../../../rest/filters.ts';
import { envelope, paginationParams } from '../../../rest/pagination.ts';
import { absoluteUrl, queryOf } from '../../../rest/routes.ts';
import { formatDateTime, normalizeUuid, nowInZone } from '../../../rest/values.ts';
import { labs } from '../../misc/tables.ts';
import { subjectResource } from '../../subjects/resources.ts';
import { matchDatasetType } from '../alf.ts';
import { datasetTypeResource } from '../resources.ts';
import { dataRepositories, datasetTypes, ingestIssues, labRepositories } from '../tables.ts';
import { REASONS } from './issues.ts';
import { scanRepositories, ScanError, type ScanSummary } from './scanner.ts';

/** The scan started from the web UI (POST /ingest/scan), and how the last one ended. */
const uiScan: { running: boolean; repository: string | null; started: string | null; summary: ScanSummary | null; error: string | null } = {
  running: false,
  repository: null,
  started: null,
  summary: null,
  error: null,
};

/** The fix an issue offers, if any. */
const FIXES: Partial<Record<string, string>> = { unknown_subject: 'create_subject', no_dataset_type: 'create_dataset_type' };

const issueColumns = {
  id: ingestIssues.id,
  data_repository: dataRepositories.name,
  relative_path: ingestIssues.relative_path,
  session_path: ingestIssues.session_path,
  reason: ingestIssues.reason,
  detail: ingestIssues.detail,
  info: ingestIssues.info,
  first_seen: ingestIssues.first_seen,
  last_seen: ingestIssues.last_seen,
};

type IssueRow = { [K in keyof typeof issueColumns]: unknown } & { reason: string };

const render = (r: IssueRow) => ({
  ...r,
  first_seen: formatDateTime(r.first_seen),
  last_seen: formatDateTime(r.last_seen),
  fix: FIXES[r.reason] ?? null,
});

async function issueWhere(services: Services, q: URLSearchParams): Promise<SQL | undefined> {
  const conds: SQL[] = [];
  const repo = q.get('repository') || q.get('data_repository');
  if (repo) {
    const [r] = await services.db.select({ id: dataRepositories.id }).from(dataRepositories).where(eq(dataRepositories.name, repo));
    if (!r) throw validationError({ repository: ['Select a valid choice. That choice is not one of the available choices.'] });
    conds.push(eq(ingestIssues.data_repository, r.id));
  }
  const reasons = (q.get('reason') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (reasons.length) {
    const bad = reasons.filter((r) => !(REASONS as readonly string[]).includes(r));
    if (bad.length) throw validationError({ reason: [`Unknown reason "${bad[0]}"; reasons are: ${REASONS.join(', ')}`] });
    conds.push(inArray(ingestIssues.reason, reasons));
  }
  const session = q.get('session_path') || q.get('session');
  if (session) conds.push(eq(ingestIssues.session_path, session.replace(/^\/+|\/+$/g, '')));
  const under = q.get('path');
  if (under) {
    const p = under.replace(/^\/+|\/+$/g, '');
    conds.push(sql`(${ingestIssues.relative_path} = ${p} or ${ingestIssues.relative_path} like ${escapeLike(p) + '/%'})`);
  }
  return conds.length ? and(...conds) : undefined;
}

export async function scanRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/ingest/scan',
    { schema: { description: 'State of the scan started with POST /ingest/scan: running, its repository, and the last summary or error.' } as FastifySchema },
    async () => ({ ...uiScan, repositories: Object.keys(services.config.repositoryDirs).sort() }),
  );

  app.post(
    '/ingest/scan',
    {
      schema: {
        description:
          'Starts a scan of one repository (body or query: repository) or of all that have a directory in the configuration, ' +
          'in the background (202); GET /ingest/scan tells when it has ended. 409 while a scan runs.',
      } as FastifySchema,
    },
    async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
      const raw = body.repository ?? queryOf(request).get('repository') ?? null;
      if (raw !== null && (typeof raw !== 'string' || !raw)) throw validationError({ repository: ['A repository name is required.'] });
      const repository = raw as string | null;
      if (repository && !services.config.repositoryDirs[repository]) {
        throw validationError({ repository: [`Repository "${repository}" has no directory in the configuration; known: ${Object.keys(services.config.repositoryDirs).sort().join(', ') || 'none'}.`] });
      }
      if (uiScan.running) throw new ApiError(409, { detail: 'A scan is already running; GET /ingest/scan says when it has ended.' });
      Object.assign(uiScan, { running: true, repository, started: nowInZone(services.config.timeZone), summary: null, error: null });
      // not awaited: a first scan of a share can take minutes
      void scanRepositories(services, repository ? { repository } : {})
        .then((summary) => Object.assign(uiScan, { summary }))
        .catch((e: unknown) => {
          if (!(e instanceof ScanError)) console.error('scan started from the web UI failed:', e);
          Object.assign(uiScan, { error: e instanceof ScanError ? e.message : 'the scan failed: see the server log' });
        })
        .finally(() => Object.assign(uiScan, { running: false }));
      reply.code(202);
      return { detail: `scan of ${repository ?? 'every configured repository'} started`, ...uiScan };
    },
  );

  app.get(
    '/ingest/issues',
    {
      schema: {
        description:
          'Files and folders the repository scanner (alyx files scan) could not register, with the reason. ' +
          `Filters: repository (name), reason (${REASONS.join(', ')}; comma-separated), session_path (subject/yyyy-mm-dd/nnn), path (a folder or file). Paginated.`,
      } as FastifySchema,
    },
    async (request) => {
      const q = queryOf(request);
      const { limit, offset } = paginationParams(q);
      const where = await issueWhere(services, q);
      const [{ count }] = await services.db
        .select({ count: sql<number>`count(*)::int` })
        .from(ingestIssues)
        .where(where);
      const rows = await services.db
        .select(issueColumns)
        .from(ingestIssues)
        .innerJoin(dataRepositories, eq(dataRepositories.id, ingestIssues.data_repository))
        .where(where)
        .orderBy(asc(dataRepositories.name), asc(ingestIssues.relative_path), asc(ingestIssues.reason))
        .limit(limit)
        .offset(offset);
      return envelope({ count: Number(count), limit, offset, results: rows.map((r) => render(r as IssueRow)) }, absoluteUrl(request));
    },
  );

  app.post(
    '/ingest/issues/:id/fix',
    {
      schema: {
        description:
          'One-click fix of an ingest issue: unknown_subject creates the subject (body: optional lab); no_dataset_type creates a dataset ' +
          'type matching the file (body: optional name, filename_pattern). The next scan registers the files.',
      } as FastifySchema,
    },
    async (request, reply) => {
      const id = normalizeUuid((request.params as { id: string }).id);
      const [issue] = id
        ? await services.db
            .select({ ...issueColumns, repoId: ingestIssues.data_repository })
            .from(ingestIssues)
            .innerJoin(dataRepositories, eq(dataRepositories.id, ingestIssues.data_repository))
            .where(eq(ingestIssues.id, id))
        : [];
      if (!issue) throw notFound('IngestIssue');
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
      const ctx = contextOf(request, services);
      const info = (issue.info ?? {}) as Record<string, unknown>;
      if (issue.reason === 'unknown_subject') {
        let lab = typeof body.lab === 'string' && body.lab ? body.lab : null;
        if (!lab) {
          // the repository's lab, else the lab of this installation
          const [l] = await services.db
            .select({ name: labs.name })
            .from(labRepositories)
            .innerJoin(labs, eq(labs.id, labRepositories.lab))
            .where(eq(labRepositories.datarepository, issue.repoId))
            .orderBy(asc(labs.name))
            .limit(1);
          lab = l?.name ?? services.config.labName;
        }
        const created = await subjectResource.create(ctx, { nickname: String(info.nickname), lab }, false);
        reply.code(201);
        return { fixed: issue.reason, subject: created, next: 'run alyx files scan (or wait for the scheduled scan) to register its files' };
      }
      if (issue.reason === 'no_dataset_type') {
        const filename = String(issue.relative_path).split('/').pop()!;
        const key = String(info.key ?? filename);
        const name = typeof body.name === 'string' && body.name ? body.name : key;
        const pattern = typeof body.filename_pattern === 'string' ? body.filename_pattern : `*${key}*`;
        // refuse a type that would not match the file, or would make it ambiguous, before creating it
        const types = await services.db.select({ name: datasetTypes.name, filename_pattern: datasetTypes.filename_pattern }).from(datasetTypes);
        const m = matchDatasetType(filename, [...types, { name, filename_pattern: pattern.trim().toLowerCase() || null }]);
        if (!m.ok || m.type.name !== name) {
          throw badRequest(`A dataset type "${name}" with pattern "${pattern}" would not be the only type matching "${filename}"${m.ok ? '' : `: ${m.error}`}`);
        }
        const created = await datasetTypeResource.create(ctx, { name, filename_pattern: pattern, description: `created from ingest issue ${issue.relative_path}` }, false);
        reply.code(201);
        return { fixed: issue.reason, dataset_type: created, next: 'run alyx files scan (or wait for the scheduled scan) to register the files' };
      }
      throw new ApiError(400, { detail: `No one-click fix for reason "${issue.reason}"; the issue's detail says what to change.` });
    },
  );
}
