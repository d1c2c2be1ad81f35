// What the web UI lets a user do (upstream's Django-admin rules, spec-core §5.2), as small named
// decisions. The REST rules live in permissions.ts; these only tell the UI which screens and buttons
// to offer (the API enforces its own rules on every request). Each decision gives a reason when it
// refuses, in words a lab member can act on.
import type { AuthUser } from './context.ts';
import type { Action } from './resource.ts';
import { decide, uiLoginAllowed } from './permissions.ts';

export interface Decision {
  allowed: boolean;
  reason?: string;
}

export const UI_INACTIVE = 'This account is inactive. Ask an administrator to re-activate it.';
export const UI_NOT_STAFF = 'Only staff members can use the web interface. Ask an administrator to give your account staff status.';
export const UI_PUBLIC_READ_ONLY = 'Public accounts can look but not change anything.';
export const UI_SUPERUSER_ONLY = 'Only administrators (superusers) can change these.';

/** Models only superusers may add, change or delete (lab settings, accounts, data repositories). */
export const SUPERUSER_ONLY_RESOURCES = new Set(['users', 'data-repository', 'data-repository-type']);

/** The Lab members group may not add or change these (upstream's set_user_permissions). */
export const NO_ADD_OR_CHANGE_RESOURCES = new Set(['projects', 'dataset-types']);


const allow: Decision = { allowed: true };
const refuse = (reason: string): Decision => ({ allowed: false, reason });

/** Upstream's admin login rule: active staff members only. */
export function uiLogin(user: Pick<AuthUser, 'is_active' | 'is_staff' | 'is_public_user'>): Decision {
  if (!user.is_active) return refuse(UI_INACTIVE);
  if (!uiLoginAllowed(user)) return refuse(UI_NOT_STAFF);
  return allow;
}

export type UiOperation = 'create' | 'update' | 'delete';

const ACTIONS_OF: Record<UiOperation, Action[]> = { create: ['create'], update: ['update', 'partial_update'], delete: ['delete'] };

/**
 * May the user do this kind of change to records of this resource from the UI? (Per-record rules,
 * such as "only the subject's responsible user", are the API's to enforce on the request.)
 */
export function uiMay(user: AuthUser, resource: { path: string; actions: Action[] }, op: UiOperation): Decision {
  if (!ACTIONS_OF[op].some((a) => resource.actions.includes(a))) return refuse(`These records cannot be ${op === 'create' ? 'added' : op === 'update' ? 'changed' : 'deleted'} here.`);
  if (user.is_public_user) return refuse(UI_PUBLIC_READ_ONLY);
  if (user.is_superuser) return allow;
  if (SUPERUSER_ONLY_RESOURCES.has(resource.path)) {
    // everyone may edit their own lab member record
    if (resource.path === 'users' && op === 'update') return allow;
    return refuse(UI_SUPERUSER_ONLY);
  }
  if (op !== 'delete' && NO_ADD_OR_CHANGE_RESOURCES.has(resource.path)) return refuse(UI_SUPERUSER_ONLY);
  // then the rulebook's model-level answer (the UI applies upstream's admin rules: the lab policy);
  // per-record rules (a subject's allowed set) are decided on the request
  const d = decide(user, { action: op, resource: resource.path, channel: 'ui', policy: 'lab' });
  if (!d.allowed) return refuse(d.reason ?? d.rule);
  return allow;
}

/** The rights the UI shows for every resource path (resources sharing a path are merged). */
export function uiRights(user: AuthUser, resources: Array<{ path: string; actions: Action[] }>) {
  const byPath = new Map<string, { path: string; actions: Action[] }>();
  for (const r of resources) {
    const prev = byPath.get(r.path);
    byPath.set(r.path, { path: r.path, actions: [...new Set([...(prev?.actions ?? []), ...r.actions])] });
  }
  const out: Record<string, { create: boolean; update: boolean; delete: boolean; reasons?: Partial<Record<UiOperation, string>> }> = {};
  for (const r of byPath.values()) {
    const d = { create: uiMay(user, r, 'create'), update: uiMay(user, r, 'update'), delete: uiMay(user, r, 'delete') };
    const reasons = Object.fromEntries(Object.entries(d).filter(([, v]) => !v.allowed).map(([k, v]) => [k, v.reason!]));
    out[r.path] = {
      create: d.create.allowed,
      update: d.update.allowed,
      delete: d.delete.allowed,
      ...(Object.keys(reasons).length ? { reasons } : {}),
    };
  }
  return out;
}
