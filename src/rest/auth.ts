// Authentication: who is asking. What they may do is decided in permissions.ts.
// - Passwords: Django's pbkdf2_sha256$<iterations>$<salt>$<base64 hash>, so imported users keep theirs.
// - API: `Authorization: Token <key>` (one token per user, created on first request, answers 401
//   403 "Invalid token." after ALYX_TOKEN_TTL when set). Stored as a digest + sealed token (secrets.ts).
// - Web UI: a session cookie (`alyx_session`) from POST /auth/login, stored as its SHA-256.
// - Every password check is throttled per account and address (checkPassword, login-throttle.ts).
// Failures are 403s as upstream (DRF reports them as 403 because no WWW-Authenticate is sent).
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Queryable } from '../db/client.ts';
import { authTokens, users, webSessions } from '../apps/misc/tables.ts';
import { ApiError, detailError } from './errors.ts';
import { checkPublicUserWrite, checkSessionOrigin, INACTIVE_USER, isPublicRoute, mayLogIn, PUBLIC_ROUTE, requireUser } from './permissions.ts';
import type { AuthUser } from './context.ts';
import type { Services } from '../services.ts';
import { nowInZone } from './values.ts';
import { keyringOf, sessionDigest } from './secrets.ts';
import { loginThrottleOf } from './login-throttle.ts';

const pbkdf2 = promisify(crypto.pbkdf2);
export const PBKDF2_ITERATIONS = 870_000;
export const SESSION_COOKIE = 'alyx_session';
const SESSION_DAYS = 14;

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  // Django salts are 22 alphanumeric characters
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = crypto.randomBytes(22);
  const salt = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  const hash = await pbkdf2(password, salt, iterations, 32, 'sha256');
  return `pbkdf2_sha256$${iterations}$${salt}$${hash.toString('base64')}`;
}

/** Verifies a Django-format hash. Unknown algorithms and unusable passwords ("!...") never match. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 4) return false;
  const [algorithm, iterText, salt, expected] = parts;
  const digest = algorithm === 'pbkdf2_sha256' ? 'sha256' : algorithm === 'pbkdf2_sha1' ? 'sha1' : null;
  const iterations = Number(iterText);
  if (!digest || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const expectedBuf = Buffer.from(expected, 'base64');
  const actual = await pbkdf2(password, salt, iterations, expectedBuf.length || 32, digest);
  return expectedBuf.length === actual.length && crypto.timingSafeEqual(expectedBuf, actual);
}

export function needsRehash(encoded: string): boolean {
  const [algorithm, iterText] = encoded.split('$');
  return algorithm !== 'pbkdf2_sha256' || Number(iterText) < PBKDF2_ITERATIONS;
}

const authColumns = {
  id: users.id,
  username: users.username,
  is_superuser: users.is_superuser,
  is_staff: users.is_staff,
  is_active: users.is_active,
  is_public_user: users.is_public_user,
  is_stock_manager: users.is_stock_manager,
};

type TokenServices = Pick<Services, 'db' | 'config'>;

/** Whether a token created at `created` (naive, lab time zone) has outlived the configured lifetime. */
function tokenExpired(config: Services['config'], created: string): boolean {
  if (!config.tokenTtlSeconds) return false;
  const asUtc = (s: string) => Date.parse(`${s.replace(' ', 'T').slice(0, 23)}Z`);
  return asUtc(nowInZone(config.timeZone)) - asUtc(created) >= config.tokenTtlSeconds * 1000;
}

/**
 * The user of an API token (looked up by its keyed digest); null for an unknown token and for one
 * past ALYX_TOKEN_TTL: both answer 403 "Invalid token.", the one answer on which ONE logs in again
 * (it ignores a 401), and its next POST /auth-token gets a new token.
 */
