// Welfare notifications (spec-core §4.3): rows in actions_notification with their recipients,
// created by the weighing check and by the scheduled water/weighing checks, and e-mailed through
// SMTP when it is configured. Without SMTP they are still recorded (status `to-send`) and visible.
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Queryable } from '../../db/client.ts';
import { labMemberships, users } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { deliverMail } from './mail.ts';
import { notificationRules, notificationUsers, notifications, waterRestrictions, type NOTIFICATION_TYPES } from './tables.ts';
import { DAY_MS, naiveMs, pyDateTime, wallClockMs, type WaterControl } from './water.ts';
import { waterControls } from './water-figures.ts';
import { nowInZone } from '../../rest/values.ts';

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Seconds that must pass before the same notification (type, title, subject) is created again. */
export const NOTIFICATION_MIN_DELAYS: Partial<Record<NotificationType, number>> = {
  responsible_user_change: 3600,
  mouse_underweight: 3600,
  mouse_water: 3600,
};

export interface NotifyEnv {
  db: Queryable;
  config: Pick<Config, 'timeZone' | 'smtp'>;
  /** the current instant, epoch ms (tests fix it); default the real time */
  nowEpoch?: number;
  /** where delivery failures are reported; default console.warn */
  log?: (line: string) => void;
}

/** Server-local naive "now" as timestamp text. */
const nowOf = (env: NotifyEnv) =>
  env.nowEpoch === undefined ? nowInZone(env.config.timeZone) : pyDateTime(wallClockMs(env.nowEpoch, env.config.timeZone));

export interface NewNotification {
  type: NotificationType;
  message: string;
  subject: string | null;
  /** recipients (user ids); null means the subject's responsible user */
  users?: string[] | null;
  force?: boolean;
  details?: string;
}

/** Users who receive a notification of this type about this subject (rules applied). */
export async function recipients(env: NotifyEnv, type: NotificationType, subjectId: string | null, given: string[] | null): Promise<string[]> {
  let subject: { responsible_user: string | null; lab: string } | undefined;
  if (subjectId) {
    [subject] = await env.db.select({ responsible_user: subjects.responsible_user, lab: subjects.lab }).from(subjects).where(eq(subjects.id, subjectId));
  }
  let set = new Set<string>(given ?? (subject?.responsible_user ? [subject.responsible_user] : []));
  const rules = await env.db
    .select({ user: notificationRules.user, scope: notificationRules.subjects_scope })
    .from(notificationRules)
    .where(eq(notificationRules.notification_type, type));
  const none = new Set(rules.filter((r) => r.scope === 'none').map((r) => r.user));
  set = new Set([...set].filter((u) => !none.has(u)));
  if (!subject) return [...set];
  const today = nowOf(env).slice(0, 10);
  const labUsers = new Set<string>();
  if (rules.some((r) => r.scope === 'lab')) {
    const members = await env.db
      .select({ user: labMemberships.user })
      .from(labMemberships)
      .where(
        and(
          eq(labMemberships.lab, subject.lab),
          sql`${labMemberships.start_date} < ${today}::date`,
          or(isNull(labMemberships.end_date), sql`${labMemberships.end_date} >= ${today}::date`),
        ),
      );
    for (const m of members) labUsers.add(m.user);
  }
  for (const r of rules) {
    const scope = r.scope || 'mine';
    if (scope === 'all' || (scope === 'mine' && r.user === subject.responsible_user) || (scope === 'lab' && labUsers.has(r.user))) set.add(r.user);
  }
  return [...set];
}

/** Creates a notification unless the same one was created less than its minimum delay ago; then tries to send it. */
export async function createNotification(env: NotifyEnv, n: NewNotification): Promise<string | null> {
  const now = nowOf(env);
  const minDelay = NOTIFICATION_MIN_DELAYS[n.type] ?? 0;
  if (!n.force && minDelay > 0) {
    const [last] = await env.db
      .select({ send_at: notifications.send_at })
      .from(notifications)
      .where(
        and(
          eq(notifications.notification_type, n.type),
          eq(notifications.title, n.message.slice(0, 255)),
          n.subject ? eq(notifications.subject, n.subject) : isNull(notifications.subject),
          ne(notifications.status, 'no-send'),
        ),
      )
      .orderBy(desc(notifications.send_at))
      .limit(1);
    if (last && (naiveMs(now) - naiveMs(last.send_at)) / 1000 < minDelay) return null;
  }
  const [row] = await env.db
    .insert(notifications)
    .values({
      notification_type: n.type,
      title: n.message.slice(0, 255),
      message: n.message + '\n\n' + (n.details ?? ''),
      subject: n.subject,
      send_at: now,
      status: 'to-send',
    })
    .returning({ id: notifications.id });
  const to = await recipients(env, n.type, n.subject, n.users ?? null);
  if (to.length) await env.db.insert(notificationUsers).values(to.map((u) => ({ notification: row.id, labmember: u })));
  await sendNotification(env, row.id);
  return row.id;
}

