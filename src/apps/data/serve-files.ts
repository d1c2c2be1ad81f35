// Serving the files of repositories backed by a local (or mounted) directory, at the path of the
// repository's data_url on this server, so ONE downloads them as from any HTTP data server:
// streaming, single Range requests, ETag / Last-Modified validators, Content-Length always set.
// Paths that leave the directory are refused. Who may download is decided in rest/permissions.ts
// (fileAccess, repositoryNeedsAuth).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inArray } from 'drizzle-orm';
import type { Services } from '../app.ts';
import { checkPassword, resolveUser } from '../../rest/auth.ts';
import { fileAccess, fileAuthChallenge, repositoryNeedsAuth } from '../../rest/permissions.ts';
import { removeUuidFromPath } from './alf.ts';
import { dataRepositories } from './tables.ts';

export interface ServedRepository {
  name: string;
  /** URL path prefix, with leading and trailing slash */
  prefix: string;
  dir: string;
  auth: boolean;
}

/**
 * Resolves `rel` (URL-decoded segments, '/'-separated) inside `root`; null when it would leave it.
 * `root` may be a drive-letter or UNC directory on Windows (`p`: path.win32 there, for tests).
 */
export function safeJoin(root: string, rel: string, p: path.PlatformPath = path): string | null {
  const segments = rel.split('/');
  for (const s of segments) {
    // a ':' would name a drive (C:) or an NTFS stream on Windows
    if (s === '..' || s === '.' || s.includes('\0') || s.includes('\\') || (p.sep === '\\' && s.includes(':'))) return null;
  }
  const base = p.resolve(root);
  const full = p.resolve(base, ...segments.filter((s) => s !== ''));
  if (full !== base && !full.startsWith(base.endsWith(p.sep) ? base : base + p.sep)) return null;
  return full;
}

function realInside(root: string, file: string): boolean {
  try {
    const r = fs.realpathSync(root);
    const f = fs.realpathSync(file);
    return f === r || f.startsWith(r + path.sep);
  } catch {
    return false;
  }
}

export function etagOf(stat: fs.Stats): string {
  return `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
}

/** Parses a single `bytes=` range against a size; 'invalid' = 416, null = serve whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return null; // several ranges or an unknown unit: the whole file (allowed by RFC 9110)
  const [a, b] = [m[1], m[2]];
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'invalid';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return 'invalid';
  }
  if (start >= size || size === 0) return 'invalid';
  return { start, end };
}

/** Sends a file with validators and Range support (GET and HEAD). */
export function sendFile(request: FastifyRequest, reply: FastifyReply, file: string, stat: fs.Stats, contentType = 'application/octet-stream'): FastifyReply {
  const etag = etagOf(stat);
  const lastModified = stat.mtime.toUTCString();
  reply.header('accept-ranges', 'bytes').header('etag', etag).header('last-modified', lastModified);
  reply.header('content-type', contentType);
  const inm = request.headers['if-none-match'];
  const ims = request.headers['if-modified-since'];
  if ((inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) || (!inm && ims && Date.parse(ims) >= Math.floor(stat.mtimeMs / 1000) * 1000)) {
    return reply.code(304).send();
  }
  let range = parseRange(request.headers.range, stat.size);
  const ifRange = request.headers['if-range'];
  if (range && ifRange && ifRange !== etag && ifRange !== lastModified) range = null;
  if (range === 'invalid') {
    return reply.code(416).header('content-range', `bytes */${stat.size}`).header('content-length', '0').send();
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : stat.size - 1;
  const length = stat.size === 0 ? 0 : end - start + 1;
  reply.header('content-length', String(length));
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${stat.size}`);
  if (request.method === 'HEAD' || length === 0) return reply.send();
  return reply.send(fs.createReadStream(file, { start, end }));
}

/** Serves configured repositories; the URL-prefix map is cached and refreshed on repository writes. */
export function fileServer(services: Services) {
  let cache: { at: number; repos: ServedRepository[] } | null = null;
  const access = fileAccess({
    authenticate: (username, password, request) => checkPassword(services, request.ip, username, password),
    resolveUser: (request) => resolveUser(request, services),
  });

  async function repositories(): Promise<ServedRepository[]> {
    if (cache && Date.now() - cache.at < 30_000) return cache.repos;
    const dirs = services.config.repositoryDirs;
    const names = Object.keys(dirs);
    let repos: ServedRepository[] = [];
    if (names.length) {
      const rows = await services.db
        .select({ name: dataRepositories.name, data_url: dataRepositories.data_url, json: dataRepositories.json })
        .from(dataRepositories)
        .where(inArray(dataRepositories.name, names));
      repos = rows
        .filter((r) => r.data_url)
        .map((r) => {
          let prefix: string;
          try {
            prefix = new URL(r.data_url!).pathname;
          } catch {
            prefix = r.data_url!.startsWith('/') ? r.data_url! : `/${r.data_url}`;
          }
          if (!prefix.endsWith('/')) prefix += '/';
          return { name: r.name, prefix, dir: dirs[r.name], auth: repositoryNeedsAuth(r.json) };
        })
        // a data_url at the server root would shadow the whole API: such a repository is not served
        .filter((r) => r.prefix !== '/')
        .sort((a, b) => b.prefix.length - a.prefix.length);
    }
    cache = { at: Date.now(), repos };
    return repos;
  }

  return {
    invalidate() {
      cache = null;
    },
    /** onRequest hook: answers requests under a served repository's prefix, else does nothing. */
    async hook(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
      if (Object.keys(services.config.repositoryDirs).length === 0) return undefined;
      const rawPath = (request.raw.url ?? '/').split('?')[0];
      const repos = await repositories();
      const repo = repos.find((r) => rawPath.startsWith(r.prefix));
      if (!repo) return undefined;
      const fail = (code: number, detail: string) => reply.code(code).send({ detail, status_code: code });
      if (repo.auth && !(await access.allowed(request))) {
        const challenge = fileAuthChallenge(repo.name);
        return reply.code(401).header('www-authenticate', challenge.header).send(challenge.body);
      }
      let rel: string;
      try {
        rel = rawPath
          .slice(repo.prefix.length)
          .split('/')
          .map((s) => decodeURIComponent(s))
          .join('/');
      } catch {
        return fail(400, 'Malformed path.');
      }
      const full = safeJoin(repo.dir, rel);
      if (!full) return fail(403, 'Path outside the repository refused.');
      const candidates = [full];
      const stripped = removeUuidFromPath(full);
      if (stripped.uuid) candidates.push(stripped.path);
      for (const file of candidates) {
        let stat: fs.Stats;
        try {
          stat = fs.statSync(file);
        } catch {
          continue;
        }
        if (!stat.isFile()) continue;
        if (!realInside(repo.dir, file)) return fail(403, 'Path outside the repository refused.');
        return sendFile(request, reply, file, stat);
      }
      return fail(404, `File not found in repository ${repo.name}.`);
    },
  };
}
