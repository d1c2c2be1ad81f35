// Which scheduled backups to keep: the newest backup of each of the last N days, N ISO weeks and
// N months that have one (the usual grandfather-father-son scheme), plus always the newest backup.
// Days, weeks and months are UTC, as the backup file names are.

export interface Keep {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface Dated {
  name: string;
  time: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week, e.g. "2026-W01" (the week with the year's first Thursday is week 1). */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86400e3 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Splits the backups into those to keep and those to delete (both newest first). */
export function planRetention<T extends Dated>(backups: readonly T[], keep: Keep): { keep: T[]; remove: T[] } {
  const sorted = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || b.name.localeCompare(a.name));
  const kept = new Set<T>(sorted.slice(0, 1));
  const rule = (n: number, bucket: (d: Date) => string) => {
    const seen = new Set<string>();
    for (const b of sorted) {
      if (seen.size >= n) break;
      const key = bucket(b.time);
      if (seen.has(key)) continue;
      seen.add(key);
      kept.add(b); // the newest backup of this day / week / month
    }
  };
  rule(keep.daily, day);
  rule(keep.weekly, isoWeek);
  rule(keep.monthly, month);
  return { keep: sorted.filter((b) => kept.has(b)), remove: sorted.filter((b) => !kept.has(b)) };
}