export async function userByToken(services: TokenServices, key: string): Promise<AuthUser | null> {
  const rows = await services.db
    .select({ ...authColumns, created: authTokens.created })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.user))
    .where(eq(authTokens.key, keyringOf(services.config).digest(key)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (tokenExpired(services.config, row.created)) return null;
  const { created: _created, ...user } = row;
  return user as AuthUser;
}

export async function userBySession(db: Queryable, cookieValue: string, now: string): Promise<AuthUser | null> {
  const rows = await db
    .select(authColumns)
    .from(webSessions)
    .innerJoin(users, eq(users.id, webSessions.user))
    .where(and(eq(webSessions.key, sessionDigest(cookieValue)), gt(webSessions.expires, now)))
    .limit(1);
  return (rows[0] as AuthUser | undefined) ?? null;
}

/**
 * Returns the user's token, creating it the first time (as DRF's obtain_auth_token: repeated logins
 * get the same token). A token past its lifetime, or sealed with another key, is replaced.
 */
export async function tokenFor(services: TokenServices, userId: string): Promise<string> {
  const ring = keyringOf(services.config);
  const { db, config } = services;
  const current = async () => {
    const [row] = await db.select().from(authTokens).where(eq(authTokens.user, userId));
    return row;
  };
  const existing = await current();
  if (existing) {
    const token = existing.encrypted ? ring.open(existing.encrypted) : null;
    if (token && !tokenExpired(config, existing.created)) return token;
    await db.delete(authTokens).where(and(eq(authTokens.user, userId), eq(authTokens.key, existing.key)));
  }
  const token = crypto.randomBytes(20).toString('hex');
  await db
    .insert(authTokens)
    .values({ key: ring.digest(token), encrypted: ring.seal(token), user: userId, created: nowInZone(config.timeZone) })
    .onConflictDoNothing();
  // a concurrent login may have created it first: return the stored one
  const row = await current();
  return (row?.encrypted && ring.open(row.encrypted)) || token;
}

/** Deletes the tokens of the given users (all users when null); returns how many were deleted. */
export async function revokeTokens(db: Queryable, userIds: string[] | null): Promise<number> {
  const q = db.delete(authTokens);
  const rows = await (userIds === null ? q : q.where(inArray(authTokens.user, userIds))).returning({ user: authTokens.user });
  return rows.length;
}

/**
 * Seals what an older database or an upstream import left in the clear: plain token keys become
 * digest + sealed token (they keep working), plain web-session keys (64 hex) are dropped (log in again).
 */
export async function sealStoredCredentials(services: TokenServices): Promise<{ tokens: number; sessions: number }> {
  const ring = keyringOf(services.config);
  return services.db.transaction(async (tx) => {
    const plain = await tx.select({ key: authTokens.key }).from(authTokens).where(isNull(authTokens.encrypted));
    for (const { key } of plain) {
      await tx.update(authTokens).set({ key: ring.digest(key), encrypted: ring.seal(key) }).where(eq(authTokens.key, key));
    }
    const sessions = await tx
      .delete(webSessions)
      .where(sql`length(${webSessions.key}) <> ${sessionDigest('').length}`)
      .returning({ user: webSessions.user });
    return { tokens: plain.length, sessions: sessions.length };
  });
}

/** The dump rows of upstream tokens (`authtoken.token`) in their stored form (digest key, sealed token). */
export function sealDumpTokens<T extends { model: string; pk: unknown; fields: Record<string, unknown> }>(config: Services['config'], rows: T[]): T[] {
  const ring = keyringOf(config);
  return rows.map((row) =>
    row.model === 'authtoken.token' && typeof row.pk === 'string' && !('encrypted' in row.fields)
      ? { ...row, pk: ring.digest(row.pk), fields: { ...row.fields, encrypted: ring.seal(row.pk) } }
      : row,
  );
}

/** The password rules: at least `passwordMinLength` characters. Returns the refusal, or null. */
export function passwordProblem(config: Pick<Services['config'], 'passwordMinLength'>, password: string): string | null {
  const min = config.passwordMinLength;
  return [...password].length < min ? `This password is too short. It must contain at least ${min} characters.` : null;
}

/** Checks username + password; returns the user row or null. Upgrades old hashes on success. */
export async function authenticate(db: Queryable, username: string, password: string) {
  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  if (!user || !user.password) {
    // spend comparable time so that unknown usernames are not revealed by timing
    await verifyPassword(password, 'pbkdf2_sha256$20000$dummysaltdummysalt00$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    return null;
  }
  if (!(await verifyPassword(password, user.password))) return null;
  if (needsRehash(user.password)) {
    await db.update(users).set({ password: await hashPassword(password) }).where(eq(users.id, user.id));
  }
  return user;
}

/**
 * A password check that counts toward the guessing throttle (login-throttle.ts): refused with a 429
 * while the account or the address backs off (before hashing), null on a wrong password or an
 * inactive user. Every password check of a request goes through here.
 */
export async function checkPassword(services: TokenServices, address: string, username: string, password: string) {
  const throttle = loginThrottleOf(services);
  throttle.check(username, address);
  const user = await authenticate(services.db, username, password);
  if (!user || !mayLogIn(user)) {
    throttle.failed(username, address);
    return null;
  }
  throttle.succeeded(username);
  return user;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser | null;
  }
}

/** The web session cookie's attributes, on login and on logout. */
const SESSION_COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'strict' } as const;

