// Builds the Fastify application: body parsers, DRF-shaped errors, authentication, every app's
// resources and custom routes, the API description, health check and the static web UI.
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './paths.ts';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { apps } from './apps/index.ts';
import type { Services } from './apps/app.ts';
import { registerAuth, registerAuthRoutes, sealStoredCredentials } from './rest/auth.ts';
import { PUBLIC_ROUTE } from './rest/permissions.ts';
import { ApiError, errorBody, fromDatabaseError, notAuthenticated, permissionDenied } from './rest/errors.ts';
import { runDoctor } from './ops/doctor.ts';
import { registerResource } from './rest/routes.ts';
import type { Resource } from './rest/resource.ts';
import { buildCoreApi, buildOpenApi, collectCustomRoutes, type CustomRouteDoc } from './rest/schema.ts';
import { baseUrlOf } from './rest/context.ts';
import { ping } from './db/client.ts';
import { registerThrottle } from './rest/throttle.ts';
import { uiMetadata } from './rest/ui-meta.ts';
import crypto from 'node:crypto';
import { checkBody, checkQuery, parseJsonBounded } from './rest/input-guard.ts';
import { validateAdminLinks } from './rest/admin.ts';
import { registerUiRoutes } from './rest/ui-routes.ts';
import zlib from 'node:zlib';

export const WEB_DIST = path.join(PACKAGE_ROOT, 'dist', 'web');

export interface ServerOptions {
  logger?: boolean;
  /** serve the built web UI from dist/web when present (default true) */
  serveWeb?: boolean;
  /** where the built web UI is (default dist/web; tests point it elsewhere) */
  webRoot?: string;
  /**
   * settles when the database is migrated (`alyx serve` builds the server while the embedded
   * database starts): nothing here touches the database before it
   */
  databaseReady?: Promise<unknown>;
}

/** Vite names the files under assets/ by their content hash: they never change, so browsers keep them a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Cache-Control of a file of the web UI: hashed assets forever, the rest (index.html first) revalidated. */
export function webCacheControl(webRoot: string, filePath: string): string {
  const rel = path.relative(webRoot, filePath).split(path.sep);
  return rel[0] === 'assets' ? IMMUTABLE_CACHE : 'no-cache';
}

export async function buildServer(services: Services, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: 64 * 1024 * 1024,
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 1000 },
  });
  await registerBodyParsers(app, services.config.maxListItems);
  registerErrorHandlers(app, options);

  const customRoutes: CustomRouteDoc[] = [];
  collectCustomRoutes(app, customRoutes);

  registerAuth(app, services);
  registerThrottle(app, services.config.throttleBurstPerMinute);
  registerAuthRoutes(app, services);

  const resources = apps.flatMap((a) => a.resources);
  validateAdminLinks(resources);
  for (const resource of resources) registerResource(app, resource, services);
  for (const a of apps) if (a.routes) await a.routes(app, services);

  registerDocs(app, resources, customRoutes);
  registerUiMeta(app, resources);
  registerUiRoutes(app, services, resources);
  app.get('/health', { config: PUBLIC_ROUTE }, async (request, reply) => {
    if ((request.query as Record<string, string>).full === '1') {
      // `alyx doctor` through the running server (which owns the embedded database): superusers only
      if (!request.user) throw notAuthenticated();
      if (!request.user.is_superuser) throw permissionDenied();
      const checks = await runDoctor({ services });
      const failed = checks.some((c) => c.status === 'fail');
      return reply.code(failed ? 503 : 200).send({ status: failed ? 'failing' : 'ok', checks });
    }
    const ok = await ping(services.db);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'database unreachable', driver: services.handle.driver });
  });
  await registerWebUi(app, resources, options);
  if (options.databaseReady) {
    // Fastify's plugins load here, while the database comes up (no route can be added after this)
    await app.ready();
    await options.databaseReady;
  }
  // tokens of an upstream import or an older database are sealed before the first request
  await sealStoredCredentials(services);
  return app;
}

/**
 * GET /api/ui-meta, loaded by the UI at every start: built once, served with an ETag so that the
 * browser revalidates with a 304 instead of downloading it again.
 */
function registerUiMeta(app: FastifyInstance, resources: Resource[]): void {
  let cached: { body: string; br: Buffer; gzip: Buffer; etag: string } | null = null;
  app.get('/api/ui-meta', async (request, reply) => {
    if (!cached) {
      // ~200 kB of JSON: compressed once (to ~15 kB), not on every start of the UI
      const body = JSON.stringify(uiMetadata(resources));
      cached = {
        body,
        br: zlib.brotliCompressSync(body),
        gzip: zlib.gzipSync(body),
        etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"`,
      };
    }
    reply.header('cache-control', 'private, no-cache').header('etag', cached.etag).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === cached.etag) return reply.code(304).send();
    reply.type('application/json; charset=utf-8');
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (/\bbr\b/.test(accepts)) return reply.header('content-encoding', 'br').send(cached.br);
    if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(cached.gzip);
    return reply.send(cached.body);
  });
}

