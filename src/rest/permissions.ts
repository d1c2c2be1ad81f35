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
import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { userAllowedUsers } from '../apps/misc/tables.ts';
import { subjects } from '../apps/subjects/tables.ts';
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
  /** a throttled password check (auth.ts checkPassword): throws the 429 while backing off */
  authenticate(username: string, password: string, request: FastifyRequest): Promise<Pick<AuthUser, 'is_active'> | null>;
  resolveUser(request: FastifyRequest): Promise<AuthUser | null>;
}) {
  const basicCache = new Map<string, number>();
  async function basicAllowed(header: string, request: FastifyRequest): Promise<boolean> {
    const key = crypto.createHash('sha256').update(header).digest('hex');
    const until = basicCache.get(key);
    if (until && until > Date.now()) return true;
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return false;
    const user = await auth.authenticate(decoded.slice(0, i), decoded.slice(i + 1), request);
    if (!mayLogIn(user)) return false;
    basicCache.set(key, Date.now() + BASIC_TTL_MS);
    return true;
  }
  return {
    async allowed(request: FastifyRequest): Promise<boolean> {
      const header = request.headers.authorization ?? '';
      if (/^basic\s+/i.test(header)) return basicAllowed(header, request);
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

// ---------------------------------------------------------------------------------------------
// Writes and logins: one rulebook. `decide` is the only place that says who may create, update or
// delete what, for the REST API (resource-write.ts calls enforceWrite on every write and delete) and
// for the web UI (channel 'ui'). Every refusal names its rule in the 403's detail.
//
// Policies (ALYX_REST_POLICY / config restPolicy):
//   'upstream' (default): upstream's REST contract: any authenticated, non-public user may write.
//   'lab': upstream's Django admin rules (spec-core §5.2) applied to REST too.
// In both, some settings are for superusers only: a repository's http_auth, users' flags, users.

export type AccessAction = 'read' | 'create' | 'update' | 'delete' | 'login';
export type AccessChannel = 'rest' | 'ui';
export type RestPolicy = 'upstream' | 'lab';

/** Who may act on a subject (spec-core §5.2's allowed set): its responsible user and their delegates. */
export interface SubjectOwnership {
  responsibleUser: string | null;
  /** the responsible user's allowed_users */
  delegates: string[];
}

export interface AccessRequest {
  action: AccessAction;
  /** the resource's path (`subjects`, `users`, `data-repository`, ...) */
  resource: string;
  /** the row as stored, keyed by field name (update, delete) */
  row?: Record<string, unknown> | null;
  /** the values sent, keyed by API field name (create, update) */
  changes?: Record<string, unknown> | null;
  channel: AccessChannel;
  /** default: 'lab' (upstream's admin rules) for the UI, 'upstream' for REST */
  policy?: RestPolicy;
  /** the subject the row belongs to (lab policy); enforceWrite resolves it */
  subject?: SubjectOwnership | null;
}

export interface Decision {
  allowed: boolean;
  /** the rule that decided */
  rule: string;
  /** why it refused (the 403's detail) */
  reason?: string;
}

export type DecisionUser = Pick<AuthUser, 'id' | 'is_superuser' | 'is_staff' | 'is_active' | 'is_public_user' | 'is_stock_manager'>;

/** The rules, by name; the refusal texts are what the 403 says after "rule <name>: ". */
export const RULES = {
  'login-active': 'inactive users may not log in',
  'ui-login-staff': 'the web UI is for active staff users',
  'authenticated-read': '',
  'public-read-only': 'public users are read-only',
  superuser: '',
  'users-superuser-only': 'only superusers may create or delete users',
  'own-user-record': "You can't change other users.",
  'user-flags-superuser-only': "only superusers may change users' flags (is_staff, is_superuser, is_stock_manager, is_active, is_public_user)",
  'repository-http-auth-superuser-only': "only superusers may change a repository's http_auth",
  'authenticated-write': '',
  'lab-staff-to-write': 'only staff users may write',
  'lab-no-delete': 'lab members may only delete surgeries, weighings, water administrations, water restrictions and subject requests',
  'lab-responsible-user-change': 'You are not allowed to change the responsible user.',
  'lab-allowed-set': "only the subject's responsible user, the users they allow, stock managers and superusers may change it",
  'lab-member-write': '',
} as const;
export type RuleName = keyof typeof RULES;

/** users' flags: superusers only, in every policy */
export const USER_FLAGS = ['is_staff', 'is_superuser', 'is_stock_manager', 'is_active', 'is_public_user'] as const;
/** what the Lab members group may delete (spec-core §5.2) */
export const LAB_DELETABLE = new Set(['surgeries', 'weighings', 'water-administrations', 'water-restriction', 'water-restrictions', 'subject-requests']);

const allow = (rule: RuleName): Decision => ({ allowed: true, rule });
const refuse = (rule: RuleName): Decision => ({ allowed: false, rule, reason: RULES[rule] });

/** The web UI: active staff users (upstream's admin login); public users among them only read. */
export function uiLoginAllowed(user: Pick<AuthUser, 'is_active' | 'is_staff'> | null | undefined): boolean {
  return Boolean(user?.is_active && user.is_staff);
}

const changed = (req: AccessRequest, field: string) =>
  req.changes != null && field in req.changes && (req.action === 'create' || req.changes[field] !== req.row?.[field]);

/** The decision on one access: allowed or not, and the rule that said so. */
export function decide(user: DecisionUser | null, req: AccessRequest): Decision {
  // the web UI follows upstream's admin rules unless told otherwise; REST the configured policy
  const policy = req.policy ?? (req.channel === 'ui' ? 'lab' : 'upstream');
  if (req.action === 'login') {
    if (!mayLogIn(user)) return refuse('login-active');
    if (req.channel === 'ui' && !uiLoginAllowed(user)) return refuse('ui-login-staff');
    return allow('login-active');
  }
  if (!user || !mayLogIn(user)) return refuse('login-active');
  if (req.action === 'read') return allow('authenticated-read');
  if (user.is_public_user) return refuse('public-read-only');
  if (user.is_superuser) return allow('superuser');
  if (req.resource === 'users') {
    if (req.action !== 'update') return refuse('users-superuser-only');
    if (req.row?.id !== user.id) return refuse('own-user-record');
    if (USER_FLAGS.some((f) => changed(req, f))) return refuse('user-flags-superuser-only');
  }
  if (req.resource === 'data-repository' && req.action !== 'delete' && req.changes && 'json' in req.changes) {
    const before = req.action === 'create' ? true : repositoryNeedsAuth(req.row?.json);
    if (repositoryNeedsAuth(req.changes.json) !== before) return refuse('repository-http-auth-superuser-only');
  }
  if (policy === 'upstream') return allow('authenticated-write');
  // lab: upstream's admin rules
  if (!user.is_staff) return refuse('lab-staff-to-write');
  if (req.action === 'delete' && !LAB_DELETABLE.has(req.resource)) return refuse('lab-no-delete');
  if (req.resource === 'subjects' && req.action === 'update' && changed(req, 'responsible_user')) {
    const owner = req.row?.responsible_user ?? null;
    if (!actsOnAllSubjects(user) && owner !== user.id) return refuse('lab-responsible-user-change');
  }
  if (req.subject && !actsOnAllSubjects(user)) {
    const { responsibleUser, delegates } = req.subject;
    if (responsibleUser !== user.id && !delegates.includes(user.id)) return refuse('lab-allowed-set');
  }
  return allow('lab-member-write');
}

/** The 403 of a refusal: the reason and the rule's name. */
export function refusal(decision: Decision) {
  return permissionDenied(`${decision.reason} (rule: ${decision.rule})`);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subjects a write touches: the subject itself, or the row's `subject` before and after. */
function subjectIdsOf(resource: string, row: Record<string, unknown> | null, changes: Record<string, unknown> | null): string[] {
  if (resource === 'subjects') return row?.id ? [String(row.id)] : [];
  const ids = [row?.subject, changes?.subject].filter((v): v is string => typeof v === 'string' && UUID_RE.test(v));
  return [...new Set(ids)];
}

async function ownershipOf(db: Queryable, subjectIds: string[]): Promise<SubjectOwnership[]> {
  if (!subjectIds.length) return [];
  const rows = await db.select({ responsible: subjects.responsible_user }).from(subjects).where(inArray(subjects.id, subjectIds));
  const out: SubjectOwnership[] = [];
  for (const { responsible } of rows) {
    const delegates = responsible
      ? (await db.select({ to: userAllowedUsers.to_labmember }).from(userAllowedUsers).where(eq(userAllowedUsers.from_labmember, responsible))).map((r) => r.to)
      : [];
    out.push({ responsibleUser: responsible, delegates });
  }
  return out;
}

/**
 * The REST check before the body is read (as DRF checks permissions before validating): the rules
 * that depend on who asks and what row, not on the values sent (those follow in enforceWrite).
 */
export function precheckWrite(
  ctx: { user: AuthUser | null; config: { restPolicy: RestPolicy } },
  access: { action: 'create' | 'update'; resource: string; row: Record<string, unknown> | null },
): void {
  const decision = decide(ctx.user, { ...access, changes: null, channel: 'rest', policy: ctx.config.restPolicy });
  if (!decision.allowed) throw refusal(decision);
}

/**
 * The REST write check (resource-write.ts, before any write or delete): decides with the configured
 * policy and throws the 403 of a refusal. Under the lab policy, the allowed set of each subject the
 * row belongs to (before and after the write) is looked up.
 */
export async function enforceWrite(
  ctx: { db: Queryable; user: AuthUser | null; config: { restPolicy: RestPolicy } },
  access: { action: 'create' | 'update' | 'delete'; resource: string; row: Record<string, unknown> | null; changes: Record<string, unknown> | null },
): Promise<void> {
  const policy = ctx.config.restPolicy;
  const base: AccessRequest = { ...access, channel: 'rest', policy };
  const owners = policy === 'lab' && ctx.user?.is_staff && !ctx.user.is_superuser && !ctx.user.is_stock_manager
    ? await ownershipOf(ctx.db, subjectIdsOf(access.resource, access.row, access.changes))
    : [];
  for (const subject of owners.length ? owners : [null]) {
    const decision = decide(ctx.user, { ...base, subject });
    if (!decision.allowed) throw refusal(decision);
  }
}

export const HISTORY_REFUSAL = 'You do not have permission to perform this action. (the change history is not shown to public users)';

/** The audit trail (/history) is read by lab members, not by public (anonymised) users. */
export function checkHistoryReader(user: AuthUser | null): void {
  if (!user) throw notAuthenticated();
  if (user.is_public_user) throw permissionDenied(HISTORY_REFUSAL);
}