const isHttps = (request: FastifyRequest) => request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';

/** Resolves the requesting user (token first, then session cookie); throws the upstream 403s. */
export async function resolveUser(request: FastifyRequest, services: Services): Promise<AuthUser | null> {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, key, extra] = header.trim().split(/\s+/);
    if (scheme?.toLowerCase() === 'token') {
      if (!key || extra) throw detailError(403, 'Invalid token header. No credentials provided.');
      const user = await userByToken(services, key);
      if (!user) throw detailError(403, 'Invalid token.');
      if (!mayLogIn(user)) throw detailError(403, INACTIVE_USER);
      return user;
    }
  }
  const session = request.cookies[SESSION_COOKIE];
  if (session) {
    const user = await userBySession(services.db, session, nowInZone(services.config.timeZone));
    if (user && mayLogIn(user)) {
      checkSessionOrigin(request);
      return user;
    }
  }
  return null;
}

/** Hook: resolves the user, then applies the route rules of permissions.ts. */
export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('user', null);
  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    if (isPublicRoute(request)) {
      try {
        request.user = await resolveUser(request, services);
      } catch {
        request.user = null;
      }
      return;
    }
    const user = requireUser(await resolveUser(request, services));
    checkPublicUserWrite(user, request);
    request.user = user;
  });
}

/** POST /auth-token, POST /auth/login, POST /auth/logout. */
export function registerAuthRoutes(app: FastifyInstance, services: Services): void {
  const credentials = (body: unknown): { username: string; password: string } => {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const errors: Record<string, string[]> = {};
    const pick = (k: string) => {
      const v = Array.isArray(b[k]) ? (b[k] as unknown[])[0] : b[k];
      if (v === undefined || v === null || v === '') errors[k] = ['This field is required.'];
      return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
    };
    const username = pick('username');
    const password = pick('password');
    if (Object.keys(errors).length) throw new ApiError(400, errors);
    return { username, password };
  };
  const login = async (request: FastifyRequest) => {
    const { username, password } = credentials(request.body);
    const user = await checkPassword(services, request.ip, username, password);
    if (!user) {
      throw new ApiError(400, { non_field_errors: ['Unable to log in with provided credentials.'] });
    }
    return user;
  };

  // `schema` only documents the route in /api/schema, as upstream's schema lists it (docBody is not validated)
  const authTokenDoc = {
    description: 'Obtains the API token of a user: form or JSON username and password; answers {"token": "<key>"}.',
    docBody: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string', writeOnly: true } }, required: ['username', 'password'] },
  } as FastifySchema;
  app.post('/auth-token', { config: PUBLIC_ROUTE, schema: authTokenDoc }, async (request) => {
    const user = await login(request);
    return { token: await tokenFor(services, user.id) };
  });

  app.post('/auth/login', { config: PUBLIC_ROUTE }, async (request, reply) => {
    const user = await login(request);
    const key = crypto.randomBytes(32).toString('hex');
    const expiresMs = Date.now() + SESSION_DAYS * 86_400_000;
    const tz = services.config.timeZone;
    await services.db.delete(webSessions).where(lt(webSessions.expires, nowInZone(tz)));
    const expires = nowInZone(tz).replace(/^.{10}/, new Date(expiresMs).toISOString().slice(0, 10));
    await services.db.insert(webSessions).values({ key: sessionDigest(key), user: user.id, expires });
    await services.db.update(users).set({ last_login: nowInZone(tz) }).where(eq(users.id, user.id));
    reply.setCookie(SESSION_COOKIE, key, {
      ...SESSION_COOKIE_OPTIONS,
      maxAge: SESSION_DAYS * 86400,
      ...(isHttps(request) ? { secure: true } : {}),
    });
    return { username: user.username, is_superuser: user.is_superuser, is_staff: user.is_staff };
  });

  app.post('/auth/logout', { config: PUBLIC_ROUTE }, async (request, reply) => {
    const key = request.cookies[SESSION_COOKIE];
    if (key) await services.db.delete(webSessions).where(eq(webSessions.key, sessionDigest(key)));
    // setCookie with Max-Age=0 rather than clearCookie, which would add an Expires attribute
    reply.setCookie(SESSION_COOKIE, '', { ...SESSION_COOKIE_OPTIONS, maxAge: 0 });
    return { detail: 'Logged out.' };
  });

  app.get('/auth/me', async (request) => {
    const u = request.user!;
    return { id: u.id, username: u.username, is_superuser: u.is_superuser, is_staff: u.is_staff, is_public_user: u.is_public_user };
  });
}
