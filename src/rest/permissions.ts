// Every access rule of the server, decided in one place. Authentication (who is asking: token,
// session cookie, HTTP Basic) lives in auth.ts; this module says what that user may do:
//   - which routes need a user (all but those declared `config: PUBLIC_ROUTE`),
//   - who may log in at all (active users),
//   - public (read-only) users refused on writes,
//   - browser sessions refused on cross-origin writes (CSRF),
//   - who acts on every subject (superusers, stock managers),
//   - which repository files need a user, and who may download them,
//   - whom the burst throttle counts a request against.
// Refusals are upstream's 403s (DRF sends no WWW-Authenticate), except file downloads (401, so
// that HTTP clients send their Basic credentials).
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from './context.ts';
import { notAuthenticated, permissionDenied } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** no authentication needed (health, schema, login, static files) */
    public?: boolean;
    /** skip the public-user write refusal (read-like POSTs) */
    publicUserMayPost?: boolean;
  }
}

/** Route config of the routes anyone may call (health, schema, login, the web UI's files). */
export const PUBLIC_ROUTE = { public: true } as const;

export const PUBLIC_USER_READ_ONLY = 'You do not have permission to perform this action. (public users are read-only)';
export const CSRF_REFUSAL = 'CSRF Failed: Origin checking failed.';
export const INACTIVE_USER = 'User inactive or deleted.';

/** Public routes, and unknown paths (their 404 / 405 must not turn into a 403). */
export function isPublicRoute(request: FastifyRequest): boolean {
  return Boolean(request.routeOptions.config?.public) || request.is404;
}

/** Only active users log in, by any means (password, token, session, HTTP Basic). */
export function mayLogIn(user: Pick<AuthUser, 'is_active'> | null | undefined): boolean {
  return Boolean(user?.is_active);
}

/** Every other route needs a user: 403 "Authentication credentials were not provided." */
export function requireUser(user: AuthUser | null): AuthUser {
  if (!user) throw notAuthenticated();
  return user;
}

/** Public users are read-only: anything but GET is refused, unless the route allows their POSTs. */
export function checkPublicUserWrite(user: AuthUser, request: FastifyRequest): void {
  const config = request.routeOptions.config ?? {};
  if (user.is_public_user && request.method !== 'GET' && !config.publicUserMayPost) {
    throw permissionDenied(PUBLIC_USER_READ_ONLY);
  }
}

/** CSRF: a browser session may only write from our own pages (same-origin fetches send Origin). */
export function checkSessionOrigin(request: FastifyRequest): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
  const origin = request.headers.origin;
  const host = request.headers['x-forwarded-host'] ?? request.headers.host;
  if (origin && new URL(origin).host !== host) throw permissionDenied(CSRF_REFUSAL);
}

/** Superusers and stock managers may act on every subject; others on their own and their delegators'. */
export function actsOnAllSubjects(user: { is_superuser: boolean; is_stock_manager: boolean }): boolean {
  return user.is_superuser || user.is_stock_manager;
}

/** A repository's files need a user unless its json says `"http_auth": false`. */
export function repositoryNeedsAuth(json: unknown): boolean {
  return ((json ?? {}) as Record<string, unknown>).http_auth !== false;
}

/** The 401 answer to a file request without acceptable credentials. */
export function fileAuthChallenge(repositoryName: string) {
  return {
    header: `Basic realm="alyx data: ${repositoryName}", charset="UTF-8"`,
    body: { detail: 'Authentication credentials were not provided.', status_code: 401 },
  };
}

const BASIC_TTL_MS = 5 * 60_000;

/**
 * Who may download repository files: HTTP Basic with an active lab member's password (what ONE's
 * HTTP_DATA_SERVER_LOGIN / _PWD send; a success is remembered for a few minutes, as checking a
 * password is slow on purpose), else any user the API accepts (token or web session).
 */
export function fileAccess(auth: {
  authenticate(username: string, password: string): Promise<Pick<AuthUser, 'is_active'> | null>;
  resolveUser(request: FastifyRequest): Promise<AuthUser | null>;
}) {
  const basicCache = new Map<string, number>();
  async function basicAllowed(header: string): Promise<boolean> {
    const key = crypto.createHash('sha256').update(header).digest('hex');
    const until = basicCache.get(key);
    if (until && until > Date.now()) return true;
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return false;
    const user = await auth.authenticate(decoded.slice(0, i), decoded.slice(i + 1));
    if (!mayLogIn(user)) return false;
    basicCache.set(key, Date.now() + BASIC_TTL_MS);
    return true;
  }
  return {
    async allowed(request: FastifyRequest): Promise<boolean> {
      const header = request.headers.authorization ?? '';
      if (/^basic\s+/i.test(header)) return basicAllowed(header);
      try {
        return (await auth.resolveUser(request)) !== null;
      } catch {
        return false;
      }
    },
  };
}

/** The burst throttle counts a request against its user, or its client address when anonymous. */
export function throttleSubject(request: FastifyRequest): string {
  return request.user ? `u:${request.user.id}` : `ip:${request.ip}`;
}

export const HISTORY_REFUSAL = 'You do not have permission to perform this action. (the change history is not shown to public users)';

/** The audit trail (/history) is read by lab members, not by public (anonymised) users. */
export function checkHistoryReader(user: AuthUser | null): void {
  if (!user) throw notAuthenticated();
  if (user.is_public_user) throw permissionDenied(HISTORY_REFUSAL);
}
