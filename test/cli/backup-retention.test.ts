// Retention of scheduled backups (src/ops/retention.ts): a pure function, no database.
import { describe, expect, it } from 'vitest';
import { isoWeek, planRetention } from '../../src/ops/retention.ts';
import { backupTime } from '../../src/ops/archive.ts';

const at = (iso: string) => ({ name: iso, time: new Date(iso) });
const names = (list: Array<{ name: string }>) => list.map((b) => b.name);

/** One backup every `hours` from `start` for `days` days. */
function series(start: string, days: number, hours: number) {
  const out = [];
  for (let t = new Date(start).getTime(); t < new Date(start).getTime() + days * 86400e3; t += hours * 3600e3) out.push(at(new Date(t).toISOString()));
  return out;
}

describe('planRetention', () => {
  it('keeps the newest backup of each of the last N days', () => {
    const backups = series('2026-03-01T00:00:00Z', 10, 6); // 40 backups, 4 a day
    const r = planRetention(backups, { daily: 3, weekly: 0, monthly: 0 });
    expect(names(r.keep)).toEqual(['2026-03-10T18:00:00.000Z', '2026-03-09T18:00:00.000Z', '2026-03-08T18:00:00.000Z']);
    expect(r.remove).toHaveLength(37);
    expect(new Set([...names(r.keep), ...names(r.remove)]).size).toBe(40);
  });

  it('adds the newest of each ISO week and month, without counting a backup twice', () => {
    const backups = series('2026-01-01T03:00:00Z', 70, 24); // daily, Jan 1 .. Mar 11
    const r = planRetention(backups, { daily: 2, weekly: 3, monthly: 3 });
    expect(names(r.keep)).toEqual([
      '2026-03-11T03:00:00.000Z', // today: daily, weekly (W11), monthly (March)
      '2026-03-10T03:00:00.000Z', // daily
      '2026-03-08T03:00:00.000Z', // Sunday: last of W10
      '2026-03-01T03:00:00.000Z', // Sunday: last of W09
      '2026-02-28T03:00:00.000Z', // last of February
      '2026-01-31T03:00:00.000Z', // last of January
    ]);
  });

  it('keeps only the newest with all counts zero, and handles an empty list', () => {
    const backups = [at('2026-05-02T10:00:00Z'), at('2026-05-03T10:00:00Z'), at('2026-05-01T10:00:00Z')];
    expect(names(planRetention(backups, { daily: 0, weekly: 0, monthly: 0 }).keep)).toEqual(['2026-05-03T10:00:00Z']);
    expect(planRetention([], { daily: 7, weekly: 4, monthly: 12 })).toEqual({ keep: [], remove: [] });
  });

  it('keeps a sparse history whole when it has fewer backups than buckets', () => {
    const backups = [at('2025-06-15T00:00:00Z'), at('2025-11-02T00:00:00Z'), at('2026-02-20T00:00:00Z')];
    expect(planRetention(backups, { daily: 7, weekly: 4, monthly: 12 }).remove).toEqual([]);
    expect(names(planRetention(backups, { daily: 1, weekly: 0, monthly: 2 }).remove)).toEqual(['2025-06-15T00:00:00Z']);
  });

  it('uses ISO weeks across a year end', () => {
    expect(isoWeek(new Date('2026-01-01T12:00:00Z'))).toBe('2026-W01'); // a Thursday
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53'); // a Friday
    expect(isoWeek(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01'); // a Monday
  });

  it('reads the time from a backup file name', () => {
    expect(backupTime('alyx-scheduled-20260302-101112.tar.gz')?.toISOString()).toBe('2026-03-02T10:11:12.000Z');
    expect(backupTime('alyx-backup-20260302-101112-2.tar.gz')?.toISOString()).toBe('2026-03-02T10:11:12.000Z');
    expect(backupTime('notes.txt')).toBeNull();
  });
});
