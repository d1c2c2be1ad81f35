// Session-cookie authentication: POST /auth/login sets an HttpOnly cookie; GET /api/me says who is
// logged in and what the UI lets them do. Accounts the admin pages refuse are logged out at once,
// with the reason on the login page.
import type { AuthProvider } from 'react-admin';
import { api, isNotAuthenticated } from './api.ts';
import { loadMe, uiAllowed, type Me } from './perms.ts';

export type { Me };

let current: Promise<Me | null> | null = null;

/** The logged-in user (cached until login/logout), or null. */
export function me(): Promise<Me | null> {
  current ??= loadMe().catch(() => null);
  return current;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    current = null;
    await api('/auth/login', { method: 'POST', body: { username, password } });
    const who = await me();
    const allowed = who ? uiAllowed(who) : { ok: false, reason: 'Could not read your account.' };
    if (!allowed.ok) {
      current = null;
      await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
      throw new Error(allowed.reason ?? 'This account cannot use the admin pages.');
    }
  },
  async logout() {
    current = null;
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  },
  async checkAuth() {
    const who = await me();
    if (!who || !uiAllowed(who).ok) throw new Error('Please log in.');
  },
  async checkError(error: { status?: number; body?: unknown }) {
    if (isNotAuthenticated(error?.status ?? 0, error?.body)) {
      current = null;
      throw new Error('Your session has ended: please log in again.');
    }
  },
  async getIdentity() {
    const u = await me();
    if (!u) throw new Error('Not logged in.');
    return { id: u.username, fullName: u.username };
  },
  async getPermissions() {
    return await me();
  },
};