/** JSON, form and multipart bodies, and cookies; `request.isForm` marks HTML-form semantics. */
/** Requests whose body was parsed (an error before this, on a multipart request, is the body's fault). */
const bodyParsed = new WeakSet<object>();

async function registerBodyParsers(app: FastifyInstance, maxListItems: number): Promise<void> {
  // JSON: an empty body is an empty object; malformed JSON is DRF's 400.
  app.removeContentTypeParser('application/json');
  app.removeContentTypeParser('text/plain'); // DRF parses only JSON, forms and multipart: others are a 415
  app.addContentTypeParser(/^application\/(.+\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, parseJsonBounded(text));
    } catch (e) {
      if (e instanceof ApiError) return done(e, undefined);
      done(new ApiError(400, { detail: `JSON parse error - ${(e as Error).message}` }), undefined);
    }
  });
  await app.register(cookie); // request.cookies (the web session), reply.setCookie
  await app.register(formbody);
  await app.register(multipart, { attachFieldsToBody: true, limits: { fileSize: 50 * 1024 * 1024 } });
  app.addHook('preHandler', async (request) => {
    bodyParsed.add(request);
    const type = String(request.headers['content-type'] ?? '');
    if (type.startsWith('application/x-www-form-urlencoded')) request.isForm = true;
    if (type.startsWith('multipart/form-data') && request.body && typeof request.body === 'object') {
      // flatten @fastify/multipart parts into plain values; files become { filename, mimetype, data }
      const flat: Record<string, unknown> = {};
      for (const [k, part] of Object.entries(request.body as Record<string, unknown>)) {
        const one = (p: unknown): unknown => {
          const q = p as { type?: string; value?: unknown; filename?: string; mimetype?: string; _buf?: Buffer };
          if (q?.type === 'file') return { filename: q.filename, mimetype: q.mimetype, data: q._buf };
          return q?.value;
        };
        flat[k] = Array.isArray(part) ? part.map(one) : one(part);
      }
      request.body = flat;
      request.isForm = true;
    }
    // NUL, lone surrogates, over-long lists and deep nesting never reach a handler or the database
    checkQuery(request.query);
    checkBody(request.body, maxListItems);
  });
}

/** DRF-shaped errors: ApiError bodies, database errors as 4xx, 405 for known paths, 404 else. */
function registerErrorHandlers(app: FastifyInstance, options: ServerOptions): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      // e.g. Retry-After of a 429, WWW-Authenticate of an expired token's 401
      const headers = (error as { headers?: Record<string, string> }).headers;
      if (headers) reply.headers(headers);
      return reply.code(error.statusCode).send(errorBody(error));
    }
    const dbError = fromDatabaseError(error);
    if (dbError) return reply.code(dbError.statusCode).send(errorBody(dbError));
    const fe = error as FastifyError;
    if (fe.validation) {
      const fields: Record<string, string[]> = {};
      for (const v of fe.validation) {
        const key = (v.instancePath || '').replace(/^\//, '').split('/')[0] || (v.params as { missingProperty?: string })?.missingProperty || 'non_field_errors';
        (fields[key] ??= []).push(v.message ?? 'Invalid value.');
      }
      return reply.code(400).send({ ...fields, status_code: 400 });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = String(request.headers['content-type'] ?? '').split(';')[0];
      return reply.code(415).send({ detail: `Unsupported media type "${type}" in request.`, status_code: 415 });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ detail: fe.message, status_code: fe.statusCode });
    }
    const type = String(request.headers['content-type'] ?? '');
    if (type.startsWith('multipart/') && !bodyParsed.has(request)) {
      // busboy's "Boundary not found", "Unexpected end of form", ...: the body is malformed (DRF's wording)
      return reply.code(400).send({ detail: `Multipart form parse error - ${fe.message}`, status_code: 400 });
    }
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      return reply.code(400).send({ detail: 'The request is nested too deeply.', status_code: 400 });
    }
    // a genuine server error: the client gets an id, the log gets the error under it (never SQL,
    // parameters or a stack in a response)
    const id = crypto.randomBytes(6).toString('hex');
    request.log.error({ err: error, errorId: id }, `server error ${id}`);
    if (!options.logger) console.error(`server error ${id}:`, error);
    return reply.code(500).send({ detail: `Server error (id ${id})`, status_code: 500 });
  });
  app.setNotFoundHandler((request, reply) => {
    // a path that exists with other methods is a 405, as DRF answers
    const url = (request.raw.url ?? request.url).split('?')[0];
    const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => app.findRoute({ method: method as 'GET', url }));
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return reply.code(405).send({ detail: `Method "${request.method}" not allowed.`, status_code: 405 });
    }
    return reply.code(404).send({ detail: 'Not found.', status_code: 404 });
  });
}

