// The /api/dashboard body, normalised for the dashboard (web/src/Dashboard.tsx).
import { api } from './api.ts';

export interface RestrictedRow {
  nickname: string;
  weight: number | null;
  expected_weight: number | null;
  percentage: number | null;
  remaining_water: number | null;
  flags: string[];
}
interface SessionRow {
  key: string;
  subject: string;
  start_time: string;
  label: string;
}
export interface DashboardData {
  counts: Array<{ label: string; resource: string | null; count: number }>;
  restricted: RestrictedRow[];
  sessions: SessionRow[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const FLAG_NAMES = ['below_threshold', 'not_weighed', 'no_water_today'];

/** Flags of a restricted subject, from a list, an object of booleans, or booleans on the row. */
function flagsOf(r: Record<string, unknown>): string[] {
  const f = r.flags;
  if (Array.isArray(f)) return f.map(String);
  const src = f && typeof f === 'object' ? (f as Record<string, unknown>) : r;
  return FLAG_NAMES.filter((n) => src[n] === true);
}

/** Normalises the /api/dashboard body (tolerant of its field names). */
export function parseDashboard(body: Record<string, unknown>): DashboardData {
  const rawCounts = body.counts;
  const counts = Array.isArray(rawCounts)
    ? rawCounts.map((c: Record<string, unknown>) => ({ label: String(c.label ?? c.resource ?? c.name), resource: (c.resource as string) ?? null, count: Number(c.count) }))
    : Object.entries((rawCounts as Record<string, number>) ?? {}).map(([k, v]) => ({ label: k.replace(/[_-]+/g, ' '), resource: k.replace(/_/g, '-'), count: Number(v) }));
  const restricted = ((body.restricted ?? body.restricted_subjects ?? body.water_restricted ?? []) as Record<string, unknown>[]).map((r) => ({
    nickname: String(r.nickname ?? r.subject),
    weight: num(r.weight ?? r.today_weight ?? r.weight_today),
    expected_weight: num(r.expected_weight),
    percentage: num(r.percentage ?? r.percentage_weight ?? r.pct ?? r.weight_pct),
    remaining_water: num(r.remaining_water),
    flags: flagsOf(r),
  }));
  const sessions = ((body.recent_sessions ?? body.sessions ?? []) as Record<string, unknown>[]).map((s) => ({
    key: String(s.id ?? String(s.url ?? '').split('/').pop()),
    subject: String(s.subject ?? ''),
    start_time: String(s.start_time ?? ''),
    label: [s.task_protocol, s.number !== undefined ? `#${s.number}` : null, s.lab].filter(Boolean).join(' · '),
  }));
  return { counts, restricted, sessions };
}

async function fallback(): Promise<DashboardData> {
  const [wr, ss] = await Promise.all([
    api<Record<string, unknown>[] | { results: Record<string, unknown>[] }>('/water-restricted-subjects').catch(() => []),
    api<{ results: Record<string, unknown>[] }>('/sessions?limit=10').catch(() => ({ results: [] })),
  ]);
  const rows = Array.isArray(wr) ? wr : wr.results;
  return parseDashboard({ restricted: rows, recent_sessions: ss.results, counts: {} });
}

export async function loadDashboard(): Promise<DashboardData> {
  try {
    return parseDashboard(await api('/api/dashboard'));
  } catch (e) {
    if ((e as { status?: number }).status === 404) return fallback();
    throw e;
  }
}

