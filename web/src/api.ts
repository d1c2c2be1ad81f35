// Same-origin calls to the Alyx REST API with the session cookie set by POST /auth/login.
import { HttpError } from 'react-admin';

/** A DRF error body: { field: [messages], detail, non_field_errors, status_code }. */
type DrfBody = Record<string, unknown> | null;

function firstMessage(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => firstMessage(x)).filter(Boolean).join(' ') || null;
  if (v && typeof v === 'object') return firstMessage(Object.values(v)[0]);
  return null;
}

/** The human message of a DRF error body. */
export function errorMessage(body: DrfBody, status: number): string {
  if (body) {
    if (typeof body.detail === 'string') return body.detail;
    const nonField = firstMessage(body.non_field_errors);
    if (nonField) return nonField;
    const fields = Object.entries(body).filter(([k]) => k !== 'status_code');
    if (fields.length) return fields.map(([k, v]) => `${k}: ${firstMessage(v) ?? ''}`).join('; ');
  }
  return `Request failed (HTTP ${status})`;
}

/**
 * Raises react-admin's HttpError: field errors go to body.errors so that forms show them next to
 * their inputs; the message is what the notification shows.
 */
function failure(status: number, body: DrfBody): HttpError {
  const errors: Record<string, string> = {};
  if (body) {
    for (const [k, v] of Object.entries(body)) {
      if (k === 'status_code' || k === 'detail') continue;
      const msg = firstMessage(v);
      if (msg) errors[k === 'non_field_errors' ? 'root.serverError' : k] = msg;
    }
  }
  return new HttpError(errorMessage(body, status), status, { ...(body ?? {}), errors });
}

export async function api<T = any>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body, credentials: 'same-origin' });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) throw failure(res.status, parsed && typeof parsed === 'object' ? (parsed as DrfBody) : null);
  return parsed as T;
}

/** Reads every row of a list endpoint (paginated or not), up to `max` rows. */
export async function fetchAll<T = any>(path: string, max = 2000): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; offset < max; ) {
    const page = await api<{ results?: T[]; next?: string | null } | T[]>(`${path}${sep}limit=500&offset=${offset}`);
    if (Array.isArray(page)) return page.slice(0, max);
    out.push(...(page.results ?? []));
    if (!page.next || !(page.results ?? []).length) break;
    offset += (page.results ?? []).length;
  }
  return out;
}

export const isNotAuthenticated = (status: number, body: unknown): boolean =>
  status === 401 ||
  (status === 403 && /credentials were not provided|Invalid token|inactive/i.test(String((body as { detail?: string })?.detail ?? '')));