/** The e-mail addresses of a notification's recipients, by username. */
async function recipientEmails(db: Queryable, id: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(notificationUsers)
    .innerJoin(users, eq(users.id, notificationUsers.labmember))
    .where(eq(notificationUsers.notification, id))
    .orderBy(asc(users.username));
  return rows.map((r) => r.email);
}

/** A failed delivery: its time joins json.failed_attempts, its reason goes to send_error and the log. */
async function recordFailure(env: NotifyEnv, n: typeof notifications.$inferSelect, now: string, error: string): Promise<void> {
  const json = (n.json && typeof n.json === 'object' && !Array.isArray(n.json) ? { ...(n.json as Record<string, unknown>) } : {}) as Record<string, unknown>;
  const attempts = Array.isArray(json.failed_attempts) ? [...json.failed_attempts] : [];
  attempts.push(now.replace(' ', 'T'));
  json.failed_attempts = attempts;
  await env.db.update(notifications).set({ json, send_error: error }).where(eq(notifications.id, n.id));
  (env.log ?? console.warn)(`notification ${n.id} ("${n.title}") not sent: ${error}`);
}

/**
 * Sends one notification if it is ready (`to-send`, due). Returns true when sent, false on a
 * delivery failure (recorded, see recordFailure), null when there was nothing to send (mail
 * disabled or no recipient address: nothing is recorded).
 */
export async function sendNotification(env: NotifyEnv, id: string): Promise<boolean | null> {
  const now = nowOf(env);
  const [n] = await env.db.select().from(notifications).where(eq(notifications.id, id));
  if (!n || n.status !== 'to-send' || naiveMs(n.send_at) > naiveMs(now)) return false;
  const outcome = await deliverMail(env.config.smtp, { to: await recipientEmails(env.db, id), subject: n.title, body: n.message });
  if (outcome === null) return null;
  if (outcome.sent) {
    await env.db.update(notifications).set({ status: 'sent', sent_at: now, send_error: null }).where(eq(notifications.id, id));
    return true;
  }
  await recordFailure(env, n, now, outcome.error);
  return false;
}

/** Sends every ready notification; one that has failed `maxResend` times becomes `no-send`. */
export async function sendPendingNotifications(env: NotifyEnv, maxResend = 3): Promise<{ sent: number; failed: number }> {
  const now = nowOf(env);
  const pending = await env.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.status, 'to-send'), lte(notifications.send_at, now)))
    .orderBy(asc(notifications.send_at));
  let sent = 0;
  let failed = 0;
  for (const { id } of pending) {
    const ok = await sendNotification(env, id);
    if (ok) sent++;
    if (ok === false) {
      failed++;
      const [n] = await env.db.select({ json: notifications.json }).from(notifications).where(eq(notifications.id, id));
      const attempts = (n?.json as { failed_attempts?: unknown[] } | null)?.failed_attempts ?? [];
      if (attempts.length >= maxResend) await env.db.update(notifications).set({ status: 'no-send' }).where(eq(notifications.id, id));
    }
  }
  return { sent, failed };
}

/** Deletes notifications whose send_at is older than `days` days (optionally of one status). */
export async function deleteExpiredNotifications(env: NotifyEnv, days = 30, status?: string, dryRun = false): Promise<number> {
  const cutoff = sql`${nowOf(env)}::timestamp - make_interval(days => ${days})`;
  const where = and(sql`${notifications.send_at} < ${cutoff}`, status ? eq(notifications.status, status) : undefined);
  if (dryRun) {
    const [{ n }] = await env.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(where);
    return Number(n);
  }
  const deleted = await env.db.delete(notifications).where(where).returning({ id: notifications.id });
  return deleted.length;
}

// ---- checks --------------------------------------------------------------------------------------

/** Lab-local naive ms of now. */
function labNow(wc: WaterControl): number {
  return wallClockMs(wc.nowEpoch, wc.labTz);
}

const sameDay = (a: number, b: number) => Math.floor(a / DAY_MS) === Math.floor(b / DAY_MS);

/** After a weighing: warn when the weight is within 2 points of the minimum percentage. */
export async function checkUnderweight(env: NotifyEnv, subject: { id: string; nickname: string }, wc: WaterControl): Promise<void> {
  const p = wc.percentageWeight();
  const m = wc.minPercentage();
  const last = wc.lastWeighingBefore();
  if (p > 0 && p <= m + 2) {
    const header = p <= m ? 'WARNING' : 'ATTENTION';
    const when = last ? pyDateTime(last[0]) : 'None';
    await createNotification(env, {
      type: 'mouse_underweight',
      message: `${header}: ${subject.nickname} weight was ${p.toFixed(1)}% on ${when}`,
      subject: subject.id,
    });
  }
}

