// Value formats shared by every endpoint: naive datetimes in the lab's time zone rendered the way
// Django renders them, dates as YYYY-MM-DD, UUIDs in canonical lowercase form.

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Canonical lowercase hyphenated UUID, or null when the text is not a UUID. */
export function normalizeUuid(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!UUID_RE.test(v)) return null;
  const hex = v.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * PostgreSQL's text form of a `timestamp` ("2024-03-12 10:00:00.82") to Django's output
 * ("2024-03-12T10:00:00.820000"; microseconds only when non-zero).
 */
export function formatDateTime(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) value = value.toISOString().replace('Z', '');
  const s = String(value);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(s);
  if (!m) return s;
  const frac = m[3] ? m[3].padEnd(6, '0').slice(0, 6) : '';
  return frac && !/^0+$/.test(frac) ? `${m[1]}T${m[2]}.${frac}` : `${m[1]}T${m[2]}`;
}

export function formatDate(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function validDate(y: number, mo: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One cached 24-hour numeric formatter per time zone (building one costs far more than using it). */
const formatters = new Map<string, Intl.DateTimeFormat>();
export function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string | null | undefined): tz is string {
  if (!tz) return false;
  try {
    zoneFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock parts of an instant in a time zone. */
function wallClock(epochMs: number, timeZone: string) {
  const f = zoneFormatter(timeZone);
  const parts = f.formatToParts(new Date(epochMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/**
 * Parses ISO 8601 input into PostgreSQL `timestamp` text. A value with an offset is converted
 * to the server's time zone and stored naive (Django with USE_TZ=False); a naive value is kept.
 * Returns null when the text is not a valid datetime.
 */
export function parseDateTimeInput(value: unknown, timeZone: string): string | null {
  if (typeof value !== 'string') return null;
  const m = DATETIME_RE.exec(value.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = Number(m[4] ?? 0),
    mi = Number(m[5] ?? 0),
    s = Number(m[6] ?? 0);
  const frac = (m[7] ?? '').padEnd(6, '0').slice(0, 6);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  if (!m[8]) return `${m[1]}-${m[2]}-${m[3]} ${pad(h)}:${pad(mi)}:${pad(s)}.${frac}`;
  let offsetMin = 0;
  if (m[8].toUpperCase() !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
    // Python's timezone() takes offsets strictly within a day: `+99:00` is not a datetime there
    if (Math.abs(offsetMin) >= 24 * 60) return null;
  }
  const epoch = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000;
  const w = wallClock(epoch, timeZone);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}.${frac}`;
}

export function parseDateInput(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** Current wall-clock time in the server's time zone, as PostgreSQL timestamp text. */
export function nowInZone(timeZone: string): string {
  const now = Date.now();
  const w = wallClock(now, timeZone);
  const ms = pad(now % 1000, 3);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}.${ms}000`;
}

export function todayInZone(timeZone: string): string {
  return nowInZone(timeZone).slice(0, 10);
}

export const DATETIME_FORMAT_ERROR =
  'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].';
export const DATE_FORMAT_ERROR = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