/** /api/schema (OpenAPI), /docs/ (HTML, or coreapi for old clients). */
function registerDocs(app: FastifyInstance, resources: Resource[], customRoutes: CustomRouteDoc[]): void {
  let openapiCache: Record<string, unknown> | null = null;
  const openapi = () => (openapiCache ??= buildOpenApi(resources, customRoutes));

  app.get('/api/schema', { config: PUBLIC_ROUTE }, async (request, reply) => {
    const accept = String(request.headers.accept ?? '');
    const wantsJson = /json/.test(accept) || (request.query as Record<string, string>).format === 'json';
    // JSON is valid YAML, so clients asking for YAML can read it too
    reply.type(wantsJson ? 'application/vnd.oai.openapi+json' : 'application/vnd.oai.openapi');
    return JSON.stringify(openapi());
  });
  app.get('/docs/', { config: PUBLIC_ROUTE }, async (request, reply) => {
    const accept = String(request.headers.accept ?? '');
    if (accept.startsWith('application/coreapi+json')) {
      reply.type('application/coreapi+json');
      return buildCoreApi(openapi(), baseUrlOf(request));
    }
    reply.type('text/html; charset=utf-8');
    return docsHtml(openapi());
  });
  app.get('/docs', { config: PUBLIC_ROUTE }, async (_request, reply) => reply.redirect('/docs/', 301));
}

/** The built web UI under /admin/ (public files: the login page is one), and the API root. */
async function registerWebUi(app: FastifyInstance, resources: Resource[], options: ServerOptions): Promise<void> {
  const webRoot = options.webRoot ?? WEB_DIST;
  const hasWeb = options.serveWeb !== false && fs.existsSync(path.join(webRoot, 'index.html'));
  if (hasWeb) {
    // the UI's files are public (the login page is one of them): mark every route of this scope public
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), ...PUBLIC_ROUTE };
      });
      await scope.register(fastifyStatic, {
        root: webRoot,
        prefix: '/admin/',
        decorateReply: false,
        wildcard: true,
        // the build writes .br and .gz next to each file (scripts/precompress.ts): sent as the client accepts
        preCompressed: true,
        cacheControl: false,
        setHeaders: (reply, filePath) => reply.header('cache-control', webCacheControl(webRoot, filePath)),
      });
      scope.get('/favicon.svg', (_request, reply) => reply.redirect('/admin/favicon.svg', 301));
      scope.get('/admin', async (_request, reply) => reply.redirect('/admin/', 301));
    });
  }
  app.get('/', { config: PUBLIC_ROUTE }, async (request, reply) => {
    const accept = String(request.headers.accept ?? '');
    if (accept.includes('application/json') && !accept.includes('text/html')) {
      const base = baseUrlOf(request);
      const out: Record<string, string> = {};
      for (const r of resources) if (r.actions.includes('list')) out[`${r.path}-url`] = `${base}/${r.path}`;
      return out;
    }
    return reply.redirect('/admin/', 302);
  });
  if (!hasWeb) {
    app.get('/admin/', { config: PUBLIC_ROUTE }, async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Alyx-local</title><p>The web UI is not built. Run <code>npm run build:web</code>.</p>'),
    );
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A self-contained HTML rendering of the OpenAPI document (no external scripts: labs run offline). */
function docsHtml(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, { description?: string; parameters?: Array<{ name: string; in: string; description?: string }> }>>;
  const rows = Object.entries(paths)
    .map(([p, ops]) =>
      Object.entries(ops)
        .map(([m, op]) => {
          const params = (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => `<code>${escapeHtml(x.name)}</code>`).join(' ');
          return `<tr><td><b>${m.toUpperCase()}</b></td><td><code>${escapeHtml(p)}</code></td><td>${escapeHtml(op.description ?? '')}</td><td>${params}</td></tr>`;
        })
        .join(''),
    )
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Alyx-local API</title>
<style>body{font-family:sans-serif;margin:2em}td{border-bottom:1px solid #ddd;padding:4px;vertical-align:top}</style></head>
<body><h1>Alyx-local REST API</h1><p>Machine-readable: <a href="/api/schema?format=json">/api/schema</a> (OpenAPI 3).
Authenticate with <code>POST /auth-token</code> and send <code>Authorization: Token &lt;key&gt;</code>.</p>
<table><tr><th>method</th><th>path</th><th>description</th><th>query parameters</th></tr>${rows}</table></body></html>`;
}
