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
/** The flags the dashboard shows, by the names the server may use. */
const FLAG_NAMES: Record<string, string> = {
  below_threshold: 'below_threshold',
  weight_warning: 'weight_warning',
  not_weighed: 'not_weighed',
  not_weighed_today: 'not_weighed',
  no_water_today: 'no_water_today',
};

/** Flags of a restricted subject, from a list, an object of booleans, or booleans on the row. */
function flagsOf(r: Record<string, unknown>): string[] {
  const f = r.flags;
  if (Array.isArray(f)) return f.map((x) => FLAG_NAMES[String(x)] ?? String(x));
  const src = f && typeof f === 'object' ? (f as Record<string, unknown>) : r;
  return [...new Set(Object.keys(FLAG_NAMES).filter((n) => src[n] === true).map((n) => FLAG_NAMES[n]))];
}

/** Normalises the /api/dashboard body (tolerant of its field names). */
export function parseDashboard(body: Record<string, unknown>): DashboardData {
  const rawCounts = body.counts;
  const counts = Array.isArray(rawCounts)
    ? rawCounts.map((c: Record<string, unknown>) => ({ label: String(c.label ?? c.resource ?? c.name), resource: (c.resource as string) ?? null, count: Number(c.count) }))
    : Object.entries((rawCounts as Record<string, number>) ?? {}).map(([k, v]) => ({
        label: (k.charAt(0).toUpperCase() + k.slice(1)).replace(/[_-]+/g, ' '),
        resource: k.replace(/_/g, '-'),
        count: Number(v),
      }));
  const restricted = ((body.restricted ?? body.restricted_subjects ?? body.water_restricted ?? []) as Record<string, unknown>[]).map((r) => ({
    nickname: String(r.nickname ?? r.subject),
    weight: num(r.weight ?? r.today_weight ?? r.weight_today),
    expected_weight: num(r.expected_weight),
    // 0 means unavailable (no expected weight)
    percentage: num(r.percentage ?? r.percentage_weight ?? r.pct ?? r.weight_pct) || null,
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

interface DayRecord {
  date: string;
  weighing_at?: number | null;
  expected_weight?: number;
  min_weight?: number;
  percentage_weight?: number;
  given_water_total?: number;
  expected_water?: number;
}

/** Today's state of one restricted subject from its /water-requirement records. */
export function todayOf(nickname: string, records: DayRecord[], today: string): Record<string, unknown> {
  const r = records.find((x) => x.date === today);
  const weight = typeof r?.weighing_at === 'number' ? r.weighing_at : null;
  const flags: string[] = [];
  if (weight !== null && r?.min_weight && weight < r.min_weight) flags.push('below_threshold');
  if (weight === null) flags.push('not_weighed');
  if (!r?.given_water_total) flags.push('no_water_today');
  return {
    nickname,
    weight,
    expected_weight: r?.expected_weight ?? null,
    percentage: weight !== null ? (r?.percentage_weight ?? null) : null,
    remaining_water: typeof r?.expected_water === 'number' ? r.expected_water - (r.given_water_total ?? 0) : null,
    flags,
  };
}

/** Older servers: the restricted subjects and their water requirement, the latest sessions. */
async function fallback(): Promise<DashboardData> {
  const [wr, ss] = await Promise.all([
    api<Record<string, unknown>[] | { results: Record<string, unknown>[] }>('/water-restricted-subjects').catch(() => []),
    api<{ results: Record<string, unknown>[] }>('/sessions?limit=10').catch(() => ({ results: [] })),
  ]);
  const rows = Array.isArray(wr) ? wr : wr.results;
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const today = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const restricted = await Promise.all(
    rows.map(async (row) => {
      const nickname = String(row.nickname);
      const req = await api<{ records?: DayRecord[] }>(`/water-requirement/${encodeURIComponent(nickname)}`).catch(() => null);
      return req ? todayOf(nickname, req.records ?? [], today) : row;
    }),
  );
  return parseDashboard({ restricted, recent_sessions: ss.results, counts: {} });
}

export async function loadDashboard(): Promise<DashboardData> {
  try {
    return parseDashboard(await api('/api/dashboard'));
  } catch (e) {
    if ((e as { status?: number }).status === 404) return fallback();
    throw e;
  }
}