/** Water not given for 23 h while some is still required today. */
export async function checkWaterAdministration(
  env: NotifyEnv,
  subject: { id: string; nickname: string; responsible: string },
  wc: WaterControl,
): Promise<void> {
  const now = labNow(wc);
  const start = wc.waterRestrictionAt(now);
  if (start === null) return;
  const remaining = wc.remainingWater(now);
  const wa = wc.lastWaterAdministrationAt(now);
  if (sameDay(start, now)) return;
  const since = wa ? wa[0] : (wc.currentWaterRestriction() ?? start);
  const delay = now - since;
  if (remaining > 0 && delay / 1000 >= 23 * 3600 - 10) {
    const last = wa ? `${pyDateTime(wa[0])}, ${(wa[1] ?? 0).toFixed(2)} mL` : 'none';
    const details = [
      '',
      `Mouse: ${subject.nickname}`,
      `User: ${subject.responsible}`,
      `Date: ${pyDateTime(now).slice(0, 19)}`,
      `Last water administration: ${last}`,
      `Remaining water: ${remaining.toFixed(1)} mL`,
      `Delay: ${(delay / 3_600_000).toFixed(1)} hours`,
      '',
    ].join('\n');
    await createNotification(env, {
      type: 'mouse_water',
      message: `${remaining.toFixed(1)} mL remaining for ${subject.nickname}`,
      subject: subject.id,
      details,
    });
  }
}

/** A restricted subject with no weighing today (except on the first day when a reference weight exists). */
export async function checkWeighed(env: NotifyEnv, subject: { id: string; nickname: string }, wc: WaterControl): Promise<void> {
  const now = labNow(wc);
  const start = wc.waterRestrictionAt(now);
  if (start === null) return;
  if (sameDay(start, now) && wc.referenceWeight(now)) return;
  const last = wc.lastWeighingBefore(now);
  if (!last || !sameDay(last[0], now)) {
    await createNotification(env, {
      type: 'mouse_not_weighed',
      message: `ATTENTION: subject "${subject.nickname}" weighing missing for ${new Date(now).toISOString().slice(0, 10)}`,
      subject: subject.id,
    });
  }
}

/**
 * The scheduled check (upstream `check_water_admin`): water and weighing checks for every subject
 * with an active restriction (start set, no end) that is alive. `nowEpoch` fixes the time in tests.
 */
export async function checkWaterRestrictedSubjects(env: NotifyEnv): Promise<number> {
  const nowEpoch = env.nowEpoch ?? Date.now();
  const today = nowOf(env).slice(0, 10);
  const rows = await env.db
    .selectDistinct({
      id: subjects.id,
      nickname: subjects.nickname,
      birth_date: subjects.birth_date,
      sex: subjects.sex,
      lab: subjects.lab,
      responsible: users.username,
    })
    .from(waterRestrictions)
    .innerJoin(subjects, eq(subjects.id, waterRestrictions.subject))
    .leftJoin(users, eq(users.id, subjects.responsible_user))
    .where(
      and(
        isNotNull(waterRestrictions.start_time),
        isNull(waterRestrictions.end_time),
        or(isNull(subjects.death_date), sql`${subjects.death_date} > ${today}::date`),
      ),
    );
  if (!rows.length) return 0;
  const wcs = await waterControls(env.db, rows, { serverTimeZone: env.config.timeZone, now: nowEpoch });
  for (const r of rows) {
    const wc = wcs.get(r.id)!;
    await checkWaterAdministration(env, { id: r.id, nickname: r.nickname, responsible: r.responsible ?? '' }, wc);
    await checkWeighed(env, r, wc);
  }
  return rows.length;
}


/**
 * A subject's responsible user changed: tell the old and the new one. Upstream fails (500) when
 * there was no previous user; we skip the missing user instead.
 */
export async function responsibleUserChanged(
  env: NotifyEnv,
  subject: { id: string; nickname: string },
  oldUser: string | null,
  newUser: string | null,
): Promise<void> {
  const ids = [oldUser, newUser].filter((u): u is string => !!u);
  if (!ids.length) return;
  const names = new Map(
    (await env.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.username]),
  );
  const name = (u: string | null) => (u ? (names.get(u) ?? 'None') : 'None');
  await createNotification(env, {
    type: 'responsible_user_change',
    message: `Responsible user of ${subject.nickname} changed from ${name(oldUser)} to ${name(newUser)}`,
    subject: subject.id,
    users: ids,
  });
}
