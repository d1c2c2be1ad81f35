// Session-cookie authentication: POST /auth/login sets an HttpOnly cookie; GET /auth/me says who is logged in.
import type { AuthProvider } from 'react-admin';
import { api, isNotAuthenticated } from './api.ts';

export interface Me {
  id: string;
  username: string;
  is_superuser: boolean;
  is_staff: boolean;
  is_public_user: boolean;
}

let current: Promise<Me | null> | null = null;

/** The logged-in user (cached until login/logout), or null. */
export function me(): Promise<Me | null> {
  current ??= api<Me>('/auth/me').catch(() => null);
  return current;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    current = null;
    await api('/auth/login', { method: 'POST', body: { username, password } });
  },
  async logout() {
    current = null;
    await api('/auth/logout', { method: 'POST' }).catch(() => undefined);
  },
  async checkAuth() {
    if (!(await me())) throw new Error('Please log in.');
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
