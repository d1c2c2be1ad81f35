// What the scanner could not place, kept in data_ingestissue. Re-reading a folder replaces the
// issues it had found (upsert of the current ones keeps their first_seen; the others go), so a
// resolved issue disappears on the next scan.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../../db/client.ts';
import { escapeLike } from '../../../rest/filters.ts';
import { ingestIssues } from '../tables.ts';
import type { IssueDraft } from './walker.ts';

/** Reasons, in the order the issue list explains them. */
export const REASONS = [
  'unknown_subject',
  'no_session',
  'bad_alf_path',
  'bad_alf_name',
  'no_dataset_type',
  'ambiguous_dataset_type',
  'unknown_format',
  'protected_differs',
  'changed',
  'symlink_outside',
  'error',
] as const;

/** Replaces the issues found by reading `directory` with `drafts`. */
export function replaceIssues(db: Queryable, repoId: string, directory: string, sessionPath: string, drafts: IssueDraft[], now: string): Promise<void> {
  return replaceIssuesOf(db, repoId, [{ directory, sessionPath, drafts }], now);
}

/** replaceIssues for several directories: one upsert, one delete. */
export async function replaceIssuesOf(
  db: Queryable,
  repoId: string,
  dirs: Array<{ directory: string; sessionPath: string; drafts: IssueDraft[] }>,
  now: string,
): Promise<void> {
  if (!dirs.length) return;
  // one row per (path, reason): the last draft wins
  const byKey = new Map<string, typeof ingestIssues.$inferInsert>();
  for (const { directory, sessionPath, drafts } of dirs) {
    for (const d of drafts) {
      byKey.set(`${d.path}\u0000${d.reason}`, {
        data_repository: repoId,
        relative_path: d.path,
        directory,
        session_path: sessionPath,
        reason: d.reason,
        detail: d.detail,
        info: d.info ?? null,
        first_seen: now,
        last_seen: now,
      });
    }
  }
  if (byKey.size) {
    await db
      .insert(ingestIssues)
      .values([...byKey.values()])
      .onConflictDoUpdate({
        target: [ingestIssues.data_repository, ingestIssues.relative_path, ingestIssues.reason],
        set: {
          directory: sql`excluded.${sql.identifier(ingestIssues.directory.name)}`,
          session_path: sql`excluded.${sql.identifier(ingestIssues.session_path.name)}`,
          detail: sql`excluded.${sql.identifier(ingestIssues.detail.name)}`,
          info: sql`excluded.${sql.identifier(ingestIssues.info.name)}`,
          last_seen: now,
        },
      });
  }
  await db
    .delete(ingestIssues)
    .where(
      and(
        eq(ingestIssues.data_repository, repoId),
        inArray(ingestIssues.directory, [...new Set(dirs.map((d) => d.directory))]),
        ne(ingestIssues.last_seen, now),
      ),
    );
}

/** Issues of folders that disappeared from the share (and everything below them). */
export async function forgetIssuesUnder(db: Queryable, repoId: string, dirs: string[]): Promise<void> {
  if (!dirs.length) return;
  const under = dirs.map((d) => sql`${ingestIssues.directory} like ${escapeLike(d) + '/%'}`);
  await db
    .delete(ingestIssues)
    .where(and(eq(ingestIssues.data_repository, repoId), sql`(${inArray(ingestIssues.directory, dirs)} or ${sql.join(under, sql` or `)})`));
}

/** Levenshtein distance (names are short; a library would add a dependency for ten lines). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The `n` dataset type names closest to `key` (case-insensitive edit distance relative to length). */
export function closestTypes(key: string, names: string[], n = 3): string[] {
  const k = key.toLowerCase();
  return names
    .map((name) => ({ name, score: distance(k, name.toLowerCase()) / Math.max(k.length, name.length, 1) }))
    .sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1))
    .slice(0, n)
    .map((x) => x.name);
}
