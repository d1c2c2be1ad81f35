// What the logged-in user may do in the UI, from GET /api/me (issue 10): staff edit, public users
// read, others are refused at login. Older servers without /api/me: /auth/me's flags decide.
import { api } from './api.ts';

export type Action = 'create' | 'update' | 'delete';

export interface Me {
  id?: string;
  username: string;
  is_superuser: boolean;
  is_staff: boolean;
  is_public_user: boolean;
  ui_allowed?: boolean;
  reason?: string | null;
  /** per resource path: may the user create/update/delete, and why not (`reasons`) */
  permissions?: Record<string, Record<string, unknown>>;
  resources?: Record<string, Record<string, unknown>>;
}

export const NOT_STAFF =
  'This account is not a staff account, so it cannot use the admin pages. Ask a lab administrator for staff access, or use the REST API.';

/** The user's flags and rights: /api/me, else /auth/me. */
export async function loadMe(): Promise<Me> {
  try {
    return await api<Me>('/api/me');
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
    return await api<Me>('/auth/me');
  }
}

/** May this user use the admin pages at all; if not, why. */
export function uiAllowed(me: Me): { ok: boolean; reason: string | null } {
  if (typeof me.ui_allowed === 'boolean') return { ok: me.ui_allowed, reason: me.ui_allowed ? null : me.reason || NOT_STAFF };
  const ok = me.is_staff || me.is_superuser || me.is_public_user;
  return { ok, reason: ok ? null : NOT_STAFF };
}

export const readOnlyUser = (me: Me | null | undefined): boolean => !!me && me.is_public_user && !me.is_superuser;

/**
 * May `me` do `action` on the resource at `path`: accepts `{create: true}`, `{create: {allowed, reason}}`
 * and `{create: false, create_reason: '...'}` shapes. Unknown: allowed unless the user is read-only.
 */
export function may(me: Me | null | undefined, path: string, action: Action): { ok: boolean; reason: string | null } {
  if (!me) return { ok: false, reason: 'Not logged in.' };
  if (readOnlyUser(me)) return { ok: false, reason: 'Your account is read-only (public user).' };
  const r = (me.permissions ?? me.resources)?.[path];
  if (!r) return { ok: true, reason: null };
  const v = r[action] ?? r[`can_${action}`];
  const reasonOf = (x: unknown) => (typeof x === 'string' && x ? x : null);
  if (typeof v === 'boolean') return { ok: v, reason: v ? null : reasonOf(r[`${action}_reason`]) ?? reasonOf((r.reasons as Record<string, unknown>)?.[action]) ?? 'Not allowed.' };
  if (v && typeof v === 'object') {
    const o = v as { allowed?: boolean; ok?: boolean; value?: boolean; reason?: string };
    const ok = o.allowed ?? o.ok ?? o.value ?? true;
    return { ok, reason: ok ? null : reasonOf(o.reason) ?? 'Not allowed.' };
  }
  return { ok: true, reason: null };
}
