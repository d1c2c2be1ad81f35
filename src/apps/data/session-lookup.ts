// Locating the session a dataset belongs to from subject/date/number (register-file, POST
// /datasets, GET /check-protected). Finding it only reads; what upstream does on top of finding it
// (adding the user to the session, giving the numbered session its parent) is the separate
// `linkSession` step, which only the POST paths call.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { subjects } from '../subjects/tables.ts';
import { sessions, sessionUsers } from '../actions/tables.ts';
import { ApiError } from '../../rest/errors.ts';

/** 400 with upstream's `error` key (register-file session errors). */
export const errorKey = (status: number, error: string) => new ApiError(status, { error });

export interface FoundSession {
  id: string;
  subject: string;
  subjectId: string;
  lab: string | null;
  /** the day's base session (the one without a parent) */
  baseId: string;
  /** the numbered session has no parent yet although it is not the base one */
  orphan: boolean;
}

/**
 * Upstream's session lookup for a subject/date/number: the base session (no parent) of that day
 * must exist, the numbered one too. Sessions are never created. Reads only.
 * `fail` builds the error (register-file uses an `error` key, POST /datasets field errors).
 */
export async function lookupSession(
  db: Queryable,
  subjectNickname: string,
  date: string,
  number: number,
  fail: (message: string) => ApiError,
): Promise<FoundSession> {
  const [subj] = await db
    .select({ id: subjects.id, lab: subjects.lab })
    .from(subjects)
    .where(eq(subjects.nickname, subjectNickname))
    .limit(1);
  if (!subj) throw fail(`A subject with nickname "${subjectNickname}" does not exist.`);
  const sameDay = and(eq(sessions.subject, subj.id), sql`${sessions.start_time}::date = ${date}::date`);
  const rows = await db
    .select({ id: sessions.id, number: sessions.number, parent: sessions.parent_session })
    .from(sessions)
    .where(sameDay)
    .orderBy(asc(sessions.start_time), asc(sessions.id));
  const base = rows.find((r) => r.parent === null);
  if (!base) throw fail(`A base session for ${subjectNickname} on ${date} does not exist`);
  const target = rows.find((r) => r.number === number);
  if (!target) throw fail(`A session for ${subjectNickname}/${number} on ${date} does not exist`);
  return {
    id: target.id,
    subject: subjectNickname,
    subjectId: subj.id,
    lab: subj.lab,
    baseId: base.id,
    orphan: target.parent === null && target.id !== base.id,
  };
}

/** The write upstream does with the lookup: `userId` joins both sessions' users; the base becomes the parent. */
export async function linkSession(db: Queryable, found: FoundSession, userId: string | null): Promise<void> {
  if (userId) {
    const owners = [...new Set([found.baseId, found.id])];
    await db
      .insert(sessionUsers)
      .values(owners.map((owner) => ({ owner, labmember: userId })))
      .onConflictDoNothing();
  }
  if (found.orphan) {
    await db.update(sessions).set({ parent_session: found.baseId }).where(eq(sessions.id, found.id));
  }
}
